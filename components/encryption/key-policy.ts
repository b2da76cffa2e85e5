/** The platform key's key policy, as a pure function so tests can read it without mocks. */
import { Partition, dnsSuffixOf } from "../settings/regions";

export interface PlatformKeyPolicyInput {
    partition: Partition;
    region: string;
    accountId: string;
    /**
     * Names of the stack's own log groups, IAM wildcards allowed (`/aws/eks/spark-dev/*`); CloudWatch Logs may use
     * the key for these and no other log group of the account.
     */
    logGroupNames: readonly string[];
}

/** Log group names: CloudWatch's characters, and `*`/`?` wildcards. Never a bare `*`, which is every group. */
const LOG_GROUP_NAME = /^[A-Za-z0-9_\-/.#*?]{1,512}$/;

/** Problems with the log group names, each naming the value and the fix; empty when they are valid. */
export function logGroupNameProblems(names: readonly string[]): string[] {
    if (names.length === 0) return ["logGroupNames is empty; name the stack's log groups the key encrypts"];
    return names.flatMap((name) => {
        if (!LOG_GROUP_NAME.test(name)) return [`log group name "${name}" is not a CloudWatch Logs log group name`];
        if (/^[*?/]*$/.test(name) || /^\/(aws\/)?\*/.test(name)) {
            return [`log group name "${name}" covers other stacks' log groups; give the stack's own prefix`];
        }
        return [];
    });
}

/**
 * Two statements, nothing else:
 * - the account root administers the key, which is what lets IAM policies (the deployer's, the admins') grant use
 *   of it; without this statement the key becomes unmanageable (KMS refuses such a policy unless forced);
 * - CloudWatch Logs of this region may use it, but only for this stack's own log groups, through the encryption
 *   context CloudWatch Logs always sends (`kms:EncryptionContext:aws:logs:arn`): another stack's or team's log
 *   group in the account cannot be encrypted with (and so tied to) this stack's key.
 * Other services (OpenSearch encryption at rest, EBS) do not appear here: they act through KMS grants created by
 * the IAM principal that configures them, which the root statement already lets IAM authorise.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function platformKeyPolicy(input: PlatformKeyPolicyInput) {
    const { partition, region, accountId } = input;
    const problems = logGroupNameProblems(input.logGroupNames);
    if (problems.length > 0) throw new Error(`platform key policy: ${problems.join("; ")}`);
    const logGroups = input.logGroupNames.map(
        (name) => `arn:${partition}:logs:${region}:${accountId}:log-group:${name}`,
    );
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersKey",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchLogsOfThisStack",
                Effect: "Allow",
                Principal: { Service: `logs.${region}.${dnsSuffixOf(region)}` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: {
                    ArnLike: { "kms:EncryptionContext:aws:logs:arn": logGroups },
                },
            },
        ],
    };
}

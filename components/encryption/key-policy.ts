/** The platform key's key policy, as a pure function so tests can read it without mocks. */
import { Partition, dnsSuffixOf } from "../vocabulary";

export interface PlatformKeyPolicyInput {
    partition: Partition;
    region: string;
    accountId: string;
}

/**
 * Two statements, nothing else:
 * - the account root administers the key, which is what lets IAM policies (the deployer's, the admins') grant use
 *   of it; without this statement the key becomes unmanageable (KMS refuses such a policy unless forced);
 * - CloudWatch Logs of this region may use it, but only for log groups of this account, through the encryption
 *   context CloudWatch Logs always sends (`kms:EncryptionContext:aws:logs:arn`).
 * Other services (OpenSearch encryption at rest, EBS) do not appear here: they act through KMS grants created by
 * the IAM principal that configures them, which the root statement already lets IAM authorise.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function platformKeyPolicy(input: PlatformKeyPolicyInput) {
    const { partition, region, accountId } = input;
    const logGroups = `arn:${partition}:logs:${region}:${accountId}:log-group:*`;
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
                Sid: "CloudWatchLogsOfThisAccount",
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

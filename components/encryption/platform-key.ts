import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Partition } from "../settings/regions";
import { logGroupNameProblems, platformKeyPolicy } from "./key-policy";
import { kmsAliasName } from "../vocabulary/stack-names";

export interface PlatformKeyArgs {
    /** Prefix of the key's alias (`alias/<namePrefix>-platform`); one key per stack. */
    namePrefix: string;
    /** Partition of the stack's region, for ARNs in the key policy. */
    partition: Partition;
    /** Region of the stack; CloudWatch Logs of this region may use the key. */
    region: string;
    /** Account of the stack; only its root and its log groups appear in the key policy. */
    accountId: pulumi.Input<string>;
    /**
     * Names of the stack's log groups the key encrypts, IAM wildcards allowed (e.g. `/aws/eks/spark-dev/*`); the
     * key policy lets CloudWatch Logs use the key for these only.
     */
    logGroupNames: readonly string[];
    /**
     * Days KMS waits before deleting the key after it is scheduled for deletion (7–30).
     * @default 30
     */
    deletionWindowInDays?: number;
    /**
     * Keep the key when the stack is destroyed: set it whenever something encrypted with the key is kept (the
     * retained platform bucket), or that data becomes unreadable once KMS deletes the key. The alias is not kept,
     * so a new stack of the same name can take it; find a kept key by its description and tags.
     * @default false
     */
    retainOnDelete?: boolean;
}

const defaults = { deletionWindowInDays: 30, retainOnDelete: false };

/**
 * The stack's customer-managed KMS key: one per stack, yearly rotation on, used for encryption at rest of the
 * stack's log groups and OpenSearch domain. Everything that encrypts takes the key's ARN as an input, so the key
 * is the only thing those resources wait for.
 */
export class PlatformKey extends pulumi.ComponentResource {
    /** Key ARN; what services and log groups are configured with (an ARN, not an id, avoids provider diffs). */
    readonly arn: pulumi.Output<string>;
    readonly keyId: pulumi.Output<string>;
    /** `alias/<namePrefix>-platform`, for people and CLIs. */
    readonly aliasName: pulumi.Output<string>;

    constructor(name: string, args: PlatformKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:encryption:PlatformKey", name, {}, opts);
        const a = { ...defaults, ...args };
        const problems = platformKeyProblems(args);
        if (problems.length > 0) throw new pulumi.ResourceError(`platform key: ${problems.join("; ")}`, this);
        const policy = pulumi.output(a.accountId).apply((accountId) =>
            JSON.stringify(
                platformKeyPolicy({
                    partition: a.partition,
                    region: a.region,
                    accountId,
                    logGroupNames: a.logGroupNames,
                }),
            ),
        );
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `${a.namePrefix}: encryption at rest of the Spark platform's logs and log domain`,
                enableKeyRotation: true,
                deletionWindowInDays: a.deletionWindowInDays,
                policy,
            },
            { parent: this, retainOnDelete: a.retainOnDelete },
        );
        const alias = new aws.kms.Alias(
            `${name}-alias`,
            {
                name: kmsAliasName(a.namePrefix, "platform"),
                targetKeyId: key.keyId,
            },
            { parent: this },
        );

        this.arn = key.arn;
        this.keyId = key.keyId;
        this.aliasName = alias.name;
        this.registerOutputs({ arn: this.arn, keyId: this.keyId, aliasName: this.aliasName });
    }
}

/** Every problem with the args, each naming the input, the value and the fix; empty when they are valid. */
export function platformKeyProblems(args: PlatformKeyArgs): string[] {
    const days = args.deletionWindowInDays ?? defaults.deletionWindowInDays;
    const problems = logGroupNameProblems(args.logGroupNames);
    if (!Number.isInteger(days) || days < 7 || days > 30) {
        problems.push(`deletionWindowInDays is ${days}; KMS accepts a whole number of days from 7 to 30`);
    }
    return problems;
}

/**
 * A team's submitter role: assumed by the principals the team lists (`teams[].submitters`), it may start jobs on the
 * team's virtual cluster as the team's execution role (and, with `requireJobTemplate`, only from the team's
 * templates), watch, list and cancel them, and upload code to the team's code prefix: submitter-policy.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "../cluster";
import { submitterPolicy, submitterTrustPolicy } from "./submitter-policy";

export interface SubmitterRoleArgs {
    /** The cluster's account, region and partition. */
    cluster: ClusterContext;
    /** Role name, fitted to IAM's 64 characters (submitterRoleName in components/vocabulary). */
    roleName: string;
    /** Who may assume the role: IAM role or user ARNs. */
    submitters: readonly string[];
    /** The team's virtual cluster. */
    virtualClusterId: pulumi.Input<string>;
    /** The team's job execution role. */
    executionRoleArn: pulumi.Input<string>;
    /** ARNs of the team's job templates. */
    jobTemplateArns: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Start jobs only from the team's templates.
     * @default false
     */
    requireJobTemplate?: boolean;
    /** ARN of the platform bucket. */
    bucketArn: pulumi.Input<string>;
    /** The team's code prefix (`code/<team>/`). */
    codePrefix: string;
    /** ARN of the KMS key the bucket is encrypted with. */
    kmsKeyArn: pulumi.Input<string>;
}

export class SubmitterRole extends pulumi.ComponentResource {
    /** Role ARN, for `aws sts assume-role`; ready once its policy is attached. */
    readonly arn: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: SubmitterRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:emr:SubmitterRole", name, {}, opts);
        const ctx = args.cluster;
        const fail = (e: unknown) =>
            new pulumi.ResourceError(`${args.roleName}: ${e instanceof Error ? e.message : String(e)}`, this);
        let trust: string;
        try {
            trust = JSON.stringify(submitterTrustPolicy({ partition: ctx.partition, submitters: args.submitters }));
        } catch (e) {
            throw fail(e);
        }
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                assumeRolePolicy: trust,
                description: "Starts, watches and cancels the team's EMR on EKS jobs and uploads its code",
            },
            { parent: this },
        );
        const policy = pulumi
            .all([
                ctx.accountId,
                args.virtualClusterId,
                args.executionRoleArn,
                args.jobTemplateArns,
                args.bucketArn,
                args.kmsKeyArn,
            ])
            .apply(([accountId, virtualClusterId, executionRoleArn, jobTemplateArns, bucketArn, kmsKeyArn]) => {
                try {
                    return JSON.stringify(
                        submitterPolicy({
                            partition: ctx.partition,
                            region: ctx.region,
                            accountId,
                            virtualClusterId,
                            executionRoleArn,
                            jobTemplateArns,
                            requireJobTemplate: args.requireJobTemplate ?? false,
                            bucketArn,
                            codePrefix: args.codePrefix,
                            kmsKeyArn,
                        }),
                    );
                } catch (e) {
                    throw fail(e);
                }
            });
        const attached = new aws.iam.RolePolicy(
            `${name}-submit`,
            { role: role.id, name: "submit-team-jobs", policy },
            { parent: this },
        );
        this.arn = pulumi.all([role.arn, attached.id]).apply(([arn]) => arn);
        this.roleName = role.name;
        this.registerOutputs({ arn: this.arn, roleName: this.roleName });
    }
}

/**
 * A team's EMR on EKS job execution role: assumable by the team's Spark service account and by the service
 * accounts EMR creates for the team's job runs (job-role-trust.ts), allowed only the team's own bucket prefixes,
 * log group and Glue databases (job-role-policy.ts). The role name is explicit and deterministic because the
 * trust embeds its base36.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "../cluster";
import type { TeamPrefixes } from "./bucket-layout";
import { jobRolePolicy } from "./job-role-policy";
import { jobRoleTrustPolicy } from "./job-role-trust";

export interface JobExecutionRoleArgs {
    /** Cluster whose OIDC issuer the role trusts. */
    cluster: ClusterContext;
    /** Role name, fitted to IAM's 64 characters (jobRoleName in components/vocabulary). */
    roleName: string;
    /** The team's namespace. */
    namespace: pulumi.Input<string>;
    /** The team's Spark service account (SparkApplications). */
    serviceAccount: string;
    /** ARN of the platform bucket. */
    bucketArn: pulumi.Input<string>;
    /** The team's prefixes of the platform bucket. */
    prefixes: TeamPrefixes;
    /** ARN of the KMS key the bucket is encrypted with. */
    kmsKeyArn: pulumi.Input<string>;
    /** The team's CloudWatch log group. */
    logGroupName: pulumi.Input<string>;
    /**
     * Glue Data Catalog databases the team's jobs may read.
     * @default []
     */
    glueDatabases?: readonly string[];
    /**
     * Glue Data Catalog databases the team owns (read, and write their tables, partitions and functions).
     * @default []
     */
    glueOwnedDatabases?: readonly string[];
    /**
     * Prefixes of the platform bucket holding other teams' databases the team reads (read only).
     * @default []
     */
    glueReadPrefixes?: readonly string[];
    /**
     * Further inline policies (policy JSON), keyed by a kebab-case name other than `team-access`: e.g. the
     * team's log index write access.
     * @default {}
     */
    additionalPolicies?: Readonly<Record<string, pulumi.Input<string>>>;
}

const defaults = {
    glueDatabases: [] as readonly string[],
    glueOwnedDatabases: [] as readonly string[],
    glueReadPrefixes: [] as readonly string[],
    additionalPolicies: {} as Readonly<Record<string, pulumi.Input<string>>>,
};

export class JobExecutionRole extends pulumi.ComponentResource {
    /** Role ARN, for StartJobRun and the Spark service account's annotation; ready once its policy is attached. */
    readonly arn: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: JobExecutionRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:emr:JobExecutionRole", name, {}, opts);
        const a = { ...defaults, ...args };
        const ctx = a.cluster;
        for (const policyName of Object.keys(a.additionalPolicies)) {
            if (policyName === "team-access" || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(policyName)) {
                throw new pulumi.ResourceError(
                    `${a.roleName}: additional policy name ${JSON.stringify(policyName)} is not allowed; ` +
                        "use a kebab-case name other than team-access",
                    this,
                );
            }
        }
        const trust = pulumi
            .all([ctx.accountId, ctx.oidcProviderArn, ctx.oidcIssuer, a.namespace])
            .apply(([accountId, oidcProviderArn, oidcIssuer, namespace]) => {
                try {
                    return JSON.stringify(
                        jobRoleTrustPolicy({
                            partition: ctx.partition,
                            accountId,
                            oidcProviderArn,
                            oidcIssuer,
                            namespace,
                            serviceAccount: a.serviceAccount,
                            roleName: a.roleName,
                        }),
                    );
                } catch (e) {
                    throw new pulumi.ResourceError(
                        `trust of ${a.roleName}: ${e instanceof Error ? e.message : String(e)}`,
                        this,
                    );
                }
            });
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: a.roleName,
                assumeRolePolicy: trust,
                description: pulumi.interpolate`EMR on EKS job execution role of namespace ${a.namespace}`,
            },
            { parent: this },
        );
        const policy = pulumi
            .all([ctx.accountId, a.bucketArn, a.kmsKeyArn, a.logGroupName])
            .apply(([accountId, bucketArn, kmsKeyArn, logGroupName]) =>
                JSON.stringify(
                    jobRolePolicy({
                        partition: ctx.partition,
                        region: ctx.region,
                        accountId,
                        bucketArn,
                        prefixes: a.prefixes,
                        kmsKeyArn,
                        logGroupName,
                        glueDatabases: a.glueDatabases,
                        glueOwnedDatabases: a.glueOwnedDatabases,
                        glueReadPrefixes: a.glueReadPrefixes,
                    }),
                ),
            );
        const attached = new aws.iam.RolePolicy(
            `${name}-access`,
            { role: role.id, name: "team-access", policy },
            { parent: this },
        );

        const additional = Object.entries(a.additionalPolicies).map(
            ([policyName, document]) =>
                new aws.iam.RolePolicy(
                    `${name}-${policyName}`,
                    { role: role.id, name: policyName, policy: document },
                    { parent: this },
                ),
        );

        // Ready once every policy is attached, so a job started with this ARN has all its permissions.
        this.arn = pulumi.all([role.arn, attached.id, ...additional.map((p) => p.id)]).apply(([arn]) => arn);
        this.roleName = role.name;
        this.registerOutputs({ arn: this.arn, roleName: this.roleName });
    }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type GrafanaAuthentication, type Partition, fitName } from "../vocabulary";
import { grafanaAmpPolicy, grafanaTrustPolicy } from "./grafana-policies";

/** Grafana version of the workspace: pinned, so an AMG default change is never a surprise upgrade. */
export const GRAFANA_VERSION = "10.4";

export interface MetricsGrafanaArgs {
    /** `spark-<stack>`: the head of the workspace's and its role's names. */
    namePrefix: string;
    partition: Partition;
    region: string;
    accountId: pulumi.Input<string>;
    /** How people sign in: IAM Identity Center (enabled in the account) or a SAML identity provider. */
    authentication: GrafanaAuthentication;
    /** The stack's AMP workspace, the data source. */
    prometheusWorkspaceArn: pulumi.Input<string>;
}

/**
 * An Amazon Managed Grafana workspace over the stack's AMP workspace: customer-managed permissions, its role reading
 * that one workspace. The dashboards of `dashboards/` are imported into it by hand (README "Dashboards"): provisioning
 * them needs the Grafana API, which the program does not call.
 */
export class MetricsGrafana extends pulumi.ComponentResource {
    readonly endpoint: pulumi.Output<string>;
    readonly workspaceId: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: MetricsGrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:metrics:MetricsGrafana", name, {}, opts);
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: fitName("iamRole", args.namePrefix, "-grafana"),
                description: `${args.namePrefix}: Amazon Managed Grafana reads the stack's AMP workspace`,
                assumeRolePolicy: pulumi
                    .output(args.accountId)
                    .apply((accountId) =>
                        JSON.stringify(
                            grafanaTrustPolicy({ partition: args.partition, region: args.region, accountId }),
                        ),
                    ),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-amp-query`,
            {
                role: role.name,
                name: "amp-query",
                policy: pulumi
                    .output(args.prometheusWorkspaceArn)
                    .apply((arn) => JSON.stringify(grafanaAmpPolicy(arn))),
            },
            { parent: this },
        );
        const workspace = new aws.grafana.Workspace(
            `${name}-workspace`,
            {
                name: fitName("grafanaWorkspace", args.namePrefix, "-spark"),
                description: `${args.namePrefix}: Spark and capacity dashboards over the stack's AMP workspace`,
                accountAccessType: "CURRENT_ACCOUNT",
                authenticationProviders: [args.authentication],
                permissionType: "CUSTOMER_MANAGED",
                roleArn: role.arn,
                dataSources: ["PROMETHEUS"],
                grafanaVersion: GRAFANA_VERSION,
            },
            { parent: this, dependsOn: [policy] },
        );
        this.endpoint = workspace.endpoint;
        this.workspaceId = workspace.id;
        this.roleArn = role.arn;
        this.registerOutputs({ endpoint: this.endpoint, workspaceId: this.workspaceId, roleArn: this.roleArn });
    }
}

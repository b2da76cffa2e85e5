import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { type Autoscaler, type GrafanaAuthentication, type Partition, fitName } from "../vocabulary";
import { dashboardFiles } from "./dashboards";
import { AMP_DATA_SOURCE_UID, DASHBOARD_FOLDER_UID, ampDataSource, provisionedDashboard } from "./grafana-content";
import { grafanaAmpPolicy, grafanaTrustPolicy } from "./grafana-policies";
import { grafanaTokenRotation } from "./grafana-token";

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
    /** Its query URL (`https://aps-workspaces.<region>.<suffix>/workspaces/<id>`), the data source's URL. */
    prometheusQueryUrl: pulumi.Input<string>;
    /** The stack's autoscaler: which capacity dashboard is provisioned. */
    autoscaler: Autoscaler;
    /** When the program runs: picks the provisioning token's rotation window (grafana-token.ts). */
    now: Date;
}

/**
 * An Amazon Managed Grafana workspace over the stack's AMP workspace: customer-managed permissions, its role reading
 * that one workspace; in it the AMP workspace as data source and the stack's dashboards of `dashboards/`, provisioned
 * through the Grafana API with an Admin service account's token (rotated, grafana-token.ts) by a Grafana provider of
 * this workspace's own. Everything in Grafana waits for the workspace only, never for the cluster.
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

        // Admin: Grafana lets no lower role add a data source.
        const serviceAccount = new aws.grafana.WorkspaceServiceAccount(
            `${name}-provisioner`,
            { workspaceId: workspace.id, name: "pulumi-provisioner", grafanaRole: "ADMIN" },
            { parent: this },
        );
        const rotation = grafanaTokenRotation(args.now);
        const token = new aws.grafana.WorkspaceServiceAccountToken(
            `${name}-provisioner-token`,
            {
                workspaceId: workspace.id,
                serviceAccountId: serviceAccount.serviceAccountId,
                name: rotation.name,
                secondsToLive: rotation.secondsToLive,
            },
            // The key is a secret output of the resource type already; said again so no SDK change can drop it.
            { parent: this, additionalSecretOutputs: ["key"] },
        );
        const provider = new grafana.Provider(
            `${name}-grafana`,
            { url: pulumi.interpolate`https://${workspace.endpoint}`, auth: token.key },
            { parent: this },
        );
        const inGrafana = { parent: this, provider };

        const source = pulumi
            .output(args.prometheusQueryUrl)
            .apply((queryUrl) => ampDataSource({ queryUrl, region: args.region }));
        const dataSource = new grafana.oss.DataSource(
            `${name}-amp`,
            {
                uid: AMP_DATA_SOURCE_UID,
                name: `${args.namePrefix} AMP`,
                type: source.type,
                url: source.url,
                jsonDataEncoded: source.jsonData.apply((jsonData) => JSON.stringify(jsonData)),
            },
            inGrafana,
        );
        const folder = new grafana.oss.Folder(
            `${name}-folder`,
            { uid: DASHBOARD_FOLDER_UID, title: `Spark platform (${args.namePrefix})` },
            inGrafana,
        );
        for (const file of dashboardFiles(args.autoscaler)) {
            const base = path.basename(file, ".json");
            const model = provisionedDashboard(
                JSON.parse(readFileSync(file, "utf8")),
                AMP_DATA_SOURCE_UID,
                path.basename(file),
            );
            new grafana.oss.Dashboard(
                `${name}-${base}`,
                {
                    folder: folder.uid,
                    configJson: JSON.stringify(model),
                    // Takes over a copy imported by hand earlier (same uid) instead of failing on it.
                    overwrite: true,
                    message: "Provisioned by the spark-platform Pulumi program",
                },
                // The uid binding is in the model; the dependency makes Grafana hold the data source first.
                { ...inGrafana, dependsOn: [dataSource] },
            );
        }

        this.endpoint = workspace.endpoint;
        this.workspaceId = workspace.id;
        this.roleArn = role.arn;
        this.registerOutputs({ endpoint: this.endpoint, workspaceId: this.workspaceId, roleArn: this.roleArn });
    }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "../cluster";
import { SPARK_UI_PORT, scraperAlias } from "../vocabulary";
import { alertManagerDefinition } from "./alert-manager";
import { alertRulesYaml } from "./alert-rules";
import { type AutoscalerTarget, scrapeConfigYaml } from "./scrape-config";

/** The tag a managed collector writes on its destination workspace; set by the program so a refresh sees no drift. */
export const SCRAPER_WORKSPACE_TAGS: Readonly<Record<string, string>> = { AMPAgentlessScraper: "" };

/** CreateScraper takes one to five subnets (AMP API reference, EksConfiguration.subnetIds). */
export const MAX_COLLECTOR_SUBNETS = 5;

/**
 * The private subnets (or their CIDRs), one per zone in the VPC's zone order, the collector's network interfaces go
 * in: those of the first five zones. A VPC may have six; the collector reaches pods in the sixth through the VPC.
 */
export function collectorSubnets<T>(privateSubnetsInZoneOrder: readonly T[]): T[] {
    return privateSubnetsInZoneOrder.slice(0, MAX_COLLECTOR_SUBNETS);
}

/** Where the Kubernetes API answers the collector's service discovery: the private endpoint's network interfaces. */
const API_PORT = 443;

export interface SparkMetricsArgs {
    /** `spark-<stack>`: the head of the collector's alias and the alerts' subjects. */
    namePrefix: string;
    /** The cluster scraped; its API must have the private endpoint on (the collector reaches it from the VPC). */
    cluster: ClusterContext;
    vpcId: pulumi.Input<string>;
    /** Private subnets the collector's network interfaces go in: two to five zones (collectorSubnets). */
    subnetIds: pulumi.Input<string>[];
    /**
     * The security group of the nodes (and so of their pods) and of the API endpoint's interfaces: it admits the
     * collector on the driver UI port, the autoscaler's metrics port and 443.
     */
    clusterSecurityGroupId: pulumi.Input<string>;
    /** The workspace metrics and alerts go to; it carries SCRAPER_WORKSPACE_TAGS. */
    workspace: { id: pulumi.Input<string>; arn: pulumi.Input<string> };
    /** The teams whose Spark drivers are scraped. */
    teams: readonly { readonly name: string; readonly namespace: string }[];
    /** The stack's autoscaler and where its metrics are served. */
    autoscaler: AutoscalerTarget;
    /** The alert topic, once its policy lets this workspace publish. */
    alertTopicArn: pulumi.Input<string>;
}

/**
 * Spark metrics into AMP through the managed collector (no Prometheus to run in the cluster): the teams' drivers on
 * both of Spark's Prometheus paths and the autoscaler's metrics, with the rules that raise Spark alerts and the alert
 * manager that sends them to the stack's topic. The collector reaches the cluster's API through its private endpoint
 * and gets its access entry from EKS itself (authentication mode API); its network interfaces use a security group
 * of their own, which the nodes admit on exactly the scraped ports.
 */
export class SparkMetrics extends pulumi.ComponentResource {
    readonly scraperArn: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: SparkMetricsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:metrics:SparkMetrics", name, {}, opts);
        if (args.subnetIds.length < 2 || args.subnetIds.length > MAX_COLLECTOR_SUBNETS) {
            throw new pulumi.ResourceError(
                `Spark metrics: the collector needs subnets in 2 to ${MAX_COLLECTOR_SUBNETS} zones, got ${args.subnetIds.length}`,
                this,
            );
        }
        const child = { parent: this };
        const { cluster } = args;

        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-collector`,
            {
                vpcId: args.vpcId,
                description: `${args.namePrefix}: network interfaces of the managed Prometheus collector`,
                tags: { Name: `${args.namePrefix}-metrics-collector` },
            },
            child,
        );
        // Keyed by role, not by autoscaler: switching autoscaler updates the rule's port in place.
        const ports: [string, number, string][] = [
            ["api", API_PORT, "Kubernetes API (service discovery)"],
            ["spark-ui", SPARK_UI_PORT, "Spark driver UI (metrics)"],
            ["autoscaler", args.autoscaler.port, `${args.autoscaler.autoscaler} metrics`],
        ];
        const ingress = ports.map(([key, port, what]) => {
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-to-${key}`,
                {
                    securityGroupId: securityGroup.id,
                    referencedSecurityGroupId: args.clusterSecurityGroupId,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    description: `${what}, on the cluster's nodes and endpoint`,
                },
                child,
            );
            return new aws.vpc.SecurityGroupIngressRule(
                `${name}-from-collector-${key}`,
                {
                    securityGroupId: args.clusterSecurityGroupId,
                    referencedSecurityGroupId: securityGroup.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    description: `${what} from the managed Prometheus collector`,
                },
                child,
            );
        });

        const clusterArn = pulumi
            .all([cluster.name, cluster.accountId])
            .apply(
                ([clusterName, accountId]) =>
                    `arn:${cluster.partition}:eks:${cluster.region}:${accountId}:cluster/${clusterName}`,
            );
        // Replacing a collector takes AWS about 20 minutes; its configuration changes in place.
        const scraper = new aws.amp.Scraper(
            `${name}-collector`,
            {
                alias: scraperAlias(args.namePrefix),
                source: {
                    eks: { clusterArn, subnetIds: args.subnetIds, securityGroupIds: [securityGroup.id] },
                },
                destination: { amp: { workspaceArn: args.workspace.arn } },
                scrapeConfiguration: scrapeConfigYaml({ teams: args.teams, autoscaler: args.autoscaler }),
            },
            { parent: this, dependsOn: ingress },
        );

        new aws.amp.RuleGroupNamespace(
            `${name}-rules`,
            {
                workspaceId: args.workspace.id,
                name: "spark-platform",
                data: alertRulesYaml({
                    autoscaler: args.autoscaler.autoscaler,
                    teamNamespaces: args.teams.map((t) => t.namespace),
                }),
            },
            child,
        );
        new aws.amp.AlertManagerDefinition(
            `${name}-alert-manager`,
            {
                workspaceId: args.workspace.id,
                definition: pulumi
                    .output(args.alertTopicArn)
                    .apply((topicArn) =>
                        alertManagerDefinition({ topicArn, region: cluster.region, subjectPrefix: args.namePrefix }),
                    ),
            },
            child,
        );

        this.scraperArn = scraper.arn;
        this.securityGroupId = securityGroup.id;
        this.registerOutputs({ scraperArn: this.scraperArn, securityGroupId: this.securityGroupId });
    }
}

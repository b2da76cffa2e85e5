/**
 * Plans the Spark components alone under the plan's mocks (planProgram), with a hand-made ClusterContext for a
 * region, as index.ts would wire them: priority classes, the operator, one TeamNamespace per team.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import {
    buildPoolContract,
    partitionOf,
    dnsSuffixOf,
    type TeamSettings,
    parseEmrReleaseLabel,
} from "../../../components/vocabulary";
import { VPC_CNI_CONFIGURATION } from "../../../components/cluster/addons";
import type { ClusterContext } from "../../../components/cluster/cluster-context";
import { SparkOperator, SparkPriorityClasses, TeamNamespace, type SparkOperatorSource } from "../../../components/spark";
import type { CapturedResource } from "../../../tools/plan/capture";
import { planProgram } from "../../../tools/plan/plan";

export interface SparkPlanOptions {
    region?: string;
    accountId?: string;
    teams?: TeamSettings[];
    zones?: string[];
    emrReleaseLabel?: string;
    emrImageTag?: string;
    source?: SparkOperatorSource;
    /** Zone of every team's sample application. @default the first of `zones` */
    sampleZone?: string;
    /** Whether the cluster's CNI enforces NetworkPolicies. @default true */
    networkPolicies?: boolean;
    /** Project and stack names, so the resources can join a fixture stack's export. */
    project?: string;
    stack?: string;
}

export const TEAMS: TeamSettings[] = [
    { name: "data-eng", namespace: "spark-data-eng", quota: { cpu: "32", memory: "128Gi" }, glueDatabases: [] },
    { name: "analytics", namespace: "spark-analytics", quota: { cpu: "64", memory: "256Gi" }, glueDatabases: [] },
];

/** Issuer of the hand-made cluster's service-account tokens. */
export function issuerOf(region: string): string {
    return `oidc.eks.${region}.${dnsSuffixOf(region)}/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
}

/**
 * A ClusterContext as the cluster component would hand it over, for a region; must be called inside a program.
 * Its VPC CNI enforces NetworkPolicies unless `networkPolicies` is false.
 */
export function handMadeCluster(region: string, accountId = "123456789012", networkPolicies = true): ClusterContext {
    const partition = partitionOf(region);
    const issuer = issuerOf(region);
    return {
        name: pulumi.output("spark-test"),
        kubernetesVersion: "1.34",
        partition,
        region,
        accountId,
        oidcProviderArn: pulumi.output(`arn:${partition}:iam::${accountId}:oidc-provider/${issuer}`),
        oidcIssuer: pulumi.output(issuer),
        provider: new k8s.Provider("cluster", { kubeconfig: "{}" }),
        systemNodeSelector: { "spark-platform/pool": "system" },
        instanceTags: {},
        ...(networkPolicies
            ? {
                  networkPolicyEnforcer: new aws.eks.Addon("vpc-cni", {
                      clusterName: "spark-test",
                      addonName: "vpc-cni",
                      configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
                  }),
              }
            : {}),
    };
}

/** The job role ARN index.ts derives for a team of the hand-made cluster's stack (`spark-test`). */
export function jobRoleArnOf(partition: string, accountId: string, team: string): string {
    return `arn:${partition}:iam::${accountId}:role/spark-test-${team}-emr-job`;
}

export interface SparkPlan {
    resources: CapturedResource[];
    stackExport: unknown;
    outputs: Record<string, unknown>;
    /** Invokes the program made, with their arguments. */
    invokes: { token: string; inputs: Record<string, unknown> }[];
    oidcProviderArn: string;
    issuer: string;
}

export async function planSpark(options: SparkPlanOptions = {}): Promise<SparkPlan> {
    const region = options.region ?? "us-west-2";
    const accountId = options.accountId ?? "123456789012";
    const partition = partitionOf(region);
    const teams = options.teams ?? TEAMS;
    const zones = options.zones ?? [`${region}b`, `${region}c`];
    const issuer = issuerOf(region);
    const oidcProviderArn = `arn:${partition}:iam::${accountId}:oidc-provider/${issuer}`;
    const release = parseEmrReleaseLabel(options.emrReleaseLabel ?? "emr-7.12.0-latest");
    if (typeof release === "string") throw new Error(release);
    const invokes: SparkPlan["invokes"] = [];

    const plan = await planProgram(
        () => {
            const monitor = getMonitor() as unknown as { mocks: pulumi.runtime.Mocks };
            const call = monitor.mocks.call.bind(monitor.mocks);
            monitor.mocks.call = (args) => {
                invokes.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
                return call(args);
            };
            const cluster = handMadeCluster(region, accountId, options.networkPolicies ?? true);
            const pools = buildPoolContract(zones);
            new SparkPriorityClasses("spark-priorities", { cluster });
            const operator = new SparkOperator("spark-operator", {
                cluster,
                emrRelease: release,
                jobNamespaces: teams.map((t) => t.namespace),
                ...(options.source ? { source: options.source } : {}),
            });
            const sparkTeams = teams.map(
                (team) =>
                    new TeamNamespace(`team-${team.name}`, {
                        cluster,
                        team,
                        jobRoleArn: jobRoleArnOf(partition, accountId, team.name),
                        emrRelease: release,
                        pools,
                        deploySample: true,
                        sampleDependsOn: [operator],
                        ...(options.sampleZone === undefined ? {} : { sampleZone: options.sampleZone }),
                        ...(options.emrImageTag === undefined && release.label.endsWith("-latest")
                            ? { emrImageTag: "20251111" }
                            : {}),
                        ...(options.emrImageTag !== undefined ? { emrImageTag: options.emrImageTag } : {}),
                    }),
            );
            return {
                sparkOperator: {
                    namespace: operator.namespace,
                    chart: operator.chart,
                    chartVersion: operator.chartVersion,
                },
                sparkTeams: Object.fromEntries(
                    sparkTeams.map((t, i) => [
                        teams[i].namespace,
                        {
                            namespace: t.namespace,
                            serviceAccount: t.serviceAccount,
                            jobRoleArn: t.jobRoleArn,
                            sampleApplication: t.sampleApplication,
                        },
                    ]),
                ),
            };
        },
        {
            account: { accountId, region },
            ...(options.project ? { project: options.project } : {}),
            ...(options.stack ? { stack: options.stack } : {}),
        },
    );
    return {
        resources: plan.resources,
        stackExport: plan.stackExport,
        outputs: plan.outputs,
        invokes,
        oidcProviderArn,
        issuer,
    };
}

export const ofType = (plan: { resources: CapturedResource[] }, type: string) =>
    plan.resources.filter((r) => r.type === type);

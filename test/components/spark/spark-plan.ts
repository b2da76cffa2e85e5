/**
 * Plans the Spark components alone under the plan's mocks (planProgram), with a hand-made ClusterContext for a
 * region, as index.ts would wire them: priority classes, the operator, one TeamNamespace per team.
 */
import * as pulumi from "@pulumi/pulumi";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import {
    buildPoolContract,
    partitionOf,
    type TeamSettings,
    parseEmrReleaseLabel,
} from "../../../components/vocabulary";
import {
    SparkOperator,
    SparkPriorityClasses,
    TeamNamespace,
    type SparkOperatorSource,
} from "../../../components/spark";
import type { CapturedResource } from "../../../tools/plan/capture";
import { planProgram } from "../../../tools/plan/plan";
import { handMadeCluster, issuerOf } from "../../support/cluster-context";

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
    {
        name: "data-eng",
        namespace: "spark-data-eng",
        quota: { cpu: "32", memory: "128Gi" },
        glueDatabases: [],
        sparkConf: {},
    },
    {
        name: "analytics",
        namespace: "spark-analytics",
        quota: { cpu: "64", memory: "256Gi" },
        glueDatabases: [],
        sparkConf: {},
    },
];

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
            const cluster = handMadeCluster({ region, accountId, networkPolicies: options.networkPolicies ?? true });
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

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installPinnedChart, readChartPin } from "../charts";
import type { ClusterContext } from "../cluster";
import { teamPrefixes } from "../emr";
import { IrsaRole } from "../iam";
import { podSecurityLabels } from "../spark";
import { eventLogReaderPolicy } from "./event-log-reader-policy";
import {
    HISTORY_SERVER_PORT,
    HISTORY_SERVICE_PORT,
    buildHistoryServerValues,
    historyPortForwardCommand,
    historyServerName,
} from "./history-values";

export interface HistoryTeam {
    /** The team's name (`teams[].name`). */
    readonly name: string;
    /**
     * `s3://<bucket>/spark-events/<team>/`, where the team's jobs write their event logs; resolving once the
     * directory's marker exists (the server refuses to start on a missing log directory).
     */
    readonly eventLogUri: pulumi.Input<string>;
}

export interface SparkHistoryArgs {
    /** The cluster the servers run in. */
    cluster: ClusterContext;
    /** ARN of the platform bucket, for the servers' roles. */
    bucketArn: pulumi.Input<string>;
    /** ARN of the KMS key the bucket is encrypted with. */
    kmsKeyArn: pulumi.Input<string>;
    /** The teams, one server each. */
    teams: readonly HistoryTeam[];
}

/** A team's History Server as installed: where it is reached. */
export interface HistoryServerEndpoint {
    /** Service of the server in the History Server namespace. */
    readonly service: string;
    /** Port of that Service. */
    readonly port: number;
}

/**
 * Spark History Servers over the teams' S3 event logs: one server per team, in one reserved namespace on the system
 * nodes. One per team because Spark's FsHistoryProvider reads exactly one `spark.history.fs.logDirectory` and lists
 * it without descending into subdirectories other than rolling event-log directories (`eventlog_v2_*`): a server on
 * `spark-events/` would see none of `spark-events/<team>/`. Several directories per server only arrive after the
 * Spark versions the chart's images ship (SPARK-55793, 2026). One server per team also keeps teams apart: each
 * server's IRSA role may list and read its own team's prefix and nothing else.
 */
export class SparkHistory extends pulumi.ComponentResource {
    /** Namespace of every team's server. */
    readonly namespace: string;
    /** Per team, the command that opens its server on http://localhost:18080. */
    readonly portForwardCommands: Readonly<Record<string, string>>;
    /** Per team, the Service in front of its server. */
    readonly endpoints: Readonly<Record<string, HistoryServerEndpoint>>;
    /** Per team, its server's IRSA role. */
    readonly roleArns: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: SparkHistoryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:history:SparkHistory", name, {}, opts);
        const pin = readChartPin("spark-history-server");
        const { cluster } = args;
        if (args.teams.length === 0) {
            throw new pulumi.ResourceError("Spark History Server: no teams; configure at least one team", this);
        }
        const k8sOpts = { parent: this, provider: cluster.provider };

        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: pin.namespace, labels: podSecurityLabels("restricted", cluster.kubernetesVersion) } },
            k8sOpts,
        );
        const enforcer = cluster.networkPolicyEnforcer;
        if (enforcer) {
            // Only the servers' port is open: to port-forwards and to the login-protected ALB's targets (target type
            // ip). Egress stays open: the servers call STS and S3.
            new k8s.networking.v1.NetworkPolicy(
                `${name}-ingress`,
                {
                    metadata: { name: "spark-history-ingress", namespace: pin.namespace },
                    spec: {
                        podSelector: {},
                        policyTypes: ["Ingress"],
                        ingress: [{ ports: [{ protocol: "TCP", port: HISTORY_SERVER_PORT }] }],
                    },
                },
                { ...k8sOpts, dependsOn: [namespace, enforcer] },
            );
        }

        const portForwardCommands: Record<string, string> = {};
        const endpoints: Record<string, HistoryServerEndpoint> = {};
        const roleArns: Record<string, pulumi.Output<string>> = {};
        for (const team of args.teams) {
            const serverName = historyServerName(team.name);
            const eventLogPrefix = teamPrefixes(team.name).sparkEvents;
            const policy = pulumi
                .all([args.bucketArn, args.kmsKeyArn])
                .apply(([bucketArn, kmsKeyArn]) =>
                    JSON.stringify(
                        eventLogReaderPolicy({ region: cluster.region, bucketArn, eventLogPrefix, kmsKeyArn }),
                    ),
                );
            const role = new IrsaRole(
                `${name}-${team.name}`,
                {
                    oidcProviderArn: cluster.oidcProviderArn,
                    oidcIssuer: cluster.oidcIssuer,
                    namespace: pin.namespace,
                    serviceAccount: serverName,
                    inlinePolicies: { "read-event-logs": policy },
                    description: `Spark History Server of team ${team.name}: reads s3 ${eventLogPrefix} only`,
                },
                { parent: this },
            );
            const values = pulumi.all([team.eventLogUri, role.arn]).apply(([uri, roleArn]) => {
                const { bucket, key } = parseS3Uri(uri);
                if (key !== eventLogPrefix) {
                    throw new pulumi.ResourceError(
                        `Spark History Server of team ${team.name}: event logs at ${uri}, not under ${eventLogPrefix}, the prefix its role may read`,
                        this,
                    );
                }
                return buildHistoryServerValues({
                    team: team.name,
                    region: cluster.region,
                    bucket,
                    eventLogPrefix,
                    roleArn,
                    nodeSelector: cluster.systemNodeSelector,
                });
            });
            installPinnedChart(
                `${name}-${team.name}`,
                { pin, cluster, values, release: serverName },
                { parent: this, dependsOn: [namespace] },
            );
            portForwardCommands[team.name] = historyPortForwardCommand(pin.namespace, team.name);
            endpoints[team.name] = { service: serverName, port: HISTORY_SERVICE_PORT };
            roleArns[team.name] = role.arn;
        }

        this.namespace = pin.namespace;
        this.portForwardCommands = portForwardCommands;
        this.endpoints = endpoints;
        this.roleArns = roleArns;
        this.registerOutputs({ namespace: this.namespace, portForwardCommands, roleArns });
    }
}

/** `s3://bucket/key` → its bucket and key. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
    const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
    if (!match) throw new Error(`${JSON.stringify(uri)} is not an s3://bucket/key URI`);
    return { bucket: match[1], key: match[2] };
}

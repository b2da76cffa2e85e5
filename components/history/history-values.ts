/**
 * Per-team values of the spark-history-server chart; the static part lives in
 * charts/spark-history-server/values.yaml. One release per team, each reading only its team's event-log prefix.
 */
import type { Values } from "../charts";
import { dnsSuffixOf } from "../vocabulary";

/** Port the chart's Service exposes (`service.externalPort`); the server itself listens on 18080. */
export const HISTORY_SERVICE_PORT = 80;
/** Port the server listens on in its pod (`service.internalPort`, `spark.history.ui.port`). */
export const HISTORY_SERVER_PORT = 18080;

/** Release, Deployment, Service and service account of a team's server: `spark-history-<team>`. */
export function historyServerName(team: string): string {
    const name = `spark-history-${team}`;
    // Helm's release name limit; teams are at most 30 characters (stack-config), so this never trips for a valid stack.
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(team) || name.length > 53) {
        throw new Error(`team ${JSON.stringify(team)} does not make a History Server name of at most 53 characters`);
    }
    return name;
}

export interface HistoryServerValuesOptions {
    readonly team: string;
    readonly region: string;
    /** Platform bucket name. */
    readonly bucket: string;
    /** The team's event-log prefix, `spark-events/<team>/`. */
    readonly eventLogPrefix: string;
    /** The team server's IRSA role. */
    readonly roleArn: string;
    /** Node selector of the system node group. */
    readonly nodeSelector: Readonly<Record<string, string>>;
}

/**
 * Spark settings appended to the chart's spark-defaults.conf. The regional S3 endpoint: S3A's default is the global
 * `s3.amazonaws.com`, which resolves outside the region, past the VPC's S3 gateway endpoint (KubedAI #21).
 */
export function historySparkConf(region: string): string {
    return [`spark.hadoop.fs.s3a.endpoint=s3.${region}.${dnsSuffixOf(region)}`].join("\n");
}

export function buildHistoryServerValues(o: HistoryServerValuesOptions): Values {
    const name = historyServerName(o.team);
    return {
        fullnameOverride: name,
        // Every team's server shares the namespace, so each needs its own account: its role trusts only this one.
        serviceAccount: { create: true, name },
        logStore: { s3: { bucket: o.bucket, eventLogsPath: o.eventLogPrefix, irsaRoleArn: o.roleArn } },
        sparkConf: historySparkConf(o.region),
        nodeSelector: { "kubernetes.io/os": "linux", ...o.nodeSelector },
    };
}

/** Opens a team's History Server on http://localhost:18080. */
export function historyPortForwardCommand(namespace: string, team: string): string {
    return `kubectl port-forward --namespace ${namespace} service/${historyServerName(team)} ${HISTORY_SERVER_PORT}:${HISTORY_SERVICE_PORT}`;
}

/**
 * Kubecost (cost-analyzer chart) values computed from the stack; the static part lives in
 * charts/cost-analyzer/values.yaml. Native AMP mode: the bundled Prometheus scrapes the cluster and remote-writes to
 * the workspace; the cost model queries the workspace through the SigV4 proxy sidecar.
 */
import type { Values } from "../charts";
import { POOL_LABELS } from "../autoscaling/pool-contract";
import { ampEndpoints } from "./amp-urls";

/** The cost-analyzer's service account (the chart's `serviceAccount.name`); the query role trusts exactly this one. */
export const COST_ANALYZER_SERVICE_ACCOUNT = "kubecost-cost-analyzer";
/** The bundled Prometheus server's service account; the remote-write role trusts exactly this one. */
export const PROMETHEUS_SERVICE_ACCOUNT = "kubecost-prometheus-server";
/** Label Spark itself puts on every driver and executor pod (`spark-role=driver|executor`). */
export const SPARK_ROLE_POD_LABEL = "spark-role";
/** Label the platform's pod templates put on every Spark pod of a team (components/emr pod templates). */
export const TEAM_POD_LABEL = "spark-platform/team";
/** Labels EMR on EKS puts on every pod of a job run: cost per job and per virtual cluster. */
export const EMR_JOB_POD_LABELS = {
    jobId: "emr-containers.amazonaws.com/job.id",
    virtualClusterId: "emr-containers.amazonaws.com/virtual-cluster-id",
} as const;
/** Capacity-type node labels: Karpenter's, and the one EKS managed node groups (Cluster Autoscaler) carry. */
export const CAPACITY_TYPE_LABELS = {
    karpenter: "karpenter.sh/capacity-type",
    managedNodeGroup: "eks.amazonaws.com/capacityType",
} as const;

/** Node labels Kubecost copies onto allocations besides its defaults, so cost splits by pool and capacity type. */
export const ALLOCATION_NODE_LABELS: readonly string[] = [
    "node.kubernetes.io/instance-type",
    "topology.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    POOL_LABELS.pool,
    POOL_LABELS.role,
    CAPACITY_TYPE_LABELS.karpenter,
    CAPACITY_TYPE_LABELS.managedNodeGroup,
];

export interface KubecostValuesOptions {
    /** EKS cluster name: Kubecost's cluster name and the Prometheus `cluster_id` external label. */
    readonly clusterName: string;
    readonly region: string;
    readonly accountId: string;
    readonly workspaceId: string;
    /** Role of the cost-analyzer service account (AMP query). */
    readonly queryRoleArn: string;
    /** Role of the Prometheus server service account (AMP remote write). */
    readonly remoteWriteRoleArn: string;
    /** Node selector of the system node group; every Kubecost pod runs there. */
    readonly nodeSelector: Readonly<Record<string, string>>;
    /** Node label that says on-demand or spot on this stack's Spark nodes (depends on the autoscaler). */
    readonly capacityTypeLabel: string;
    /** Pod label that names a pod's team: Kubecost's Team view (`labelMappingConfigs.team_label`). */
    readonly teamLabel: string;
}

/**
 * Kubecost's name for a label: every character outside `[A-Za-z0-9_]` becomes `_` (`spark-role` → `spark_role`),
 * Prometheus's label sanitizing, which Kubecost applies to `label:` aggregations and label mappings alike
 * (opencost `prom.SanitizeLabelName`, `LabelConfig.Sanitize`).
 */
export function kubecostLabelName(label: string): string {
    return label.replace(/[^A-Za-z0-9_]/g, "_");
}

export function buildKubecostValues(o: KubecostValuesOptions): Values {
    if (o.clusterName === "") throw new Error("Kubecost needs the cluster name (kubecostProductConfigs.clusterName)");
    const amp = ampEndpoints(o.workspaceId, o.region);
    const nodeSelector = { "kubernetes.io/os": "linux", ...o.nodeSelector };
    const serviceAccount = (name: string, roleArn: string) => ({
        create: true,
        name,
        annotations: { "eks.amazonaws.com/role-arn": roleArn },
    });
    return {
        global: {
            amp: {
                enabled: true,
                prometheusServerEndpoint: amp.proxiedQueryUrl,
                remoteWriteService: amp.remoteWriteUrl,
                // Prometheus signs its remote writes with the pod's IRSA credentials; no keys, no role_arn to chain.
                sigv4: { region: o.region },
            },
            savedReports: { enabled: true, reports: savedReports(o.capacityTypeLabel) },
        },
        sigV4Proxy: { region: o.region, host: amp.host },
        serviceAccount: serviceAccount(COST_ANALYZER_SERVICE_ACCOUNT, o.queryRoleArn),
        nodeSelector,
        kubecostProductConfigs: {
            clusterName: o.clusterName,
            projectID: o.accountId,
            // The Team view groups by the label every team pod carries, not Kubecost's default `team`.
            labelMappingConfigs: { enabled: true, team_label: kubecostLabelName(o.teamLabel) },
        },
        kubecostModel: {
            allocation: { nodeLabels: { enabled: true, includeList: ALLOCATION_NODE_LABELS.join(",") } },
        },
        prometheus: {
            serviceAccounts: { server: serviceAccount(PROMETHEUS_SERVICE_ACCOUNT, o.remoteWriteRoleArn) },
            server: {
                // Each cluster writing to a workspace must be told apart; Kubecost filters its queries on this label.
                global: { external_labels: { cluster_id: o.clusterName } },
                nodeSelector,
            },
        },
    };
}

/**
 * The reports worth opening, saved in the UI under Reports: cost per EMR job and per virtual cluster (the point of
 * the setup), per team, pool, Spark role and on-demand vs spot.
 */
export function savedReports(capacityTypeLabel: string): Values[] {
    const report = (title: string, aggregateBy: string): Values => ({
        title,
        window: "7d",
        aggregateBy,
        chartDisplay: "category",
        idle: "separate",
        rate: "cumulative",
        accumulate: false,
        filters: [],
    });
    return [
        report("Cost by EMR job run, last 7 days", `label:${kubecostLabelName(EMR_JOB_POD_LABELS.jobId)}`),
        report(
            "Cost by EMR virtual cluster, last 7 days",
            `label:${kubecostLabelName(EMR_JOB_POD_LABELS.virtualClusterId)}`,
        ),
        report("Cost by team, last 7 days", "team"),
        report("Cost by namespace, last 7 days", "namespace"),
        report("Cost by Spark pool, last 7 days", `label:${kubecostLabelName(POOL_LABELS.pool)}`),
        report("Cost by Spark role, last 7 days", `label:${kubecostLabelName(SPARK_ROLE_POD_LABEL)}`),
        report("Spot share: cost by capacity type, last 7 days", `label:${kubecostLabelName(capacityTypeLabel)}`),
    ];
}

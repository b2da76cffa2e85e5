/**
 * The Kubernetes objects of one Spark team, as pure functions of its settings: namespace, quota and limits,
 * network policies and the RBAC of its Spark service account.
 */
import { SPARK_UI_PORT, type TeamSettings, teamCeiling } from "../vocabulary";
import { SPARK_JOBS_NAMESPACE_LABEL } from "./operator-values";
import { podSecurityLabels } from "./pod-security";
import { minQuantity } from "./quantity";

/** Label Spark puts on its driver and executor pods (`spark-role: driver|executor`). */
export const SPARK_ROLE_LABEL = "spark-role";

/** Name of the team's Spark job service account: drivers run as it and create executors with it. */
export function sparkServiceAccountName(team: Pick<TeamSettings, "name">): string {
    return `${team.name}-spark`;
}

const teamLabels = (team: TeamSettings) => ({ "spark-platform/team": team.name });

/**
 * The namespace, labelled for the Spark Operator's webhook, under Pod Security `restricted` on warn and audit. It
 * enforces `restricted` too, unless an EMR on EKS virtual cluster targets it: EMR creates job-submitter pods that
 * cannot be templated and injects containers, and EMR's pod-template allow-list excludes `spec.securityContext` and
 * the main container's `securityContext`, so those pods cannot be given the seccomp profile and the other fields
 * `restricted` requires. Such a namespace enforces `baseline`; non-root stays enforced by the policy pack on
 * everything the program authors (pod templates, SparkApplications, chart values).
 */
export function teamNamespaceManifest(team: TeamSettings, kubernetesVersion: string, emrVirtualCluster: boolean) {
    const enforce = emrVirtualCluster ? "baseline" : "restricted";
    const labels: Record<string, string> = {
        ...teamLabels(team),
        ...podSecurityLabels("restricted", kubernetesVersion, enforce),
        [SPARK_JOBS_NAMESPACE_LABEL.key]: SPARK_JOBS_NAMESPACE_LABEL.value,
    };
    return { metadata: { name: team.namespace, labels } };
}

/**
 * The team's share of the cluster. CPU is bounded by requests only: Spark sets no CPU limit unless a job asks for
 * one, and a quota on `limits.cpu` would reject every such pod. Memory is bounded by requests and limits (Spark
 * always sets a memory limit; the LimitRange gives other containers one). The hard ceiling whichever scheduler
 * runs: made from the same `teamCeiling` as the team's YuniKorn queue maximum.
 */
export function resourceQuotaManifest(team: TeamSettings) {
    const ceiling = teamCeiling(team);
    return {
        metadata: { name: "spark-quota", namespace: team.namespace, labels: teamLabels(team) },
        spec: {
            hard: {
                "requests.cpu": ceiling.cpu,
                "requests.memory": ceiling.memory,
                "limits.memory": ceiling.memory,
            },
        },
    };
}

/** What a container that declares nothing (a sidecar, an init container) gets: small, and never above the quota. */
export const CONTAINER_DEFAULTS = { cpuRequest: "250m", memoryRequest: "512Mi", memoryLimit: "1Gi" } as const;

/**
 * Per-container defaults and ceilings. Containers without requests get small ones (so the quota can count them),
 * containers without a memory limit get a small one, and no container may ask for more memory than the quota.
 *
 * Every resource with a `max` has a `default` limit: the API server defaults a missing `default` to the `max`
 * (core/v1 SetDefaults_LimitRange), which would give every container without a limit the team's whole quota as
 * its limit. CPU has neither: Spark sets a CPU limit only when a job asks for one (`coreLimit`), and a default CPU
 * limit below a pod's request makes the API server refuse the pod (an executor asking for 4 cores with a 1-core
 * default limit), so CPU is bounded by the quota's `requests.cpu` alone.
 */
export function limitRangeManifest(team: TeamSettings) {
    const { cpu, memory } = team.quota;
    return {
        metadata: { name: "spark-limits", namespace: team.namespace, labels: teamLabels(team) },
        spec: {
            limits: [
                {
                    type: "Container",
                    defaultRequest: {
                        cpu: minQuantity(CONTAINER_DEFAULTS.cpuRequest, cpu),
                        memory: minQuantity(CONTAINER_DEFAULTS.memoryRequest, memory),
                    },
                    default: { memory: minQuantity(CONTAINER_DEFAULTS.memoryLimit, memory) },
                    max: { memory },
                },
            ],
        },
    };
}

const sparkPods = { matchExpressions: [{ key: SPARK_ROLE_LABEL, operator: "In", values: ["driver", "executor"] }] };

/** Link-local metadata endpoint: IRSA needs no instance credentials, so pods may not reach IMDS. */
export const INSTANCE_METADATA_CIDR = "169.254.169.254/32";

/**
 * Default deny in both directions, then exactly what Spark needs:
 * - `spark-driver-executor`: driver ↔ executors of the namespace, any port (RPC, block manager, shuffle, UI);
 * - `dns-egress`: CoreDNS in kube-system, port 53;
 * - `https-egress`: TCP 443 anywhere but IMDS, for the Kubernetes API (the driver creates its executors), STS
 *   (IRSA), S3 and the other AWS APIs, through VPC endpoints or NAT alike.
 * The operator's webhook is called by the API server, not by team pods; its ingress is opened in the operator's
 * namespace (operator-manifests.ts).
 */
export function networkPolicyManifests(team: TeamSettings) {
    const meta = (name: string) => ({ name, namespace: team.namespace, labels: teamLabels(team) });
    return {
        "default-deny": {
            metadata: meta("default-deny"),
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        "spark-driver-executor": {
            metadata: meta("spark-driver-executor"),
            spec: {
                podSelector: sparkPods,
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [{ podSelector: sparkPods }] }],
                egress: [{ to: [{ podSelector: sparkPods }] }],
            },
        },
        "dns-egress": {
            metadata: meta("dns-egress"),
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [
                            {
                                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                            },
                        ],
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                ],
            },
        },
        "https-egress": {
            metadata: meta("https-egress"),
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [INSTANCE_METADATA_CIDR] } }],
                        ports: [{ protocol: "TCP", port: 443 }],
                    },
                ],
            },
        },
    };
}

/**
 * The one ingress from outside the namespace: the managed Prometheus collector, which scrapes the drivers' UI port
 * from its network interfaces in the VPC's private subnets (outside the cluster, so only an ipBlock names it).
 */
export function metricsScrapePolicyManifest(team: TeamSettings, collectorCidrs: readonly string[]) {
    if (collectorCidrs.length === 0)
        throw new Error(`Spark team ${team.name}: no CIDR to admit the metrics collector from`);
    return {
        metadata: { name: "spark-metrics-scrape", namespace: team.namespace, labels: teamLabels(team) },
        spec: {
            podSelector: { matchLabels: { [SPARK_ROLE_LABEL]: "driver" } },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: collectorCidrs.map((cidr) => ({ ipBlock: { cidr } })),
                    ports: [{ protocol: "TCP", port: SPARK_UI_PORT }],
                },
            ],
        },
    };
}

/**
 * What a Spark driver does with the Kubernetes API in its namespace (Spark on Kubernetes "RBAC"; EMR on EKS
 * "Spark service account and role"): create, watch and delete executor pods, its headless service and config maps,
 * and volume claims for shuffle. No secrets, nothing outside the namespace.
 */
export function sparkRoleManifest(team: TeamSettings) {
    const lifecycle = ["create", "get", "list", "watch", "delete", "deletecollection"];
    return {
        metadata: { name: "spark-driver", namespace: team.namespace, labels: teamLabels(team) },
        rules: [
            { apiGroups: [""], resources: ["pods"], verbs: [...lifecycle, "patch"] },
            { apiGroups: [""], resources: ["services"], verbs: lifecycle },
            { apiGroups: [""], resources: ["configmaps"], verbs: [...lifecycle, "patch"] },
            { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: lifecycle },
        ],
    };
}

export function sparkRoleBindingManifest(team: TeamSettings) {
    return {
        metadata: { name: "spark-driver", namespace: team.namespace, labels: teamLabels(team) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "spark-driver" },
        subjects: [{ kind: "ServiceAccount", name: sparkServiceAccountName(team), namespace: team.namespace }],
    };
}

/** The job service account, annotated with its IRSA role. */
export function sparkServiceAccountManifest(team: TeamSettings, roleArn: string) {
    return {
        metadata: {
            name: sparkServiceAccountName(team),
            namespace: team.namespace,
            labels: teamLabels(team),
            annotations: { "eks.amazonaws.com/role-arn": roleArn },
        },
    };
}

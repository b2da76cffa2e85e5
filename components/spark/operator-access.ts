/**
 * The Spark Operator's identity and rights, as pure functions: the objects the chart would create as Helm hooks
 * (its ServiceAccount, ClusterRole and ClusterRoleBinding; charts/spark-operator/pin.yaml `hooks:`), which
 * `helm.v4.Chart` never creates, so the program does.
 *
 * The rules are those of the chart's `templates/rbac.yaml` (kubeflow spark-operator chart 1.1.27, which the EMR
 * chart 7.x builds on) that the operator of that line (v1beta2-1.3.8) and the spark-submit it runs use with the
 * values it is installed with, and nothing else:
 * - dropped: `secrets` and `batch/jobs` (only the chart's webhook-init and -cleanup hook Jobs create and delete the
 *   certificate Secret and the init Job; the operator reads its certificates from the mounted Secret), `nodes` and
 *   `customresourcedefinitions` (no call in the operator's code; the CRDs come from the chart's crds/ folder);
 * - kept only when the value that makes the operator use them is on: the webhook configurations (`webhook.enable`:
 *   the operator registers them itself at startup), ingresses (`ingressUrlFormat`), resource quotas
 *   (`resourceQuotaEnforcement.enable`), Volcano pod groups (`batchScheduler.enable`) and the leader-election leases
 *   (`replicaCount` > 1).
 * The chart's `spark-role` Role (`rbac.createRole`: `*` on pods, services, config maps and volume claims, bound to
 * the Spark service account of one namespace) is off: each team's own Role (team-manifests.ts) replaces it.
 */
import { isRecord } from "../settings/validators";
import type { Values } from "../charts";

/** What the operator is installed as: its namespace, the chart's fullname, and its ServiceAccount. */
export interface OperatorIdentity {
    readonly namespace: string;
    /** The chart's `spark-operator.fullname` (pinned with `fullnameOverride`): names the ClusterRole and Secret. */
    readonly fullname: string;
    readonly serviceAccount: string;
}

/** The values that decide which rules the operator needs, read from the chart's merged values. */
export interface OperatorFeatures {
    readonly webhook: boolean;
    readonly replicaCount: number;
    readonly leaderElectionLock: string;
    readonly ingress: boolean;
    readonly resourceQuotaEnforcement: boolean;
    readonly batchScheduler: boolean;
}

const at = (values: Values, path: string): unknown =>
    path.split(".").reduce<unknown>((v, key) => (isRecord(v) ? v[key] : undefined), values);

/** The features of the operator as the chart's (merged) values set them, with the 1.1.27 chart's defaults. */
export function operatorFeatures(values: Values): OperatorFeatures {
    const replicaCount = at(values, "replicaCount");
    const lock = at(values, "leaderElection.lockName");
    return {
        webhook: at(values, "webhook.enable") === true,
        replicaCount: typeof replicaCount === "number" ? replicaCount : 1,
        leaderElectionLock: typeof lock === "string" && lock !== "" ? lock : "spark-operator-lock",
        ingress: typeof at(values, "ingressUrlFormat") === "string" && at(values, "ingressUrlFormat") !== "",
        resourceQuotaEnforcement: at(values, "resourceQuotaEnforcement.enable") === true,
        batchScheduler: at(values, "batchScheduler.enable") === true,
    };
}

const labels = { "app.kubernetes.io/name": "spark-operator", "app.kubernetes.io/managed-by": "pulumi" };

export function operatorServiceAccountManifest(id: OperatorIdentity) {
    return { metadata: { name: id.serviceAccount, namespace: id.namespace, labels } };
}

interface PolicyRule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
    resourceNames?: string[];
}

/** The rules of the operator's ClusterRole for these features (see the file comment for what was left out, why). */
export function operatorClusterRoleRules(features: OperatorFeatures): PolicyRule[] {
    const rules: PolicyRule[] = [
        // The controller watches and deletes driver pods; spark-submit creates them.
        { apiGroups: [""], resources: ["pods"], verbs: ["*"] },
        // The UI service (operator), the driver's service and config map (spark-submit), monitoring config maps.
        { apiGroups: [""], resources: ["services", "configmaps"], verbs: ["create", "get", "delete", "update"] },
        { apiGroups: [""], resources: ["events"], verbs: ["create", "update", "patch"] },
        {
            apiGroups: ["sparkoperator.k8s.io"],
            resources: [
                "sparkapplications",
                "sparkapplications/status",
                "scheduledsparkapplications",
                "scheduledsparkapplications/status",
            ],
            verbs: ["*"],
        },
    ];
    if (features.webhook) {
        rules.push({
            apiGroups: ["admissionregistration.k8s.io"],
            resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"],
            verbs: ["create", "get", "update", "delete"],
        });
    }
    if (features.ingress) {
        rules.push({
            apiGroups: ["extensions", "networking.k8s.io"],
            resources: ["ingresses"],
            verbs: ["create", "get", "delete"],
        });
    }
    if (features.resourceQuotaEnforcement) {
        rules.push({ apiGroups: [""], resources: ["resourcequotas"], verbs: ["get", "list", "watch"] });
    }
    if (features.batchScheduler) {
        rules.push({
            apiGroups: ["scheduling.incubator.k8s.io", "scheduling.sigs.dev", "scheduling.volcano.sh"],
            resources: ["podgroups"],
            verbs: ["*"],
        });
    }
    if (features.replicaCount > 1) {
        rules.push(
            {
                apiGroups: ["coordination.k8s.io"],
                resources: ["leases"],
                resourceNames: [features.leaderElectionLock],
                verbs: ["get", "update", "patch", "delete"],
            },
            { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
        );
    }
    return rules;
}

export function operatorClusterRoleManifest(id: OperatorIdentity, features: OperatorFeatures) {
    return { metadata: { name: id.fullname, labels }, rules: operatorClusterRoleRules(features) };
}

export function operatorClusterRoleBindingManifest(id: OperatorIdentity) {
    return {
        metadata: { name: id.fullname, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: id.fullname },
        subjects: [{ kind: "ServiceAccount", name: id.serviceAccount, namespace: id.namespace }],
    };
}

/** The webhook's Service DNS name, the one name its serving certificate must carry (the chart's webhook-service). */
export function webhookServiceDnsName(id: OperatorIdentity): string {
    return `${id.fullname}-webhook.${id.namespace}.svc`;
}

/** The Secret the Deployment mounts at /etc/webhook-certs (the chart's deployment.yaml, not optional). */
export function webhookSecretName(id: OperatorIdentity): string {
    return `${id.fullname}-webhook-certs`;
}

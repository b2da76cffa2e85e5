/**
 * Kubernetes objects around the Spark Operator chart, as pure functions.
 */
import { podSecurityLabels } from "./pod-security";

/** Ports the operator pod serves, as charts/spark-operator/values.yaml sets them (`webhook.port`, `metrics.port`). */
export const OPERATOR_PORTS = { webhook: 8080, metrics: 10254 } as const;

/**
 * The operator's namespace. Pod Security Admission enforces `baseline` and warns/audits `restricted`: the operator
 * pods are configured restricted-compliant (charts/spark-operator/values.yaml), but the chart's hook Jobs take
 * security contexts the values cannot reach in every chart version, and an enforced `restricted` would block the
 * install on one of them rather than report it.
 */
export function operatorNamespaceManifest(name: string, kubernetesVersion: string) {
    return {
        metadata: {
            name,
            labels: podSecurityLabels("restricted", kubernetesVersion, "baseline"),
        },
    };
}

/**
 * Ingress to the operator namespace: only the mutating webhook (called by the API server, whose EKS-managed ENIs
 * have addresses no selector can name) and the metrics port. Every other port of every pod there is closed.
 */
export function operatorNetworkPolicyManifest(namespace: string, release: string) {
    return {
        metadata: { name: `${release}-ingress`, namespace },
        spec: {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [
                {
                    ports: [
                        { protocol: "TCP", port: OPERATOR_PORTS.webhook },
                        { protocol: "TCP", port: OPERATOR_PORTS.metrics },
                    ],
                },
            ],
        },
    };
}

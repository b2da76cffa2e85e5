/**
 * Kubernetes objects around the Spark Operator chart, as pure functions.
 */
import { podSecurityLabels } from "./pod-security";

/** Ports the operator pod serves, as charts/spark-operator/values.yaml sets them (`webhook.port`, `metrics.port`). */
export const OPERATOR_PORTS = { webhook: 8080, metrics: 10254 } as const;

/**
 * The operator's namespace. Pod Security Admission enforces `baseline` and warns/audits `restricted`: the operator
 * pod is configured restricted-compliant (charts/spark-operator/values.yaml), but the EMR chart's own templates are
 * not public, and an enforced `restricted` would block an object of theirs the values cannot reach rather than
 * report it.
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

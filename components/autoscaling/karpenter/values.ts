/** Karpenter chart values computed from the stack; the static part lives in charts/karpenter/values.yaml. */
import type { Values } from "../../charts";

/** The controller's service account; its IRSA role trusts exactly this one. */
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";

export interface KarpenterValuesOptions {
    readonly clusterName: string;
    readonly clusterEndpoint: string;
    readonly interruptionQueueName: string;
    readonly controllerRoleArn: string;
    readonly nodeSelector: Readonly<Record<string, string>>;
}

export function karpenterValues(o: KarpenterValuesOptions): Values {
    return {
        settings: {
            clusterName: o.clusterName,
            // Given, so the controller does not need a DescribeCluster call to start.
            clusterEndpoint: o.clusterEndpoint,
            interruptionQueue: o.interruptionQueueName,
        },
        serviceAccount: {
            create: true,
            name: KARPENTER_SERVICE_ACCOUNT,
            annotations: { "eks.amazonaws.com/role-arn": o.controllerRoleArn },
        },
        // The controller must never run on a node it manages (it could remove its own node).
        nodeSelector: { "kubernetes.io/os": "linux", ...o.nodeSelector },
    };
}

/** Cluster Autoscaler chart values computed from the stack; the static part lives in charts/cluster-autoscaler/values.yaml. */
import type { Values } from "../../charts";
import { ownershipTagKey } from "./iam-policy";

/** The autoscaler's service account; its IRSA role trusts exactly this one. */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

export interface ClusterAutoscalerValuesOptions {
    readonly clusterName: string;
    readonly region: string;
    readonly roleArn: string;
    readonly nodeSelector: Readonly<Record<string, string>>;
}

export function clusterAutoscalerValues(o: ClusterAutoscalerValuesOptions): Values {
    return {
        cloudProvider: "aws",
        awsRegion: o.region,
        // Discover the groups tagged for this cluster only (EKS tags every managed node group's Auto Scaling group).
        autoDiscovery: {
            clusterName: o.clusterName,
            tags: ["k8s.io/cluster-autoscaler/enabled", ownershipTagKey(o.clusterName)],
        },
        rbac: {
            serviceAccount: {
                create: true,
                name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
                annotations: { "eks.amazonaws.com/role-arn": o.roleArn },
            },
        },
        // Never on a Spark node: it could scale its own node away.
        nodeSelector: { ...o.nodeSelector },
    };
}

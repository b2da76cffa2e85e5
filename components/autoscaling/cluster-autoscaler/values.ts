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
    /**
     * Node groups to grow before any other (the preferred architecture of two-architecture pools); empty leaves
     * the chart's base expander alone.
     */
    readonly preferredNodeGroups?: readonly string[];
}

/** Priority of the preferred groups, and of every other group (the priority expander's highest value wins). */
export const EXPANDER_PRIORITY = { preferred: 50, other: 10 } as const;

/**
 * The Auto Scaling group EKS creates for a managed node group is `eks-<node group name>-<node group UUID>`; the
 * priority expander matches its patterns against that name.
 */
export function autoScalingGroupPattern(nodeGroupName: string): string {
    const escaped = nodeGroupName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return `^eks-${escaped}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`;
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
        ...priorityExpander(o.preferredNodeGroups ?? []),
    };
}

/**
 * With preferred groups, the priority expander first (the chart renders its ConfigMap and grants the reads): it
 * grows a preferred group when one can take the pending pods, and another only while none can (a preferred group
 * whose instances do not come up is backed off, so the next priority gets its turn). Ties go to least-waste, the
 * base expander. https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/expander/priority/readme.md
 */
function priorityExpander(preferred: readonly string[]): Values {
    if (preferred.length === 0) return {};
    return {
        extraArgs: { expander: "priority,least-waste" },
        expanderPriorities: {
            [EXPANDER_PRIORITY.other]: [".*"],
            [EXPANDER_PRIORITY.preferred]: preferred.map(autoScalingGroupPattern),
        },
    };
}

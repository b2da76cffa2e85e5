export { ClusterAutoscaler } from "./cluster-autoscaler";
export type { ClusterAutoscalerArgs } from "./cluster-autoscaler";
export { clusterAutoscalerPolicy, ownershipTagKey } from "./iam-policy";
export type { ClusterAutoscalerPolicyContext } from "./iam-policy";
export { maxNodes, nodeTemplateTags } from "./node-groups";
export {
    CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
    EXPANDER_PRIORITY,
    autoScalingGroupPattern,
    clusterAutoscalerValues,
} from "./values";

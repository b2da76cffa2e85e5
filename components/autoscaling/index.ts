export { ClusterAutoscaler } from "./cluster-autoscaler";
export type { ClusterAutoscalerArgs } from "./cluster-autoscaler";
export { Karpenter } from "./karpenter";
export type { KarpenterArgs } from "./karpenter";
export type { AutoscalerArgs } from "./autoscaler-args";
export { instanceTypes } from "./autoscaler-args";
export { autoscalerMetricsEndpoint } from "./metrics-endpoint";
export type { AutoscalerMetricsEndpoint } from "./metrics-endpoint";

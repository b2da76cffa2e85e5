export { ClusterAutoscaler } from "./cluster-autoscaler";
export type { ClusterAutoscalerArgs } from "./cluster-autoscaler";
export { Karpenter } from "./karpenter";
export type { KarpenterArgs } from "./karpenter";
export type { AutoscalerArgs } from "./autoscaler-args";
export { instanceTypes } from "./autoscaler-args";
export {
    POOL_LABELS,
    SPARK_ROLES,
    ZONE_LABEL,
    buildPoolContract,
    findPool,
    poolName,
    summarizePools,
} from "./pool-contract";
export type {
    CapacityType,
    NodeTaint,
    PoolContract,
    SparkCapacity,
    SparkPool,
    SparkRole,
    Toleration,
} from "./pool-contract";

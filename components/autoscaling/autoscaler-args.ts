/**
 * What both autoscaler components need from the rest of the program, and small pure helpers they share.
 * Karpenter and Cluster Autoscaler take the same base arguments and implement the same pool contract; they are
 * mutually exclusive by construction (index.ts creates exactly one of them).
 */
import type { ClusterContext } from "../cluster";
import type { InstanceShape, PoolContract } from "../vocabulary";

export interface AutoscalerArgs {
    /** The cluster the autoscaler runs in and adds Spark nodes to, as EksCluster builds it. */
    cluster: ClusterContext;
    /** The Spark pools to provide capacity for. */
    pools: PoolContract;
    /** Instance shape of the on-demand driver pools. */
    driver: InstanceShape;
    /** Instance shape of the spot executor pools. */
    executor: InstanceShape;
    /** Most vCPUs the nodes of one pool may add up to. */
    maxVcpuPerPool: number;
    /** Most memory (GiB) the nodes of one pool may add up to. */
    maxMemoryGiBPerPool: number;
}

/** Instance types of a shape: every family crossed with every size, e.g. r6id.4xlarge. */
export function instanceTypes(shape: InstanceShape, sizes: readonly string[] = shape.sizes): string[] {
    return shape.families.flatMap((family) => sizes.map((size) => `${family}.${size}`));
}

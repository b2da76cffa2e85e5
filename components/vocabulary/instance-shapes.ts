/**
 * vCPUs of each instance size. Within the families the Spark pools use (general purpose, memory and compute
 * optimized, x86), a size names the same vCPU count in every family, so node-count limits can be derived from
 * the vCPU budget without an instance-type lookup. Metal sizes vary by family and are left out.
 */
export const INSTANCE_SIZE_VCPUS = {
    large: 2,
    xlarge: 4,
    "2xlarge": 8,
    "4xlarge": 16,
    "8xlarge": 32,
    "12xlarge": 48,
    "16xlarge": 64,
    "24xlarge": 96,
    "32xlarge": 128,
    "48xlarge": 192,
} as const;
export type InstanceSize = keyof typeof INSTANCE_SIZE_VCPUS;

/** Instance families crossed with sizes: families [r6id, r5d] and sizes [4xlarge] give r6id.4xlarge, r5d.4xlarge. */
export interface InstanceShape {
    readonly families: readonly string[];
    /** The first size is the one Cluster Autoscaler node groups use (their instance types must be equal in size). */
    readonly sizes: readonly InstanceSize[];
}

/**
 * What both autoscaler components need from the rest of the program, and small pure helpers they share.
 * Karpenter and Cluster Autoscaler take the same base arguments and implement the same pool contract; they are
 * mutually exclusive by construction (index.ts creates exactly one of them).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { InstanceShape, Partition } from "../settings";
import type { PoolContract } from "./pool-contract";

export interface AutoscalerArgs {
    /** EKS cluster name; an Output of the control plane, so everything here waits for the cluster. */
    clusterName: pulumi.Input<string>;
    /** Kubernetes minor of the cluster ("1.34"); the pinned chart must support it. */
    kubernetesVersion: string;
    /** Partition of the stack's region, for IAM ARNs. */
    partition: Partition;
    /** Region of the stack; IAM statements are limited to it. */
    region: string;
    /** Account of the stack, for IAM ARNs. */
    accountId: pulumi.Input<string>;
    /** The cluster's IAM OIDC provider, for the controller's IRSA role. */
    oidcProviderArn: pulumi.Input<string>;
    /** Issuer of the cluster's service-account tokens, without `https://`. */
    oidcIssuer: pulumi.Input<string>;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** Node selector that keeps the controller on the system node group, never on nodes it may remove. */
    systemNodeSelector: Readonly<Record<string, string>>;
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
    /** Tags for the EC2 instances and volumes of Spark nodes (provider default tags do not reach them). */
    instanceTags: Readonly<Record<string, string>>;
}

/** Instance types of a shape: every family crossed with every size, e.g. r6id.4xlarge. */
export function instanceTypes(shape: InstanceShape, sizes: readonly string[] = shape.sizes): string[] {
    return shape.families.flatMap((family) => sizes.map((size) => `${family}.${size}`));
}

/**
 * What every component that runs in or beside the cluster needs to know about it, as one typed object. The cluster
 * component builds it; index.ts hands it on whole, so adding a field never means copying it through index.ts again.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Partition } from "../settings";

export interface ClusterContext {
    /** EKS cluster name; an Output of the control plane, so whatever reads it waits for the cluster. */
    readonly name: pulumi.Output<string>;
    /** Kubernetes minor of the cluster ("1.34"); pinned charts must support it. */
    readonly kubernetesVersion: string;
    /** Partition of the stack's region, for IAM ARNs and service principals. */
    readonly partition: Partition;
    /** Region of the stack. */
    readonly region: string;
    /** Account of the stack, for IAM ARNs. */
    readonly accountId: pulumi.Input<string>;
    /** The cluster's IAM OIDC provider, for IRSA roles. */
    readonly oidcProviderArn: pulumi.Output<string>;
    /** Issuer of the cluster's service-account tokens, without `https://`: the prefix of IRSA condition keys. */
    readonly oidcIssuer: pulumi.Output<string>;
    /** Kubernetes provider of the cluster; usable once the system nodes and every add-on are up. */
    readonly provider: k8s.Provider;
    /** Node selector that keeps a pod on the system node group, never on Spark nodes an autoscaler may remove. */
    readonly systemNodeSelector: Readonly<Record<string, string>>;
    /** Tags for EC2 instances and volumes the cluster's node groups and autoscaler launch. */
    readonly instanceTags: Readonly<Record<string, string>>;
    /**
     * What enforces NetworkPolicies in the cluster (the VPC CNI add-on with its network policy agent on), or
     * undefined when nothing does. NetworkPolicies are created only when it is set, and wait for it: on a cluster
     * whose CNI does not enforce them they would only look protective.
     */
    readonly networkPolicyEnforcer?: pulumi.Resource;
}

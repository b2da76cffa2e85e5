/**
 * What EMR on EKS needs to run jobs in the team namespaces, through EKS access entries (not aws-auth): an access
 * entry for EMR's service-linked role, with the `AmazonEMRJobPolicy` access policy scoped to exactly the team
 * namespaces. EKS allows one access entry per principal and one association per (principal, policy), so this is
 * one component per cluster, listing every team namespace; virtual clusters are created after it, so EMR finds
 * its access in place (and its own access-entry integration has nothing left to change).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "../cluster/cluster-context";
import { SERVICE_LINKED_ROLES, createServiceLinkedRole } from "../iam/service-linked-roles";
import type { Partition } from "../settings";

export interface EmrClusterAccessArgs {
    /** The cluster EMR runs jobs in. */
    cluster: ClusterContext;
    /** Every namespace with an EMR virtual cluster. */
    namespaces: readonly pulumi.Input<string>[];
    /**
     * Create EMR on EKS's service-linked role, which the access entry names. It exists once per account: set this
     * only when EMR on EKS has never been used there (otherwise creation fails). It is kept on destroy.
     * @default false
     */
    createServiceLinkedRole?: boolean;
}

const defaults = { createServiceLinkedRole: false };

/** Name of EMR on EKS's service-linked role. */
export const EMR_SERVICE_LINKED_ROLE = SERVICE_LINKED_ROLES.emrContainers.roleName;

/** ARN of EMR on EKS's service-linked role, without its path (access entries take it in this form). */
export function emrServiceLinkedRoleArn(partition: Partition, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:role/${EMR_SERVICE_LINKED_ROLE}`;
}

/** ARN of the EKS access policy EMR on EKS jobs need (`aws eks list-access-policies`). */
export function emrJobAccessPolicyArn(partition: Partition): string {
    return `arn:${partition}:eks::aws:cluster-access-policy/AmazonEMRJobPolicy`;
}

export class EmrClusterAccess extends pulumi.ComponentResource {
    /** Resolves once EMR's access to every team namespace is in place; virtual clusters wait for it. */
    readonly ready: pulumi.Output<string>;

    constructor(name: string, args: EmrClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:emr:EmrClusterAccess", name, {}, opts);
        const a = { ...defaults, ...args };
        if (a.namespaces.length === 0)
            throw new pulumi.ResourceError("EmrClusterAccess needs at least one namespace", this);
        const ctx = a.cluster;
        const slr = a.createServiceLinkedRole
            ? createServiceLinkedRole(`${name}-service-role`, "emrContainers", { parent: this })
            : undefined;
        const principalArn = slr
            ? pulumi
                  .all([ctx.accountId, slr.arn])
                  .apply(([accountId]) => emrServiceLinkedRoleArn(ctx.partition, accountId))
            : pulumi.output(ctx.accountId).apply((accountId) => emrServiceLinkedRoleArn(ctx.partition, accountId));
        const entry = new aws.eks.AccessEntry(
            `${name}-entry`,
            {
                clusterName: ctx.name,
                principalArn,
                type: "STANDARD",
            },
            { parent: this },
        );
        const association = new aws.eks.AccessPolicyAssociation(
            `${name}-job-policy`,
            {
                clusterName: ctx.name,
                principalArn: entry.principalArn,
                policyArn: emrJobAccessPolicyArn(ctx.partition),
                accessScope: { type: "namespace", namespaces: [...a.namespaces] },
            },
            { parent: this },
        );

        this.ready = pulumi.all([entry.id, association.id]).apply(([id]) => id);
        this.registerOutputs({ ready: this.ready });
    }
}

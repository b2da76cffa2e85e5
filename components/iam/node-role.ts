import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Partition } from "../vocabulary";
import { attachPolicies } from "./irsa-role";
import { nodeRoleManagedPolicyArns, nodeRoleTrustPolicy } from "./trust-policy";

export interface NodeRoleArgs {
    /** Partition of the stack's region; the policy ARNs and the EC2 service principal depend on it. */
    partition: Partition;
    /**
     * Role description shown in the IAM console.
     * @default "EKS node role"
     */
    description?: string;
}

const defaults = { description: "EKS node role" };

/**
 * The IAM role EC2 instances of a node pool run as, with the AWS managed node policies. `arn` and `roleName`
 * resolve only after the policies are attached: a node that boots earlier cannot join the cluster.
 */
export class NodeRole extends pulumi.ComponentResource {
    readonly arn: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: NodeRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:iam:NodeRole", name, {}, opts);
        const a = { ...defaults, ...args };
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: JSON.stringify(nodeRoleTrustPolicy(a.partition)),
                description: a.description,
            },
            { parent: this },
        );
        const attachments = attachPolicies(name, role, nodeRoleManagedPolicyArns(a.partition), {}, this);

        this.arn = pulumi.all([role.arn, ...attachments]).apply(([arn]) => arn);
        this.roleName = pulumi.all([role.name, ...attachments]).apply(([roleName]) => roleName);
        this.registerOutputs({ arn: this.arn, roleName: this.roleName });
    }
}

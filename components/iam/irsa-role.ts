import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy } from "./trust-policy";

export interface IrsaRoleArgs {
    /** ARN of the cluster's IAM OIDC provider, the Federated principal of the trust policy. */
    oidcProviderArn: pulumi.Input<string>;
    /** Issuer of the cluster's service-account tokens, e.g. `oidc.eks.us-west-2.amazonaws.com/id/<id>`. */
    oidcIssuer: pulumi.Input<string>;
    /** Namespace of the one service account allowed to assume the role. */
    namespace: string;
    /** Name of the one service account allowed to assume the role. */
    serviceAccount: string;
    /**
     * Managed policy ARNs attached to the role.
     * @default []
     */
    managedPolicyArns?: readonly string[];
    /**
     * Inline policies, keyed by a kebab-case name, each a JSON policy document.
     * @default {}
     */
    inlinePolicies?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Role description shown in the IAM console.
     * @default "IRSA role of <namespace>/<serviceAccount>"
     */
    description?: string;
}

const defaults = {
    managedPolicyArns: [] as readonly string[],
    inlinePolicies: {} as Readonly<Record<string, pulumi.Input<string>>>,
};

/**
 * An IAM role one Kubernetes service account assumes through IRSA, with its policies. `arn` resolves only after
 * every policy is attached, so a pod annotated with it never starts with a role that cannot do its job yet.
 */
export class IrsaRole extends pulumi.ComponentResource {
    /** Role ARN, for the `eks.amazonaws.com/role-arn` annotation; ready once every policy is attached. */
    readonly arn: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:iam:IrsaRole", name, {}, opts);
        const a = { ...defaults, ...args };
        const trust = pulumi.all([a.oidcProviderArn, a.oidcIssuer]).apply(([oidcProviderArn, oidcIssuer]) =>
            JSON.stringify(
                irsaTrustPolicy({
                    oidcProviderArn,
                    oidcIssuer,
                    namespace: a.namespace,
                    serviceAccount: a.serviceAccount,
                }),
            ),
        );
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: trust,
                description: a.description ?? `IRSA role of ${a.namespace}/${a.serviceAccount}`,
            },
            { parent: this },
        );
        const attachments = attachPolicies(name, role, a.managedPolicyArns, a.inlinePolicies, this);

        this.arn = pulumi.all([role.arn, ...attachments]).apply(([arn]) => arn);
        this.roleName = role.name;
        this.registerOutputs({ arn: this.arn, roleName: this.roleName });
    }
}

/** Attaches managed and inline policies; returns their ids so callers can wait for all of them. */
export function attachPolicies(
    name: string,
    role: aws.iam.Role,
    managedPolicyArns: readonly string[],
    inlinePolicies: Readonly<Record<string, pulumi.Input<string>>>,
    parent: pulumi.Resource,
): pulumi.Output<string>[] {
    // Children are named after the policy, not its position, so reordering the list renames nothing.
    const managed = managedPolicyArns.map(
        (policyArn) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-${kebab(policyArn.split("/").pop() ?? policyArn)}`,
                { role: role.name, policyArn },
                { parent },
            ).id,
    );
    const inline = Object.entries(inlinePolicies).map(
        ([policyName, policy]) =>
            new aws.iam.RolePolicy(`${name}-${policyName}`, { role: role.id, name: policyName, policy }, { parent }).id,
    );
    return [...managed, ...inline];
}

/** `AmazonEKS_CNI_Policy` → `amazon-eks-cni-policy`. */
export function kebab(text: string): string {
    return text
        .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
        .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
        .replace(/[^A-Za-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .toLowerCase();
}

/**
 * Trust policies as pure functions, so tests and the policy pack can read them without mocks.
 *
 * IRSA (IAM roles for service accounts): the cluster's OIDC provider vouches for a pod's projected service-account
 * token; the role trusts exactly one `system:serviceaccount:<namespace>:<name>` subject, and only tokens minted for
 * STS (`aud`). See https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
 */
import type { Partition } from "../vocabulary";

export interface IrsaSubject {
    /** ARN of the cluster's IAM OIDC provider: the Federated principal. */
    readonly oidcProviderArn: string;
    /** Issuer of the cluster's tokens, with or without `https://` (condition keys use it without the scheme). */
    readonly oidcIssuer: string;
    readonly namespace: string;
    readonly serviceAccount: string;
}

/** Audience the EKS pod identity webhook requests for projected tokens. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/** Kubernetes names: DNS labels for namespaces, DNS subdomains for service accounts. No wildcards, ever. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SERVICE_ACCOUNT = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The exact subject a token of `namespace/serviceAccount` carries. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
    return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/**
 * Trust policy that lets exactly one Kubernetes service account assume the role. `StringEquals` (never
 * `StringLike`) on both `sub` and `aud`, so neither another service account nor a token minted for another
 * audience can use it.
 */
export function irsaTrustPolicy(subject: IrsaSubject) {
    const { oidcProviderArn, namespace, serviceAccount } = subject;
    if (!NAMESPACE.test(namespace) || namespace.length > 63) {
        throw new Error(
            `IRSA namespace ${JSON.stringify(namespace)} is not a Kubernetes namespace name (no wildcards)`,
        );
    }
    if (!SERVICE_ACCOUNT.test(serviceAccount) || serviceAccount.length > 253) {
        throw new Error(
            `IRSA service account ${JSON.stringify(serviceAccount)} is not a Kubernetes name (no wildcards)`,
        );
    }
    if (!/^arn:aws(-cn|-us-gov)?:iam::\d{12}:oidc-provider\/.+/.test(oidcProviderArn)) {
        throw new Error(`${JSON.stringify(oidcProviderArn)} is not an IAM OIDC provider ARN`);
    }
    const issuer = subject.oidcIssuer.replace(/^https:\/\//, "");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: serviceAccountSubject(namespace, serviceAccount),
                        [`${issuer}:aud`]: STS_AUDIENCE,
                    },
                },
            },
        ],
    };
}

/** Service principal of EC2 in a partition: the China regions use the `amazonaws.com.cn` suffix. */
export function ec2ServicePrincipal(partition: Partition): string {
    return partition === "aws-cn" ? "ec2.amazonaws.com.cn" : "ec2.amazonaws.com";
}

/** Trust policy of a node role: only EC2 instances assume it. */
export function nodeRoleTrustPolicy(partition: Partition) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: ec2ServicePrincipal(partition) },
                Action: "sts:AssumeRole",
            },
        ],
    };
}

/**
 * AWS managed policies every EKS node role needs: join the cluster, pull images (pull-only, not the broader
 * read-only policy) and be reachable through Session Manager instead of SSH. AmazonEKS_CNI_Policy is not here:
 * the VPC CNI runs with its own IRSA role (kube-system:aws-node), as EKS recommends.
 */
export function nodeRoleManagedPolicyArns(partition: Partition): string[] {
    return ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"].map(
        (policy) => managedPolicyArn(partition, policy),
    );
}

/** ARN of an AWS managed policy, e.g. `service-role/AmazonEBSCSIDriverPolicy`. */
export function managedPolicyArn(partition: Partition, policyPath: string): string {
    return `arn:${partition}:iam::aws:policy/${policyPath}`;
}

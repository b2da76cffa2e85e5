/**
 * EKS managed add-on versions, pinned per Kubernetes minor so a preview never picks up a new build on its own
 * and an upgrade is a reviewed one-line change.
 *
 * Sources for 1.34 (looked up 2026-11, not resolved live: the offline plan has no AWS account):
 * - kube-proxy, CoreDNS: the version tables of the EKS user guide ("Manage kube-proxy", "Manage CoreDNS"),
 *   https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html and managing-coredns.html
 * - vpc-cni, aws-ebs-csi-driver: builds published for 1.34 clusters (the VPC CNI table lists one build for all
 *   supported minors). Check with `aws eks describe-addon-versions --kubernetes-version 1.34 --addon-name <name>`
 *   before the first `pulumi up` in a new account.
 */

export const ADDON_NAMES = ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver"] as const;
export type AddonName = (typeof ADDON_NAMES)[number];
export type AddonVersions = Readonly<Record<AddonName, string>>;

export const EKS_ADDON_VERSIONS: Readonly<Record<string, AddonVersions>> = {
    "1.34": {
        "vpc-cni": "v1.20.4-eksbuild.1",
        "kube-proxy": "v1.34.1-eksbuild.2",
        coredns: "v1.12.4-eksbuild.1",
        "aws-ebs-csi-driver": "v1.52.1-eksbuild.1",
    },
};

/** Pinned add-on versions for `kubernetesVersion` ("1.34"), or undefined when none are pinned yet. */
export function addonVersionsFor(kubernetesVersion: string): AddonVersions | undefined {
    return EKS_ADDON_VERSIONS[kubernetesVersion];
}

/**
 * The four EKS managed add-ons, as raw `aws.eks.Addon` resources so their pinned versions are visible to tests
 * and the policy pack. The cluster is created with `bootstrapSelfManagedAddons: false`, so nothing self-managed
 * competes with them: networking comes first (nodes only become Ready with a CNI), the add-ons that run
 * Deployments come after the system nodes (EKS reports them ACTIVE only once their pods run).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole, managedPolicyArn } from "../iam";
import type { Partition } from "../settings";
import type { AddonName, AddonVersions } from "./addon-versions";

/** Namespace and service account of the EBS CSI controller, the only one its IRSA role trusts. */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;

interface AddonContext {
    readonly name: string;
    readonly clusterName: pulumi.Input<string>;
    readonly versions: AddonVersions;
    readonly parent: pulumi.Resource;
}

function createAddon(
    ctx: AddonContext,
    addonName: AddonName,
    extra: Partial<aws.eks.AddonArgs> = {},
    opts: pulumi.CustomResourceOptions = {},
): aws.eks.Addon {
    return new aws.eks.Addon(
        `${ctx.name}-${addonName}`,
        {
            clusterName: ctx.clusterName,
            addonName,
            addonVersion: ctx.versions[addonName],
            // The program is the source of truth: adopt anything in the way on create, and undo manual edits on update.
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            ...extra,
        },
        { parent: ctx.parent, ...opts },
    );
}

/**
 * Configuration values of the VPC CNI add-on. `enableNetworkPolicy` turns on its network policy agent (the
 * aws-network-policy-agent container of aws-node, eBPF on Linux EC2 nodes with kernel 5.10 or later; EKS-optimized
 * AL2023 and Bottlerocket AMIs qualify) and EKS's policy controller; it is off by default, and without it every
 * NetworkPolicy is accepted by the API server and enforced by nothing.
 */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

/** The first VPC CNI release with the network policy agent (Amazon VPC CNI network policy FAQ). */
const NETWORK_POLICY_SINCE = [1, 14] as const;

/**
 * Whether a VPC CNI add-on of `version` (v1.20.4-eksbuild.1) with these configuration values enforces
 * NetworkPolicies: the release has the agent and the configuration turns it on.
 */
export function vpcCniEnforcesNetworkPolicies(version: string, configuration: Readonly<Record<string, unknown>>) {
    const m = /^v(\d+)\.(\d+)\./.exec(version);
    if (!m) return false;
    const [major, minor] = [Number(m[1]), Number(m[2])];
    const [sinceMajor, sinceMinor] = NETWORK_POLICY_SINCE;
    const recentEnough = major > sinceMajor || (major === sinceMajor && minor >= sinceMinor);
    return recentEnough && configuration.enableNetworkPolicy === "true";
}

/** Namespace and service account of the VPC CNI (aws-node DaemonSet), the only one its IRSA role trusts. */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node" } as const;

export interface IrsaOptions {
    readonly partition: Partition;
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly oidcIssuer: pulumi.Input<string>;
}

export interface NetworkingAddons {
    readonly addons: aws.eks.Addon[];
    /** The VPC CNI add-on when its version and configuration enforce NetworkPolicies; otherwise undefined. */
    readonly networkPolicyEnforcer?: aws.eks.Addon;
}

/**
 * vpc-cni and kube-proxy: DaemonSets, ACTIVE without nodes, needed before any node can become Ready. The CNI
 * manages ENIs and IPs with its own IRSA role, so node roles (which every pod on a node could reach through IMDS
 * if the hop limit were raised) do not carry AmazonEKS_CNI_Policy, and enforces NetworkPolicies.
 */
export function createNetworkingAddons(ctx: AddonContext, o: IrsaOptions): NetworkingAddons {
    const cniRole = createAddonRole(
        ctx,
        o,
        "vpc-cni",
        VPC_CNI_SERVICE_ACCOUNT,
        "AmazonEKS_CNI_Policy",
        "VPC CNI (aws-node): attaches ENIs and assigns pod IPs on the cluster's nodes",
    );
    const cni = createAddon(ctx, "vpc-cni", {
        serviceAccountRoleArn: cniRole.arn,
        configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
    });
    const enforces = vpcCniEnforcesNetworkPolicies(ctx.versions["vpc-cni"], VPC_CNI_CONFIGURATION);
    return {
        addons: [cni, createAddon(ctx, "kube-proxy")],
        ...(enforces ? { networkPolicyEnforcer: cni } : {}),
    };
}

export interface WorkloadAddonOptions extends IrsaOptions {
    /** The system node group: CoreDNS and the EBS CSI controller need a node to run on before EKS calls them ACTIVE. */
    readonly systemNodes: pulumi.Resource;
}

/** CoreDNS and the EBS CSI driver (with its own IRSA role), created once the system nodes exist. */
export function createWorkloadAddons(ctx: AddonContext, o: WorkloadAddonOptions): aws.eks.Addon[] {
    const ebsCsiRole = createAddonRole(
        ctx,
        o,
        "ebs-csi",
        EBS_CSI_SERVICE_ACCOUNT,
        "service-role/AmazonEBSCSIDriverPolicy",
        "EBS CSI controller: creates, attaches and deletes the cluster's EBS volumes",
    );
    const afterNodes = { dependsOn: [o.systemNodes] };
    return [
        createAddon(ctx, "coredns", {}, afterNodes),
        createAddon(ctx, "aws-ebs-csi-driver", { serviceAccountRoleArn: ebsCsiRole.arn }, afterNodes),
    ];
}

/** The IRSA role of an add-on's service account, holding one AWS managed policy. */
function createAddonRole(
    ctx: AddonContext,
    o: IrsaOptions,
    role: string,
    serviceAccount: { readonly namespace: string; readonly name: string },
    managedPolicy: string,
    description: string,
): IrsaRole {
    return new IrsaRole(
        `${ctx.name}-${role}`,
        {
            oidcProviderArn: o.oidcProviderArn,
            oidcIssuer: o.oidcIssuer,
            namespace: serviceAccount.namespace,
            serviceAccount: serviceAccount.name,
            managedPolicyArns: [managedPolicyArn(o.partition, managedPolicy)],
            description,
        },
        { parent: ctx.parent },
    );
}

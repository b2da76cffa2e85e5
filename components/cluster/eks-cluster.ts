import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { samePrincipal } from "../iam";
import type { ApiEndpointAccess, Architecture, KubernetesSupportType, Partition } from "../vocabulary";
import { eksLogGroupName, kmsAliasName, nodeGroupName } from "../vocabulary";
import { EKS_ADDON_VERSIONS, addonVersionsFor } from "./addon-versions";
import { createNetworkingAddons, createWorkloadAddons } from "./addons";
import type { ClusterContext } from "./cluster-context";
import { defaultStorageClassManifest } from "./storage-class";
import { createSystemNodeGroup } from "./system-node-group";

export interface EksClusterArgs {
    /** EKS cluster name (`spark-<stack>`); also the prefix of node-group names. */
    clusterName: string;
    /** Kubernetes minor, e.g. "1.34"; add-on versions are pinned per minor. */
    kubernetesVersion: string;
    /** Partition of the stack's region, for policy ARNs and service principals. */
    partition: Partition;
    /** Region of the stack; handed on in `context`. */
    region: string;
    /** Account of the stack; handed on in `context` for IAM ARNs. */
    accountId: pulumi.Input<string>;
    /** VPC the cluster and its nodes live in. */
    vpcId: pulumi.Input<string>;
    /** Private subnets of every zone: control-plane network interfaces and the system node group. */
    privateSubnetIds: pulumi.Input<string>[];
    /** Kubernetes service IPv4 range. */
    serviceCidr: string;
    /** `private`: no public endpoint; `public-and-private`: the public side answers only `apiPublicAccessCidrs`. */
    apiEndpointAccess: ApiEndpointAccess;
    /** Networks allowed to reach the public endpoint (empty when the endpoint is private). */
    apiPublicAccessCidrs: readonly string[];
    /** Networks of deployers and CI runners: 443 on the cluster security group is opened to exactly these. */
    apiPrivateAccessCidrs: readonly string[];
    /** Security groups of deployers and CI runners: 443 on the cluster security group is opened to exactly these. */
    apiPrivateAccessSecurityGroupIds: readonly string[];
    /** IAM principals granted cluster-admin (AmazonEKSClusterAdminPolicy, cluster scope) through access entries. */
    adminPrincipalArns: readonly string[];
    /** IAM principals granted read-only access (AmazonEKSAdminViewPolicy, cluster scope): preview and drift roles. */
    viewerPrincipalArns: readonly string[];
    /** ARN of the principal running `pulumi up` (STS caller identity); EKS makes it admin by itself. */
    deployerArn: pulumi.Input<string>;
    /** KMS key the control-plane log group is encrypted with; its policy must let CloudWatch Logs use it. */
    logKmsKeyArn: pulumi.Input<string>;
    /**
     * EKS upgrade policy: STANDARD never bills extended support silently.
     * @default "STANDARD"
     */
    supportType?: KubernetesSupportType;
    /**
     * EKS refuses to delete the cluster while this is on.
     * @default false
     */
    deletionProtection?: boolean;
    /** Size and instance types of the system node group. */
    systemNodes: {
        instanceTypes: readonly string[];
        /** Architecture of every instance type; the node group boots the AL2023 AMI built for it. */
        architecture: Architecture;
        minSize: number;
        maxSize: number;
    };
    /** Tags for EC2 instances and volumes of node groups; the provider's default tags do not reach them. */
    instanceTags: Readonly<Record<string, string>>;
    /**
     * Control-plane log types sent to CloudWatch Logs.
     * @default ["api", "audit", "authenticator", "controllerManager", "scheduler"]
     */
    controlPlaneLogTypes?: readonly string[];
    /**
     * Days control-plane logs are kept.
     * @default 90
     */
    controlPlaneLogRetentionDays?: number;
    /**
     * Root volume of a system node, in GiB.
     * @default 50
     */
    systemRootVolumeGiB?: number;
    /**
     * Labels of the system nodes; controllers select them with `systemNodeSelector`.
     * @default { "spark-platform/pool": "system" }
     */
    systemNodeLabels?: Readonly<Record<string, string>>;
}

const defaults = {
    supportType: "STANDARD" as KubernetesSupportType,
    deletionProtection: false,
    controlPlaneLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"] as readonly string[],
    controlPlaneLogRetentionDays: 90,
    systemRootVolumeGiB: 50,
    systemNodeLabels: { "spark-platform/pool": "system" } as Readonly<Record<string, string>>,
};

/**
 * The EKS control plane (access entries, IRSA, KMS envelope encryption, control-plane logs), the multi-zone
 * system node group, the managed add-ons, a default encrypted gp3 StorageClass and the Kubernetes provider every
 * in-cluster resource uses. `provider` becomes usable only once the system nodes and every add-on are up, so
 * charts deployed with it find nodes, DNS and storage.
 */
export class EksCluster extends pulumi.ComponentResource {
    readonly clusterName: pulumi.Output<string>;
    readonly clusterEndpoint: pulumi.Output<string>;
    /** The security group EKS creates for the cluster; every node joins it. */
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    readonly oidcProviderArn: pulumi.Output<string>;
    /** OIDC issuer without `https://`, the prefix of IRSA condition keys. */
    readonly oidcIssuer: pulumi.Output<string>;
    /** Kubeconfig (JSON, authenticates with `aws eks get-token`), a secret. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    /** Node selector that places a pod on the system node group. */
    readonly systemNodeSelector: Readonly<Record<string, string>>;
    /** Everything a component running in or beside the cluster needs, as one object to hand on whole. */
    readonly context: ClusterContext;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:cluster:EksCluster", name, {}, opts);
        const a = { ...defaults, ...args };
        // Settings accept only versions with pinned add-ons; this guards a cluster created with other args.
        const versions = addonVersionsFor(a.kubernetesVersion);
        if (!versions) {
            const pinned = Object.keys(EKS_ADDON_VERSIONS).join(", ");
            throw new pulumi.ResourceError(
                `Kubernetes ${JSON.stringify(a.kubernetesVersion)} has no pinned EKS add-on versions (pinned: ${pinned}); pin its add-ons in components/cluster/addon-versions.ts or use a pinned version`,
                this,
            );
        }
        const cluster = createControlPlane(name, a, this);
        const clusterName = cluster.eksCluster.name;
        const ctx = { name, clusterName, versions, parent: this };

        const apiAccess = openApiToDeployers(name, cluster.eksCluster.vpcConfig.clusterSecurityGroupId, a, this);
        const networking = createNetworkingAddons(ctx, {
            partition: a.partition,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuer: cluster.oidcIssuer,
        });
        const systemNodes = createSystemNodeGroup(
            name,
            {
                clusterName,
                nodeGroupName: nodeGroupName(a.clusterName, "system"),
                partition: a.partition,
                subnetIds: a.privateSubnetIds,
                instanceTypes: a.systemNodes.instanceTypes,
                architecture: a.systemNodes.architecture,
                minSize: a.systemNodes.minSize,
                maxSize: a.systemNodes.maxSize,
                labels: a.systemNodeLabels,
                rootVolumeGiB: a.systemRootVolumeGiB,
                instanceTags: a.instanceTags,
                after: networking.addons,
            },
            this,
        );
        const workload = createWorkloadAddons(ctx, {
            partition: a.partition,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuer: cluster.oidcIssuer,
            systemNodes,
        });

        this.clusterName = clusterName;
        this.clusterEndpoint = cluster.eksCluster.endpoint;
        this.clusterSecurityGroupId = cluster.eksCluster.vpcConfig.clusterSecurityGroupId;
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcIssuer = cluster.oidcIssuer;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        // The API rules are part of "usable": from a runner outside the cluster, nothing answers before them.
        const readyWhen = [systemNodes, ...networking.addons, ...workload, ...apiAccess];
        this.provider = createProvider(name, this.kubeconfig, readyWhen, this);
        this.systemNodeSelector = { ...a.systemNodeLabels };
        this.context = {
            name: this.clusterName,
            kubernetesVersion: a.kubernetesVersion,
            partition: a.partition,
            region: a.region,
            accountId: a.accountId,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuer: this.oidcIssuer,
            provider: this.provider,
            systemNodeSelector: this.systemNodeSelector,
            instanceTags: { ...a.instanceTags },
            ...(networking.networkPolicyEnforcer ? { networkPolicyEnforcer: networking.networkPolicyEnforcer } : {}),
        };
        new k8s.storage.v1.StorageClass(`${name}-gp3`, defaultStorageClassManifest(), {
            parent: this,
            provider: this.provider,
        });

        this.registerOutputs({
            clusterName: this.clusterName,
            clusterEndpoint: this.clusterEndpoint,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuer: this.oidcIssuer,
            kubeconfig: this.kubeconfig,
            provider: this.provider,
            systemNodeSelector: this.systemNodeSelector,
            context: this.context,
        });
    }
}

type ResolvedArgs = EksClusterArgs & typeof defaults;

function createControlPlane(name: string, a: ResolvedArgs, parent: pulumi.Resource): eks.Cluster {
    // Envelope encryption of Secrets: etcd holds them encrypted under a key this stack owns and rotates yearly.
    const key = new aws.kms.Key(
        `${name}-secrets`,
        {
            description: `${a.clusterName}: envelope encryption of Kubernetes secrets`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
        },
        { parent },
    );
    new aws.kms.Alias(
        `${name}-secrets`,
        { name: kmsAliasName(a.clusterName, "eks-secrets"), targetKeyId: key.keyId },
        { parent },
    );
    // EKS writes control-plane logs to this group; created first so it gets a retention instead of "never expire".
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-control-plane`,
        {
            name: eksLogGroupName(a.clusterName),
            retentionInDays: a.controlPlaneLogRetentionDays,
            kmsKeyId: a.logKmsKeyArn,
        },
        { parent },
    );
    return new eks.Cluster(
        `${name}-eks`,
        {
            name: a.clusterName,
            version: a.kubernetesVersion,
            vpcId: a.vpcId,
            privateSubnetIds: a.privateSubnetIds,
            nodeAssociatePublicIpAddress: false,
            authenticationMode: eks.AuthenticationMode.Api,
            // pulumi-eks 4.3 has no input for the access config's bootstrapClusterCreatorAdminPermissions (cluster.d.ts
            // offers authenticationMode only), so EKS's default applies: the principal that creates the cluster gets an
            // access entry with AmazonEKSClusterAdminPolicy. An entry of ours for the same principal would fail with a
            // 409 once the cluster exists; `guardedPrincipal` stops the run before the cluster is created instead.
            accessEntries: {
                ...adminAccessEntries(a.adminPrincipalArns, a.partition, (arn) =>
                    guardedPrincipal(arn, "adminPrincipals", a.deployerArn, parent),
                ),
                ...viewerAccessEntries(a.viewerPrincipalArns, a.partition, (arn) =>
                    guardedPrincipal(arn, "viewerPrincipals", a.deployerArn, parent),
                ),
            },
            upgradePolicy: { supportType: a.supportType },
            deletionProtection: a.deletionProtection,
            createOidcProvider: true,
            encryptionConfigKeyArn: key.arn,
            enabledClusterLogTypes: [...a.controlPlaneLogTypes],
            ...endpointAccess(a.apiEndpointAccess, a.apiPublicAccessCidrs),
            kubernetesServiceIpAddressRange: a.serviceCidr,
            // Nodes come from the system node group and the autoscaler; every node uses the security group EKS creates.
            skipDefaultNodeGroup: true,
            skipDefaultSecurityGroups: true,
            // Only managed add-ons, with pinned versions (./addons.ts); nothing self-managed to adopt or drift.
            bootstrapSelfManagedAddons: false,
            useDefaultVpcCni: true,
            corednsAddonOptions: { enabled: false },
            kubeProxyAddonOptions: { enabled: false },
        },
        { parent, dependsOn: [logGroup] },
    );
}

/** Endpoint settings: the private endpoint is always on, the public one only for the allow-listed networks. */
export function endpointAccess(access: ApiEndpointAccess, publicAccessCidrs: readonly string[]) {
    return access === "private"
        ? { endpointPrivateAccess: true, endpointPublicAccess: false }
        : { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: [...publicAccessCidrs] };
}

type PrincipalInput = (arn: string) => pulumi.Input<string>;

/**
 * One access entry per admin principal with AmazonEKSClusterAdminPolicy on the whole cluster. Keys are stable
 * (derived from the ARN), so adding an admin never replaces the others. The principal that runs `pulumi up`
 * already gets an entry from EKS at creation; listing it here as well makes the create fail.
 * https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html
 */
export function adminAccessEntries(
    principalArns: readonly string[],
    partition: Partition,
    principal: PrincipalInput = (arn) => arn,
): Record<string, eks.types.input.AccessEntryArgs> {
    return accessEntries("admin", "cluster-admin", "AmazonEKSClusterAdminPolicy", principalArns, partition, principal);
}

/**
 * One access entry per viewer with AmazonEKSAdminViewPolicy on the whole cluster: it reads every kind, Secrets, RBAC
 * and cluster-scoped objects (PriorityClasses) included, which a refreshing preview of this program must read;
 * AmazonEKSViewPolicy (Kubernetes' `view` role) cannot, so previews would fail with 403s. It never writes.
 * https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
 */
export function viewerAccessEntries(
    principalArns: readonly string[],
    partition: Partition,
    principal: PrincipalInput = (arn) => arn,
): Record<string, eks.types.input.AccessEntryArgs> {
    return accessEntries("viewer", "cluster-view", "AmazonEKSAdminViewPolicy", principalArns, partition, principal);
}

function accessEntries(
    prefix: string,
    policyKey: string,
    policy: string,
    principalArns: readonly string[],
    partition: Partition,
    principal: PrincipalInput,
): Record<string, eks.types.input.AccessEntryArgs> {
    const policyArn = `arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
    return Object.fromEntries(
        principalArns.map((principalArn) => [
            `${prefix}-${principalArn
                .split(":")
                .pop()
                ?.replace(/[^A-Za-z0-9]+/g, "-")
                .toLowerCase()}`,
            {
                principalArn: principal(principalArn),
                type: eks.AccessEntryType.Standard,
                accessPolicies: { [policyKey]: { policyArn, accessScope: { type: "cluster" } } },
            },
        ]),
    );
}

/** The message that stops a run whose deployer is also listed in `key`; undefined when it is not. */
export function deployerListedProblem(arn: string, key: string, deployerArn: string): string | undefined {
    return samePrincipal(arn, deployerArn)
        ? `spark-platform:${key}: ${JSON.stringify(arn)} is the principal running pulumi up (${deployerArn}), which ` +
              "EKS makes cluster admin itself, so a second access entry would fail with a conflict; remove it from " +
              `${key}, or deploy with another principal`
        : undefined;
}

/**
 * `arn`, once the caller is known not to be it. The cluster's inputs wait for this, so a deployer listed as an
 * admin or viewer stops the run (in preview already) before the cluster exists, never with a 409 halfway.
 */
function guardedPrincipal(
    arn: string,
    key: string,
    deployerArn: pulumi.Input<string>,
    parent: pulumi.Resource,
): pulumi.Output<string> {
    return pulumi.output(deployerArn).apply((deployer) => {
        const problem = deployerListedProblem(arn, key, deployer);
        if (problem !== undefined) throw new pulumi.ResourceError(problem, parent, true);
        return arn;
    });
}

/**
 * 443 on the cluster security group from exactly the configured deployer and runner sources. EKS attaches only
 * this group to the control plane's network interfaces (the program skips pulumi-eks' own groups), and the group
 * admits only its members, so without these rules nothing outside the cluster reaches a private endpoint.
 */
function openApiToDeployers(
    name: string,
    clusterSecurityGroupId: pulumi.Input<string>,
    a: ResolvedArgs,
    parent: pulumi.Resource,
): aws.vpc.SecurityGroupIngressRule[] {
    const rule = (suffix: string, source: { cidrIpv4: string } | { referencedSecurityGroupId: string }, what: string) =>
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-api-from-${suffix}`,
            {
                securityGroupId: clusterSecurityGroupId,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                description: `Kubernetes API from ${what}`,
                ...source,
            },
            { parent },
        );
    return [
        ...a.apiPrivateAccessCidrs.map((cidr) =>
            rule(cidr.replace(/[./]/g, "-"), { cidrIpv4: cidr }, `deployers and CI runners in ${cidr}`),
        ),
        ...a.apiPrivateAccessSecurityGroupIds.map((id) =>
            rule(id, { referencedSecurityGroupId: id }, `deployers and CI runners in ${id}`),
        ),
    ];
}

/**
 * The Kubernetes provider for everything in the cluster. Its kubeconfig resolves only after the system nodes and
 * every add-on exist, so resources created with it (charts that wait for their pods to run) never race the nodes.
 */
function createProvider(
    name: string,
    kubeconfig: pulumi.Output<string>,
    readyWhen: pulumi.CustomResource[],
    parent: pulumi.Resource,
): k8s.Provider {
    const ready = pulumi.all([kubeconfig, ...readyWhen.map((r) => r.id)]).apply(([config]) => config);
    return new k8s.Provider(`${name}-k8s`, { kubeconfig: ready, enableServerSideApply: true }, { parent });
}

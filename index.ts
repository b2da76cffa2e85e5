/**
 * spark-platform: an EMR-on-EKS style Apache Spark platform, one Pulumi stack per environment.
 *
 *   stack config ──▶ settings ──▶ network ──▶ cluster + autoscaler ──▶ Spark platform add-ons ──▶ outputs
 *
 * Every value comes from the stack's configuration, parsed and validated in full before anything is registered.
 */
import * as aws from "@pulumi/aws";
import {
    AutoscalerArgs,
    ClusterAutoscaler,
    Karpenter,
    SparkCapacity,
    buildPoolContract,
    summarizePools,
} from "./components/autoscaling";
import { EksCluster } from "./components/cluster";
import { PlatformKey } from "./components/encryption";
import { Network } from "./components/network";
import { loadSettings } from "./components/settings";

const settings = loadSettings();

// Tags of everything this stack creates: on every AWS resource through the provider, and on the EC2 instances
// node groups and Karpenter launch (provider default tags do not reach those).
const platformTags = {
    ...settings.tags,
    "spark-platform:project": settings.project,
    "spark-platform:stack": settings.stack,
    "managed-by": "pulumi",
};

// One explicit provider: the region and the account guard come from the stack, and every AWS resource is tagged
// with the stack it belongs to.
const awsProvider = new aws.Provider("aws", {
    region: settings.aws.region as aws.Region,
    allowedAccountIds: [...settings.aws.allowedAccountIds],
    defaultTags: { tags: platformTags },
});
const account = aws.getCallerIdentityOutput({}, { provider: awsProvider });

// The stack's one customer-managed key: every log group (flow logs, control-plane logs) is encrypted with it.
const platformKey = new PlatformKey("platform-key", {
    namePrefix: settings.namePrefix,
    partition: settings.aws.partition,
    region: settings.aws.region,
    accountId: account.accountId,
}, { providers: { aws: awsProvider } });

// Network: public and private subnets per zone; Spark pools later pick the private subnet of their one zone.
const network = new Network("network", {
    namePrefix: settings.namePrefix,
    clusterName: settings.namePrefix,
    region: settings.aws.region,
    accountId: account.accountId,
    vpcCidr: settings.network.vpcCidr,
    availabilityZones: settings.network.availabilityZones,
    natGatewayCount: settings.network.natGatewayCount,
    flowLogs: settings.network.flowLogs,
    logKmsKeyArn: platformKey.arn,
}, { providers: { aws: awsProvider } });

// EKS: control plane, the multi-zone system node group, managed add-ons, and the Kubernetes provider the rest of
// the program deploys into the cluster with. With a private endpoint, `pulumi up` must run from a network or
// security group listed in apiPrivateAccessCidrs / apiPrivateAccessSecurityGroupIds (443 is opened to those only).
const cluster = new EksCluster("cluster", {
    clusterName: settings.namePrefix,
    kubernetesVersion: settings.cluster.kubernetesVersion,
    partition: settings.aws.partition,
    region: settings.aws.region,
    accountId: account.accountId,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    serviceCidr: settings.cluster.serviceCidr.text,
    apiEndpointAccess: settings.cluster.apiEndpointAccess,
    apiPublicAccessCidrs: settings.cluster.apiPublicAccessCidrs,
    apiPrivateAccessCidrs: settings.cluster.apiPrivateAccessCidrs,
    apiPrivateAccessSecurityGroupIds: settings.cluster.apiPrivateAccessSecurityGroupIds,
    adminPrincipalArns: settings.cluster.adminPrincipalArns,
    viewerPrincipalArns: settings.cluster.viewerPrincipalArns,
    deployerArn: account.arn,
    logKmsKeyArn: platformKey.arn,
    supportType: settings.cluster.supportType,
    deletionProtection: settings.cluster.deletionProtection,
    systemNodes: {
        instanceTypes: settings.capacity.systemInstanceTypes,
        minSize: settings.capacity.systemMinSize,
        maxSize: settings.capacity.systemMaxSize,
    },
    instanceTags: platformTags,
}, { providers: { aws: awsProvider } });

// Executors run on Spot, which needs AWSServiceRoleForEC2Spot; an account that never used Spot lacks it. Nothing
// waits for it: no Spark node launches before a job asks for one, long after this role exists. The role serves
// the whole account, so destroying the stack leaves it in place.
if (settings.capacity.createSpotServiceLinkedRole) {
    new aws.iam.ServiceLinkedRole("spot", {
        awsServiceName: "spot.amazonaws.com",
    }, { provider: awsProvider, retainOnDelete: true });
}

// Spark capacity: one driver (on-demand) and one executor (spot) pool per Spark zone, each pinned to its zone.
// Exactly one autoscaler provides them; both implement the same pool contract, so nothing else changes with it.
const pools = buildPoolContract(settings.spark.zones);
const autoscalerArgs: AutoscalerArgs = {
    cluster: cluster.context,
    pools,
    driver: settings.capacity.driver,
    executor: settings.capacity.executor,
    maxVcpuPerPool: settings.spark.maxVcpuPerZone,
    maxMemoryGiBPerPool: settings.spark.maxMemoryGiBPerZone,
};
let sparkCapacity: SparkCapacity;
switch (settings.cluster.autoscaler) {
    case "karpenter":
        sparkCapacity = new Karpenter("karpenter", {
            ...autoscalerArgs,
            clusterEndpoint: cluster.clusterEndpoint,
            clusterSecurityGroupId: cluster.clusterSecurityGroupId,
            amiVersion: settings.capacity.karpenterAmiVersion,
            executorConsolidateAfter: settings.capacity.executorConsolidateAfter,
        }, { providers: { aws: awsProvider } });
        break;
    case "cluster-autoscaler":
        sparkCapacity = new ClusterAutoscaler("cluster-autoscaler", {
            ...autoscalerArgs,
            privateSubnetIdsByZone: network.privateSubnetIdsByZone,
        }, { providers: { aws: awsProvider } });
        break;
}

export const region = settings.aws.region;
export const autoscaler = settings.cluster.autoscaler;
export const vpcId = network.vpcId;
export const privateSubnetIdsByZone = network.privateSubnetIdsByZone;
export const publicSubnetIdsByZone = network.publicSubnetIdsByZone;
export const sparkZones = settings.spark.zones;
export const clusterName = cluster.clusterName;
/** Kubeconfig of the cluster (authenticates with `aws eks get-token`); a secret. */
export const kubeconfig = cluster.kubeconfig;
export const oidcProviderArn = cluster.oidcProviderArn;
/** Per Spark pool: zone, role, capacity type, and the nodeSelector/tolerations pod templates use. */
export const sparkPools = summarizePools(sparkCapacity.pools);
/** Alias of the stack's KMS key, which encrypts its log groups. */
export const platformKeyAlias = platformKey.aliasName;

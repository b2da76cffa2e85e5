/**
 * spark-platform: an EMR-on-EKS style Apache Spark platform, one Pulumi stack per environment.
 *
 *   stack config ──▶ settings ──▶ network ──▶ cluster + autoscaler ──▶ Spark platform add-ons ──▶ outputs
 *
 * Every value comes from the stack's configuration, parsed and validated in full before anything is registered.
 */
import * as aws from "@pulumi/aws";
import { Network } from "./components/network";
import { loadSettings } from "./components/settings";

const settings = loadSettings();

// One explicit provider: the region and the account guard come from the stack, and every AWS resource is tagged
// with the stack it belongs to.
const awsProvider = new aws.Provider("aws", {
    region: settings.aws.region as aws.Region,
    allowedAccountIds: [...settings.aws.allowedAccountIds],
    defaultTags: {
        tags: {
            ...settings.tags,
            "spark-platform:project": settings.project,
            "spark-platform:stack": settings.stack,
            "managed-by": "pulumi",
        },
    },
});
const account = aws.getCallerIdentityOutput({}, { provider: awsProvider });

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
}, { providers: { aws: awsProvider } });

export const region = settings.aws.region;
export const autoscaler = settings.cluster.autoscaler;
export const vpcId = network.vpcId;
export const privateSubnetIdsByZone = network.privateSubnetIdsByZone;
export const publicSubnetIdsByZone = network.publicSubnetIdsByZone;
export const sparkZones = settings.spark.zones;

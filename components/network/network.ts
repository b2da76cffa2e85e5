import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Cidr, platformLogGroupName } from "../vocabulary";
import { flowLogRoleTrustPolicy, flowLogWritePolicy } from "./iam-policy";
import { layoutSubnets } from "./subnet-layout";

export interface NetworkArgs {
    /** Prefix of every Name tag, e.g. `spark-dev`. */
    namePrefix: string;
    /** EKS cluster name, written into the subnet tags Karpenter discovers subnets by. */
    clusterName: string;
    region: string;
    /** Account that owns the VPC; flow logs may only be delivered on its behalf (confused-deputy guard). */
    accountId: pulumi.Input<string>;
    vpcCidr: Cidr;
    /** Zones to span; one private and one public subnet each. */
    availabilityZones: readonly string[];
    /** NAT gateways, in the first N zones; private subnets of other zones route through them in turn. */
    natGatewayCount: number;
    /** Deliver VPC flow logs to CloudWatch Logs. */
    flowLogs: boolean;
    /** KMS key the flow-log group is encrypted with; its policy must let CloudWatch Logs use it. */
    logKmsKeyArn: pulumi.Input<string>;
    /**
     * Days flow logs are kept.
     * @default 90
     */
    flowLogRetentionDays?: number;
}

const defaults = { flowLogRetentionDays: 90 };

/**
 * A VPC with a public and a private subnet in each zone, NAT egress, an S3 gateway endpoint and optional flow
 * logs. Subnet ids are exposed per zone because Spark node pools are pinned to a single zone.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    /** Private subnet id of each zone, keyed by zone name. */
    readonly privateSubnetIdsByZone: Readonly<Record<string, pulumi.Output<string>>>;
    readonly publicSubnetIdsByZone: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:network:Network", name, {}, opts);
        const a = { ...defaults, ...args };
        const child = { parent: this };
        const nameTag = (suffix: string) => ({ Name: `${a.namePrefix}-${suffix}` });

        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: a.vpcCidr.text,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: nameTag("vpc"),
            },
            child,
        );
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: nameTag("igw") }, child);

        const layout = layoutSubnets(a.vpcCidr, a.availabilityZones);
        const publicSubnets = layout.map(
            (z) =>
                new aws.ec2.Subnet(
                    `${name}-public-${z.zone}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock: z.publicCidr,
                        availabilityZone: z.zone,
                        mapPublicIpOnLaunch: false,
                        // Internet-facing load balancers go here (AWS Load Balancer Controller subnet discovery).
                        tags: { ...nameTag(`public-${z.zone}`), "kubernetes.io/role/elb": "1" },
                    },
                    child,
                ),
        );
        const privateSubnets = layout.map(
            (z) =>
                new aws.ec2.Subnet(
                    `${name}-private-${z.zone}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock: z.privateCidr,
                        availabilityZone: z.zone,
                        tags: {
                            ...nameTag(`private-${z.zone}`),
                            "kubernetes.io/role/internal-elb": "1",
                            // Karpenter's EC2NodeClass selects node subnets by this tag.
                            "karpenter.sh/discovery": a.clusterName,
                        },
                    },
                    child,
                ),
        );

        const publicRoutes = new aws.ec2.RouteTable(
            `${name}-public`,
            {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
                tags: nameTag("public"),
            },
            child,
        );
        publicSubnets.forEach(
            (subnet, i) =>
                new aws.ec2.RouteTableAssociation(
                    `${name}-public-${layout[i].zone}`,
                    {
                        subnetId: subnet.id,
                        routeTableId: publicRoutes.id,
                    },
                    child,
                ),
        );

        const natGateways = layout.slice(0, a.natGatewayCount).map((z, i) => {
            const eip = new aws.ec2.Eip(
                `${name}-nat-${z.zone}`,
                { domain: "vpc", tags: nameTag(`nat-${z.zone}`) },
                child,
            );
            // A NAT gateway only forwards once the VPC has its internet gateway.
            return new aws.ec2.NatGateway(
                `${name}-nat-${z.zone}`,
                {
                    allocationId: eip.id,
                    subnetId: publicSubnets[i].id,
                    tags: nameTag(`nat-${z.zone}`),
                },
                { ...child, dependsOn: [igw] },
            );
        });
        const privateRoutes = layout.map((z, i) => {
            const table = new aws.ec2.RouteTable(
                `${name}-private-${z.zone}`,
                {
                    vpcId: vpc.id,
                    routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: natGateways[i % natGateways.length].id }],
                    tags: nameTag(`private-${z.zone}`),
                },
                child,
            );
            new aws.ec2.RouteTableAssociation(
                `${name}-private-${z.zone}`,
                {
                    subnetId: privateSubnets[i].id,
                    routeTableId: table.id,
                },
                child,
            );
            return table;
        });

        // Spark reads and writes S3 heavily; the gateway endpoint keeps that traffic off the NAT gateways (and their bill).
        new aws.ec2.VpcEndpoint(
            `${name}-s3`,
            {
                vpcId: vpc.id,
                serviceName: s3ServiceName(a.region),
                vpcEndpointType: "Gateway",
                routeTableIds: privateRoutes.map((t) => t.id),
                tags: nameTag("s3"),
            },
            child,
        );

        if (a.flowLogs) {
            createFlowLogs(name, a, vpc.id, this);
        }

        this.vpcId = vpc.id;
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIdsByZone = Object.fromEntries(layout.map((z, i) => [z.zone, privateSubnets[i].id]));
        this.publicSubnetIdsByZone = Object.fromEntries(layout.map((z, i) => [z.zone, publicSubnets[i].id]));
        this.registerOutputs({
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIdsByZone: this.privateSubnetIdsByZone,
            publicSubnetIdsByZone: this.publicSubnetIdsByZone,
        });
    }
}

/** Gateway endpoint service names are reversed-DNS and differ in the China partition. */
export function s3ServiceName(region: string): string {
    return region.startsWith("cn-") ? `cn.com.amazonaws.${region}.s3` : `com.amazonaws.${region}.s3`;
}

function createFlowLogs(
    name: string,
    a: NetworkArgs & typeof defaults,
    vpcId: pulumi.Output<string>,
    parent: pulumi.Resource,
): void {
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-flow-logs`,
        {
            name: platformLogGroupName(a.namePrefix, "vpc-flow-logs"),
            retentionInDays: a.flowLogRetentionDays,
            kmsKeyId: a.logKmsKeyArn,
        },
        { parent },
    );
    const role = new aws.iam.Role(
        `${name}-flow-logs`,
        {
            assumeRolePolicy: pulumi
                .output(a.accountId)
                .apply((account) => JSON.stringify(flowLogRoleTrustPolicy(account))),
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-flow-logs`,
        {
            role: role.id,
            policy: logGroup.arn.apply((arn) => JSON.stringify(flowLogWritePolicy(arn))),
        },
        { parent },
    );
    new aws.ec2.FlowLog(
        `${name}-flow-logs`,
        {
            vpcId,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: logGroup.arn,
            iamRoleArn: role.arn,
            maxAggregationInterval: 60,
        },
        { parent },
    );
}

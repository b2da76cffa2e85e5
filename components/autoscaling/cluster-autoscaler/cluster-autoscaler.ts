import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { installPinnedChart, readChartPin } from "../../charts";
import { nodeLaunchTemplateArgs, nvmeRaid0UserData } from "../../cluster";
import { IrsaRole, NodeRole } from "../../iam";
import { AutoscalerArgs } from "../autoscaler-args";
import type { PoolContract, SparkCapacity } from "../../vocabulary";
import { clusterAutoscalerPolicy } from "./iam-policy";
import { createSparkNodeGroup, sparkNodeGroupName } from "./node-groups";
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, clusterAutoscalerValues } from "./values";

export interface ClusterAutoscalerArgs extends AutoscalerArgs {
    /** Private subnet id of each zone; a Spark pool's node group uses the one of its zone only. */
    privateSubnetIdsByZone: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Root volume of a Spark node, in GiB (images and logs; shuffle goes to NVMe where present).
     * @default 100
     */
    rootVolumeGiB?: number;
}

const defaults = { rootVolumeGiB: 100 };

/**
 * Cluster Autoscaler providing the Spark pools: per Spark zone an on-demand driver and a spot executor managed
 * node group, each in the one private subnet of its zone and scaling from zero, plus the autoscaler itself with
 * an IRSA role that may resize only this cluster's groups.
 */
export class ClusterAutoscaler extends pulumi.ComponentResource implements SparkCapacity {
    readonly pools: PoolContract;
    readonly roleArn: pulumi.Output<string>;
    /** Names of the Spark node groups by pool name, the preferred architecture's first. */
    readonly nodeGroupNames: Readonly<Record<string, pulumi.Output<string>[]>>;

    constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
        const pin = readChartPin("cluster-autoscaler");
        super("spark:autoscaling:ClusterAutoscaler", name, {}, opts);
        const a = { ...defaults, ...args };
        const missing = a.pools.pools.find((p) => a.privateSubnetIdsByZone[p.zone] === undefined);
        if (missing) {
            throw new pulumi.ResourceError(
                `pool ${missing.name} is in ${missing.zone}, which has no private subnet; subnets exist for ${Object.keys(a.privateSubnetIdsByZone).join(", ")}`,
                this,
            );
        }

        const nodeRole = new NodeRole(
            `${name}-node`,
            {
                partition: a.cluster.partition,
                description: "Spark nodes of the Cluster Autoscaler node groups",
            },
            { parent: this },
        );
        // One template for every Spark group: IMDSv2 hop limit 1, encrypted gp3 root, local NVMe as RAID0.
        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-spark`,
            nodeLaunchTemplateArgs({
                description: "Spark nodes: IMDSv2 (hop limit 1), encrypted gp3 root, instance store as RAID0",
                rootVolumeGiB: a.rootVolumeGiB,
                instanceTags: a.cluster.instanceTags,
                userData: nvmeRaid0UserData(),
            }),
            { parent: this },
        );
        // Per pool one group per architecture, the preferred one first.
        const nodeGroups = a.pools.pools.map((pool) =>
            pool.architectures.map((architecture) =>
                createSparkNodeGroup(
                    name,
                    {
                        clusterName: a.cluster.name,
                        pool,
                        architecture,
                        shape: pool.role === "driver" ? a.driver : a.executor,
                        maxVcpuPerPool: a.maxVcpuPerPool,
                        subnetId: a.privateSubnetIdsByZone[pool.zone],
                        nodeRoleArn: nodeRole.arn,
                        launchTemplate,
                    },
                    this,
                ),
            ),
        );

        const role = createAutoscalerRole(name, a, pin.namespace, this);
        const values = pulumi.all([a.cluster.name, role.arn]).apply(([clusterName, roleArn]) =>
            clusterAutoscalerValues({
                clusterName,
                region: a.cluster.region,
                roleArn,
                nodeSelector: a.cluster.systemNodeSelector,
                preferredNodeGroups: preferredNodeGroupNames(clusterName, a.pools),
            }),
        );
        installPinnedChart(name, { pin, cluster: a.cluster, values }, { parent: this });

        this.pools = a.pools;
        this.roleArn = role.arn;
        this.nodeGroupNames = Object.fromEntries(
            a.pools.pools.map((p, i) => [p.name, nodeGroups[i].map((g) => g.nodeGroupName)]),
        );
        this.registerOutputs({ pools: this.pools, roleArn: this.roleArn, nodeGroupNames: this.nodeGroupNames });
    }
}

function createAutoscalerRole(
    name: string,
    a: ClusterAutoscalerArgs,
    namespace: string,
    parent: pulumi.Resource,
): IrsaRole {
    const { cluster } = a;
    const policy = pulumi.all([cluster.name, cluster.accountId]).apply(([clusterName, accountId]) =>
        JSON.stringify(
            clusterAutoscalerPolicy({
                partition: cluster.partition,
                accountId,
                region: cluster.region,
                clusterName,
            }),
        ),
    );
    return new IrsaRole(
        `${name}-controller`,
        {
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuer: cluster.oidcIssuer,
            namespace,
            serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
            inlinePolicies: { "scale-own-node-groups": policy },
            description: "Cluster Autoscaler: resizes this cluster's node groups",
        },
        { parent },
    );
}

/**
 * Node groups the priority expander grows before any other: the groups of each two-architecture pool's first
 * architecture. Empty when every pool has one architecture (the expander is then left at its default).
 */
export function preferredNodeGroupNames(clusterName: string, pools: PoolContract): string[] {
    return pools.pools
        .filter((p) => p.architectures.length > 1)
        .map((p) => sparkNodeGroupName(clusterName, p, p.architectures[0]));
}

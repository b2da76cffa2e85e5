import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installPinnedChart, readChartPin } from "../../charts";
import { IrsaRole, NodeRole } from "../../iam";
import { AutoscalerArgs } from "../autoscaler-args";
import type { PoolContract, SparkCapacity } from "../../vocabulary";
import { karpenterControllerPolicies } from "./iam-policy";
import { createInterruptionQueue } from "./interruption";
import { DISCOVERY_TAG, ec2NodeClassManifest, nodePoolManifest } from "./node-pools";
import { KARPENTER_SERVICE_ACCOUNT, karpenterValues } from "./values";

export interface KarpenterArgs extends AutoscalerArgs {
    /** API server endpoint, handed to the controller so it need not look it up. */
    clusterEndpoint: pulumi.Input<string>;
    /** Security group EKS created for the cluster; Karpenter's nodes join it (found by the discovery tag). */
    clusterSecurityGroupId: pulumi.Input<string>;
    /** EKS AL2023 AMI release the nodes boot (`al2023@<version>`). */
    amiVersion: string;
    /**
     * How long an executor node stays empty or underutilized before Karpenter consolidates it.
     * @default "2m"
     */
    executorConsolidateAfter?: string;
    /**
     * Root volume of a Spark node, in GiB (images and logs; shuffle goes to NVMe where present).
     * @default 100
     */
    rootVolumeGiB?: number;
    /**
     * Name of the EC2NodeClass the Spark NodePools share.
     * @default "spark"
     */
    nodeClassName?: string;
}

const defaults = { rootVolumeGiB: 100, nodeClassName: "spark", executorConsolidateAfter: "2m" };

/**
 * Karpenter (v1 API) providing the Spark pools: controller with an IRSA role scoped to this cluster, node role
 * with an EC2_LINUX access entry, interruption queue with its five EventBridge rules, one EC2NodeClass and a
 * NodePool per Spark zone and role.
 */
export class Karpenter extends pulumi.ComponentResource implements SparkCapacity {
    readonly pools: PoolContract;
    readonly interruptionQueueArn: pulumi.Output<string>;
    readonly controllerRoleArn: pulumi.Output<string>;
    readonly nodeRoleArn: pulumi.Output<string>;

    constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
        const pin = readChartPin("karpenter");
        super("spark:autoscaling:Karpenter", name, {}, opts);
        const a = { ...defaults, ...args };
        const cluster = a.cluster;

        const nodeRole = new NodeRole(
            `${name}-node`,
            {
                partition: cluster.partition,
                description: "Spark nodes launched by Karpenter",
            },
            { parent: this },
        );
        // Nodes authenticate to the cluster through this entry (EKS API authentication mode, no aws-auth).
        const accessEntry = new aws.eks.AccessEntry(
            `${name}-node`,
            {
                clusterName: cluster.name,
                principalArn: nodeRole.arn,
                type: "EC2_LINUX",
            },
            { parent: this },
        );
        const queue = createInterruptionQueue(name, cluster.name, this);
        const controllerRole = createControllerRole(name, a, pin.namespace, nodeRole.arn, queue.arn, this);
        new aws.ec2.Tag(
            `${name}-security-group-discovery`,
            {
                resourceId: a.clusterSecurityGroupId,
                key: DISCOVERY_TAG,
                value: cluster.name,
            },
            { parent: this },
        );

        const values = pulumi
            .all([cluster.name, a.clusterEndpoint, queue.name, controllerRole.arn])
            .apply(([clusterName, clusterEndpoint, interruptionQueueName, controllerRoleArn]) =>
                karpenterValues({
                    clusterName,
                    clusterEndpoint,
                    interruptionQueueName,
                    controllerRoleArn,
                    nodeSelector: cluster.systemNodeSelector,
                }),
            );
        const chart = installPinnedChart(name, { pin, cluster, values }, { parent: this });
        // Nodes may only launch once they can join: the class names the role after its access entry exists.
        const joinableRoleName = pulumi.all([nodeRole.roleName, accessEntry.id]).apply(([roleName]) => roleName);
        createNodeResources(name, a, joinableRoleName, chart, this);

        this.pools = a.pools;
        this.interruptionQueueArn = queue.arn;
        this.controllerRoleArn = controllerRole.arn;
        this.nodeRoleArn = nodeRole.arn;
        this.registerOutputs({
            pools: this.pools,
            interruptionQueueArn: this.interruptionQueueArn,
            controllerRoleArn: this.controllerRoleArn,
            nodeRoleArn: this.nodeRoleArn,
        });
    }
}

type ResolvedArgs = KarpenterArgs & typeof defaults;

function createControllerRole(
    name: string,
    a: ResolvedArgs,
    namespace: string,
    nodeRoleArn: pulumi.Output<string>,
    queueArn: pulumi.Output<string>,
    parent: pulumi.Resource,
): IrsaRole {
    const policies = pulumi
        .all([a.cluster.name, a.cluster.accountId, nodeRoleArn, queueArn])
        .apply(([clusterName, accountId, nodeRole, queue]) =>
            karpenterControllerPolicies({
                partition: a.cluster.partition,
                accountId,
                region: a.cluster.region,
                clusterName,
                nodeRoleArn: nodeRole,
                interruptionQueueArn: queue,
            }),
        );
    const names = ["node-lifecycle", "iam-integration", "eks-integration", "interruption", "resource-discovery"];
    return new IrsaRole(
        `${name}-controller`,
        {
            oidcProviderArn: a.cluster.oidcProviderArn,
            oidcIssuer: a.cluster.oidcIssuer,
            namespace,
            serviceAccount: KARPENTER_SERVICE_ACCOUNT,
            inlinePolicies: Object.fromEntries(names.map((n) => [n, policies.apply((p) => JSON.stringify(p[n]))])),
            description: "Karpenter controller: launches and terminates this cluster's Spark nodes",
        },
        { parent },
    );
}

/** The EC2NodeClass and one NodePool per pool; both kinds are CRDs the chart installs, hence the dependsOn. */
function createNodeResources(
    name: string,
    a: ResolvedArgs,
    nodeRoleName: pulumi.Output<string>,
    chart: k8s.helm.v4.Chart,
    parent: pulumi.Resource,
): void {
    const opts = { parent, provider: a.cluster.provider, dependsOn: [chart] };
    const nodeClass = pulumi.all([a.cluster.name, nodeRoleName]).apply(([clusterName, roleName]) =>
        ec2NodeClassManifest({
            name: a.nodeClassName,
            clusterName,
            nodeRoleName: roleName,
            amiVersion: a.amiVersion,
            rootVolumeGiB: a.rootVolumeGiB,
            tags: a.cluster.instanceTags,
        }),
    );
    new k8s.apiextensions.CustomResource(
        `${name}-${a.nodeClassName}`,
        {
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name: a.nodeClassName },
            spec: nodeClass.spec,
        },
        opts,
    );
    for (const pool of a.pools.pools) {
        const manifest = nodePoolManifest(pool, {
            nodeClassName: a.nodeClassName,
            shape: pool.role === "driver" ? a.driver : a.executor,
            maxVcpu: a.maxVcpuPerPool,
            maxMemoryGiB: a.maxMemoryGiBPerPool,
            consolidateAfter: pool.role === "executor" ? a.executorConsolidateAfter : undefined,
        });
        new k8s.apiextensions.CustomResource(`${name}-${pool.name}`, manifest, opts);
    }
}

/**
 * Spark node groups for the Cluster Autoscaler path: per Spark zone and role one EKS managed node group in the
 * single private subnet of its zone, scaling from zero.
 *
 * Scale from zero needs the labels and taints of nodes that do not exist yet. The autoscaler reads them from
 * `k8s.io/cluster-autoscaler/node-template/...` tags on the Auto Scaling group. EKS does not copy node-group tags
 * to the group it creates, so each tag is also set on the Auto Scaling group itself with `aws.autoscaling.Tag`
 * (not propagated to instances: they get their tags from the launch template).
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md#auto-discovery-setup
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IGNORE_SCALING_DRIFT } from "../../cluster";
import { INSTANCE_SIZE_VCPUS, InstanceShape } from "../../settings";
import { instanceTypes } from "../autoscaler-args";
import { SparkPool, ZONE_LABEL } from "../pool-contract";
import { nodeGroupName } from "../../vocabulary/stack-names";

const NODE_TEMPLATE = "k8s.io/cluster-autoscaler/node-template";

/** Tags that describe a pool's future nodes to the autoscaler: labels (zone included) and taints. */
export function nodeTemplateTags(pool: SparkPool): Record<string, string> {
    const labels = { ...pool.nodeLabels, [ZONE_LABEL]: pool.zone };
    return {
        ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [`${NODE_TEMPLATE}/label/${k}`, v])),
        ...Object.fromEntries(pool.taints.map((t) => [`${NODE_TEMPLATE}/taint/${t.key}`, `${t.value}:${t.effect}`])),
    };
}

/** EKS node-group taint effects are spelled in upper snake case. */
const EKS_TAINT_EFFECT = { NoSchedule: "NO_SCHEDULE" } as const;

/**
 * Most nodes of a pool: its vCPU budget over the vCPUs of one node (the autoscaler group's instance types are all
 * of the shape's first size), at least one.
 */
export function maxNodes(shape: InstanceShape, maxVcpuPerPool: number): number {
    return Math.max(1, Math.floor(maxVcpuPerPool / INSTANCE_SIZE_VCPUS[shape.sizes[0]]));
}

export interface SparkNodeGroupOptions {
    readonly clusterName: pulumi.Input<string>;
    readonly pool: SparkPool;
    readonly shape: InstanceShape;
    readonly maxVcpuPerPool: number;
    /** The private subnet of the pool's zone, and only that one. */
    readonly subnetId: pulumi.Input<string>;
    readonly nodeRoleArn: pulumi.Input<string>;
    readonly launchTemplate: aws.ec2.LaunchTemplate;
}

export function createSparkNodeGroup(
    name: string,
    o: SparkNodeGroupOptions,
    parent: pulumi.Resource,
): aws.eks.NodeGroup {
    const templateTags = nodeTemplateTags(o.pool);
    const nodeGroup = new aws.eks.NodeGroup(
        `${name}-${o.pool.name}`,
        {
            clusterName: o.clusterName,
            nodeGroupName: pulumi
                .output(o.clusterName)
                .apply((clusterName) => nodeGroupName(clusterName, `${o.pool.role}-${o.pool.zone}`)),
            nodeRoleArn: o.nodeRoleArn,
            subnetIds: [o.subnetId],
            amiType: "AL2023_x86_64_STANDARD",
            capacityType: o.pool.capacityType === "spot" ? "SPOT" : "ON_DEMAND",
            // One size only: the autoscaler models a group by its first instance type, so all must be equal in size.
            instanceTypes: instanceTypes(o.shape, [o.shape.sizes[0]]),
            scalingConfig: { minSize: 0, maxSize: maxNodes(o.shape, o.maxVcpuPerPool), desiredSize: 0 },
            updateConfig: { maxUnavailable: 1 },
            labels: { ...o.pool.nodeLabels },
            taints: o.pool.taints.map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECT[t.effect] })),
            launchTemplate: { id: o.launchTemplate.id, version: o.launchTemplate.latestVersion.apply(String) },
            tags: templateTags,
        },
        { parent, ignoreChanges: IGNORE_SCALING_DRIFT },
    );
    const asgName = nodeGroup.resources.apply((resources) => resources[0].autoscalingGroups[0].name);
    for (const [key, value] of Object.entries(templateTags)) {
        new aws.autoscaling.Tag(
            `${name}-${o.pool.name}-${tagSlug(key)}`,
            {
                autoscalingGroupName: asgName,
                tag: { key, value, propagateAtLaunch: false },
            },
            { parent },
        );
    }
    return nodeGroup;
}

/** `k8s.io/cluster-autoscaler/node-template/label/spark-platform/role` → `label-spark-platform-role`. */
function tagSlug(key: string): string {
    return key
        .slice(NODE_TEMPLATE.length + 1)
        .replace(/[^A-Za-z0-9]+/g, "-")
        .toLowerCase();
}

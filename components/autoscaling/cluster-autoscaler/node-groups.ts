/**
 * Spark node groups for the Cluster Autoscaler path: per Spark zone, role and architecture one EKS managed node
 * group in the single private subnet of its zone, scaling from zero. A managed node group runs one AMI type, so a
 * pool of two architectures is two groups (the autoscaler's priority expander prefers the first, values.ts).
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
import {
    AL2023_AMI_TYPE,
    ARCH_LABEL,
    type Architecture,
    DEFAULT_ARCHITECTURES,
    INSTANCE_SIZE_VCPUS,
    InstanceShape,
    SparkPool,
    ZONE_LABEL,
    instanceFamilyArchitecture,
    nodeGroupName,
} from "../../vocabulary";
import { instanceTypes } from "../autoscaler-args";

const NODE_TEMPLATE = "k8s.io/cluster-autoscaler/node-template";

/**
 * Tags that describe the future nodes of a pool's group of `architecture` to the autoscaler: labels (zone
 * included) and taints. The autoscaler reads a template node's architecture off its instance type, and older
 * releases assumed amd64; the arch label says it outright for arm64 groups (amd64 groups, the default, keep the
 * tags they always had).
 */
export function nodeTemplateTags(pool: SparkPool, architecture: Architecture = "amd64"): Record<string, string> {
    const labels = {
        ...pool.nodeLabels,
        [ZONE_LABEL]: pool.zone,
        ...(architecture === "amd64" ? {} : { [ARCH_LABEL]: architecture }),
    };
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

/**
 * What distinguishes a pool's group of `architecture` in names: nothing for amd64 (the names groups had before
 * pools had architectures, so existing stacks keep them), `-arm64` otherwise.
 */
export function architectureSuffix(architecture: Architecture): string {
    return architecture === DEFAULT_ARCHITECTURES[0] ? "" : `-${architecture}`;
}

/** The node group name of a pool's group of `architecture`: `<cluster>-<role>-<zone>[-arm64]`. */
export function sparkNodeGroupName(clusterName: string, pool: SparkPool, architecture: Architecture): string {
    return nodeGroupName(clusterName, `${pool.role}-${pool.zone}${architectureSuffix(architecture)}`);
}

/** The shape's families that run `architecture`. */
export function familiesOf(shape: InstanceShape, architecture: Architecture): InstanceShape {
    return { ...shape, families: shape.families.filter((f) => instanceFamilyArchitecture(f) === architecture) };
}

export interface SparkNodeGroupOptions {
    readonly clusterName: pulumi.Input<string>;
    readonly pool: SparkPool;
    /** The one architecture of this group: its AMI type, and the families of `shape` it uses. */
    readonly architecture: Architecture;
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
    const templateTags = nodeTemplateTags(o.pool, o.architecture);
    const shape = familiesOf(o.shape, o.architecture);
    const resourceName = `${name}-${o.pool.name}${architectureSuffix(o.architecture)}`;
    const nodeGroup = new aws.eks.NodeGroup(
        resourceName,
        {
            clusterName: o.clusterName,
            nodeGroupName: pulumi
                .output(o.clusterName)
                .apply((clusterName) => sparkNodeGroupName(clusterName, o.pool, o.architecture)),
            nodeRoleArn: o.nodeRoleArn,
            subnetIds: [o.subnetId],
            amiType: AL2023_AMI_TYPE[o.architecture],
            capacityType: o.pool.capacityType === "spot" ? "SPOT" : "ON_DEMAND",
            // One size only: the autoscaler models a group by its first instance type, so all must be equal in size.
            instanceTypes: instanceTypes(shape, [shape.sizes[0]]),
            // Each group of a two-architecture pool may take the whole budget: the fallback group grows only
            // while the preferred one cannot.
            scalingConfig: { minSize: 0, maxSize: maxNodes(shape, o.maxVcpuPerPool), desiredSize: 0 },
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
            `${resourceName}-${tagSlug(key)}`,
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

/**
 * The system node group: the only pool that spans every zone. CoreDNS, the autoscaler, the EBS CSI controller
 * and the platform's controllers (Spark Operator, Kubecost) run here; Spark pods never do (Spark pools are
 * tainted and pinned to one zone each).
 *
 * A raw `aws.eks.NodeGroup` rather than `eks.ManagedNodeGroup`: it is a plain custom resource, so tests and the
 * policy pack see it even in the offline plan, and `ignoreChanges` on it works (it does nothing on a remote
 * component, pulumi/pulumi-eks#709).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NodeRole } from "../iam";
import { AL2023_AMI_TYPE, type Architecture, type Partition } from "../vocabulary";
import { nodeLaunchTemplateArgs } from "./launch-template";

/** An autoscaler (or an operator) moves the desired size; a preview must not report that as drift. */
export const IGNORE_SCALING_DRIFT = ["scalingConfig.desiredSize"];

export interface SystemNodeGroupOptions {
    readonly clusterName: pulumi.Input<string>;
    /** Physical node group name, `<cluster>-system`; the policy pack exempts it from the single-zone rule by name. */
    readonly nodeGroupName: string;
    readonly partition: Partition;
    /** Private subnets of every zone. */
    readonly subnetIds: pulumi.Input<string>[];
    readonly instanceTypes: readonly string[];
    /** Architecture of every instance type: the node group's AMI type follows it. */
    readonly architecture: Architecture;
    readonly minSize: number;
    readonly maxSize: number;
    readonly labels: Readonly<Record<string, string>>;
    readonly rootVolumeGiB: number;
    readonly instanceTags: Readonly<Record<string, string>>;
    /** Networking add-ons: without a CNI the nodes never become Ready and the node group fails to create. */
    readonly after: pulumi.Resource[];
}

export function createSystemNodeGroup(
    name: string,
    o: SystemNodeGroupOptions,
    parent: pulumi.Resource,
): aws.eks.NodeGroup {
    const role = new NodeRole(
        `${name}-system-node`,
        {
            partition: o.partition,
            description: `${o.nodeGroupName}: nodes of the system node group`,
        },
        { parent },
    );
    const launchTemplate = new aws.ec2.LaunchTemplate(
        `${name}-system`,
        nodeLaunchTemplateArgs({
            description: `${o.nodeGroupName}: IMDSv2 (hop limit 1), encrypted gp3 root volume`,
            rootVolumeGiB: o.rootVolumeGiB,
            instanceTags: { ...o.instanceTags, Name: o.nodeGroupName },
        }),
        { parent },
    );
    return new aws.eks.NodeGroup(
        `${name}-system`,
        {
            clusterName: o.clusterName,
            nodeGroupName: o.nodeGroupName,
            nodeRoleArn: role.arn,
            subnetIds: o.subnetIds,
            amiType: AL2023_AMI_TYPE[o.architecture],
            capacityType: "ON_DEMAND",
            instanceTypes: [...o.instanceTypes],
            scalingConfig: { minSize: o.minSize, maxSize: o.maxSize, desiredSize: o.minSize },
            updateConfig: { maxUnavailable: 1 },
            labels: { ...o.labels },
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        },
        { parent, dependsOn: o.after, ignoreChanges: IGNORE_SCALING_DRIFT },
    );
}

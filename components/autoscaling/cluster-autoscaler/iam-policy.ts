/**
 * The Cluster Autoscaler's permissions as a pure function: read anything it needs to discover groups and model
 * instance types, but change the size of (or terminate instances in) only the Auto Scaling groups tagged as owned
 * by this cluster. EKS tags the groups behind its managed node groups that way.
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md#iam-policy
 * https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html (node group resource tags)
 */

export interface ClusterAutoscalerPolicyContext {
    readonly partition: string;
    readonly accountId: string;
    readonly region: string;
    readonly clusterName: string;
}

/** Tag key EKS puts on the Auto Scaling group of every managed node group of the cluster, with value `owned`. */
export function ownershipTagKey(clusterName: string): string {
    return `k8s.io/cluster-autoscaler/${clusterName}`;
}

export function clusterAutoscalerPolicy(ctx: ClusterAutoscalerPolicyContext) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DiscoverGroupsAndInstanceTypes",
                Effect: "Allow",
                Action: [
                    "autoscaling:DescribeAutoScalingGroups",
                    "autoscaling:DescribeAutoScalingInstances",
                    "autoscaling:DescribeLaunchConfigurations",
                    "autoscaling:DescribeScalingActivities",
                    "autoscaling:DescribeTags",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplateVersions",
                    "ec2:GetInstanceTypesFromInstanceRequirements",
                ],
                Resource: "*",
                Condition: { StringEquals: { "aws:RequestedRegion": ctx.region } },
            },
            {
                // Labels and taints of a managed node group, for scale-from-zero.
                Sid: "DescribeOwnNodeGroups",
                Effect: "Allow",
                Action: "eks:DescribeNodegroup",
                Resource: `arn:${ctx.partition}:eks:${ctx.region}:${ctx.accountId}:nodegroup/${ctx.clusterName}/*/*`,
            },
            {
                Sid: "ScaleOwnGroupsOnly",
                Effect: "Allow",
                Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                Resource: `arn:${ctx.partition}:autoscaling:${ctx.region}:${ctx.accountId}:autoScalingGroup:*:autoScalingGroupName/*`,
                Condition: { StringEquals: { [`aws:ResourceTag/${ownershipTagKey(ctx.clusterName)}`]: "owned" } },
            },
        ],
    };
}

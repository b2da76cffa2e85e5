/**
 * IAM documents of the Karpenter path as pure functions of partition, account, region and cluster.
 *
 * The controller permissions follow Karpenter's reference CloudFormation for v1.14 (getting-started
 * `cloudformation.yaml`, policies KarpenterController{NodeLifecycle,IAMIntegration,EKSIntegration,Interruption,
 * ResourceDiscovery}Policy): every mutating action is scoped to resources tagged for this cluster. Upstream's
 * ZonalShift policy is left out: charts/karpenter/values.yaml turns on no zonal-shift handling, so the permission
 * would sit granted and unused. Grant it again together with the chart setting that uses it.
 * https://karpenter.sh/docs/reference/cloudformation/
 */

export interface KarpenterPolicyContext {
    readonly partition: string;
    readonly accountId: string;
    readonly region: string;
    readonly clusterName: string;
    /** Role the nodes run as; the only role the controller may pass to EC2. */
    readonly nodeRoleArn: string;
    readonly interruptionQueueArn: string;
}

type Statement = Record<string, unknown>;
const document = (statements: Statement[]) => ({ Version: "2012-10-17", Statement: statements });

/** Controller policies, keyed by the name of the inline policy that holds each. */
export function karpenterControllerPolicies(ctx: KarpenterPolicyContext): Record<string, ReturnType<typeof document>> {
    return {
        "node-lifecycle": document(nodeLifecycleStatements(ctx)),
        "iam-integration": document(iamIntegrationStatements(ctx)),
        "eks-integration": document([
            {
                Sid: "AllowAPIServerEndpointDiscovery",
                Effect: "Allow",
                Resource: clusterArn(ctx),
                Action: "eks:DescribeCluster",
            },
        ]),
        interruption: document([
            {
                Sid: "AllowInterruptionQueueActions",
                Effect: "Allow",
                Resource: ctx.interruptionQueueArn,
                Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            },
        ]),
        "resource-discovery": document(resourceDiscoveryStatements(ctx)),
    };
}

function clusterArn(ctx: KarpenterPolicyContext): string {
    return `arn:${ctx.partition}:eks:${ctx.region}:${ctx.accountId}:cluster/${ctx.clusterName}`;
}

function ec2Arns(ctx: KarpenterPolicyContext, types: string[]): string[] {
    return types.map((t) => `arn:${ctx.partition}:ec2:${ctx.region}:*:${t}/*`);
}

function nodeLifecycleStatements(ctx: KarpenterPolicyContext): Statement[] {
    const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${ctx.clusterName}`]: "owned" };
    const requestOwned = {
        [`aws:RequestTag/kubernetes.io/cluster/${ctx.clusterName}`]: "owned",
        "aws:RequestTag/eks:eks-cluster-name": ctx.clusterName,
    };
    const launched = ["fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request"];
    return [
        {
            Sid: "AllowScopedEC2InstanceAccessActions",
            Effect: "Allow",
            Resource: [
                `arn:${ctx.partition}:ec2:${ctx.region}::image/*`,
                `arn:${ctx.partition}:ec2:${ctx.region}::snapshot/*`,
                ...ec2Arns(ctx, ["security-group", "subnet", "capacity-reservation", "placement-group"]),
            ],
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        },
        {
            Sid: "AllowScopedEC2LaunchTemplateAccessActions",
            Effect: "Allow",
            Resource: ec2Arns(ctx, ["launch-template"])[0],
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
        },
        {
            Sid: "AllowScopedEC2InstanceActionsWithTags",
            Effect: "Allow",
            Resource: ec2Arns(ctx, launched),
            Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            Condition: { StringEquals: requestOwned, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
        },
        {
            Sid: "AllowScopedResourceCreationTagging",
            Effect: "Allow",
            Resource: ec2Arns(ctx, launched),
            Action: "ec2:CreateTags",
            Condition: {
                StringEquals: {
                    ...requestOwned,
                    "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedResourceTagging",
            Effect: "Allow",
            Resource: ec2Arns(ctx, ["instance"])[0],
            Action: "ec2:CreateTags",
            Condition: {
                StringEquals: owned,
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": ctx.clusterName },
                "ForAllValues:StringEquals": {
                    "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
                },
            },
        },
        {
            Sid: "AllowScopedDeletion",
            Effect: "Allow",
            Resource: ec2Arns(ctx, ["instance", "launch-template"]),
            Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
        },
    ];
}

function iamIntegrationStatements(ctx: KarpenterPolicyContext): Statement[] {
    const profiles = `arn:${ctx.partition}:iam::${ctx.accountId}:instance-profile/*`;
    const owned = {
        [`aws:ResourceTag/kubernetes.io/cluster/${ctx.clusterName}`]: "owned",
        "aws:ResourceTag/topology.kubernetes.io/region": ctx.region,
    };
    const requestOwned = {
        [`aws:RequestTag/kubernetes.io/cluster/${ctx.clusterName}`]: "owned",
        "aws:RequestTag/eks:eks-cluster-name": ctx.clusterName,
        "aws:RequestTag/topology.kubernetes.io/region": ctx.region,
    };
    return [
        {
            Sid: "AllowPassingInstanceRole",
            Effect: "Allow",
            Resource: ctx.nodeRoleArn,
            Action: "iam:PassRole",
            // Both spellings, as upstream: the EC2 service principal differs in the China partition.
            Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
        },
        {
            Sid: "AllowScopedInstanceProfileCreationActions",
            Effect: "Allow",
            Resource: profiles,
            Action: ["iam:CreateInstanceProfile"],
            Condition: {
                StringEquals: requestOwned,
                StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileTagActions",
            Effect: "Allow",
            Resource: profiles,
            Action: ["iam:TagInstanceProfile"],
            Condition: {
                StringEquals: { ...owned, ...requestOwned },
                StringLike: {
                    "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileActions",
            Effect: "Allow",
            Resource: profiles,
            Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" } },
        },
    ];
}

function resourceDiscoveryStatements(ctx: KarpenterPolicyContext): Statement[] {
    return [
        {
            Sid: "AllowRegionalReadActions",
            Effect: "Allow",
            Resource: "*",
            Action: [
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceStatus",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribePlacementGroups",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
            Condition: { StringEquals: { "aws:RequestedRegion": ctx.region } },
        },
        {
            Sid: "AllowSSMReadActions",
            Effect: "Allow",
            Resource: `arn:${ctx.partition}:ssm:${ctx.region}::parameter/aws/service/*`,
            Action: "ssm:GetParameter",
        },
        { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
        {
            Sid: "AllowUnscopedInstanceProfileListAction",
            Effect: "Allow",
            Resource: "*",
            Action: "iam:ListInstanceProfiles",
        },
        {
            Sid: "AllowInstanceProfileReadActions",
            Effect: "Allow",
            Resource: `arn:${ctx.partition}:iam::${ctx.accountId}:instance-profile/*`,
            Action: "iam:GetInstanceProfile",
        },
    ];
}

/**
 * Queue policy: EventBridge (and SQS itself) may send; nothing may talk to the queue without TLS.
 */
export function interruptionQueuePolicy(queueArn: string) {
    return {
        Version: "2012-10-17",
        Id: "EC2InterruptionPolicy",
        Statement: [
            {
                Sid: "AllowEventBridge",
                Effect: "Allow",
                Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
                Action: "sqs:SendMessage",
                Resource: queueArn,
            },
            {
                Sid: "DenyHTTP",
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: queueArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

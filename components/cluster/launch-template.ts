/**
 * Launch-template settings every managed node group of the platform shares, as pure functions.
 *
 * IMDSv2 with a hop limit of 1: the instance metadata endpoint answers the node itself but not pods behind the
 * extra network hop of the pod namespace, so a pod cannot borrow the node role's credentials.
 * https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_restrict_access_to_the_instance_profile_assigned_to_the_worker_node
 */
import type * as aws from "@pulumi/aws";

export interface NodeLaunchTemplateOptions {
    /** What the template is for, shown in the EC2 console. */
    description: string;
    /** Root volume size in GiB. */
    rootVolumeGiB: number;
    /** Tags for the instances and volumes started from the template (provider default tags do not reach them). */
    instanceTags: Readonly<Record<string, string>>;
    /** Base64 user data merged by EKS with its own bootstrap (MIME multipart), if any. */
    userData?: string;
}

/** Root device of the EKS-optimized AL2023 AMI. */
export const AL2023_ROOT_DEVICE = "/dev/xvda";

export function nodeLaunchTemplateArgs(o: NodeLaunchTemplateOptions): aws.ec2.LaunchTemplateArgs {
    const tags = { ...o.instanceTags };
    return {
        description: o.description,
        // No instance type, AMI, instance profile or security groups here: the managed node group sets them, and
        // without security groups EKS attaches the cluster security group the control plane trusts.
        metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
            instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
            {
                deviceName: AL2023_ROOT_DEVICE,
                ebs: { volumeSize: o.rootVolumeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            },
        ],
        tagSpecifications: [
            { resourceType: "instance", tags },
            { resourceType: "volume", tags },
        ],
        ...(o.userData ? { userData: o.userData } : {}),
        updateDefaultVersion: true,
    };
}

/**
 * AL2023 user data (a nodeadm NodeConfig in a MIME part, which EKS merges with its own) that stripes every local
 * NVMe instance-store disk into one RAID0 array and moves kubelet, containerd and pod logs onto it, so emptyDir
 * volumes (Spark shuffle and spill) live on NVMe. Karpenter's `instanceStorePolicy: RAID0` does the same.
 * Instances without instance store boot unchanged.
 * https://github.com/awslabs/amazon-eks-ami/blob/main/nodeadm/api/v1alpha1/nodeconfig_types.go (LocalStorageOptions)
 */
export function nvmeRaid0UserData(): string {
    const boundary = "SPARK-PLATFORM-NODECONFIG";
    const text = [
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        "",
        `--${boundary}`,
        "Content-Type: application/node.eks.aws",
        "",
        "---",
        "apiVersion: node.eks.aws/v1alpha1",
        "kind: NodeConfig",
        "spec:",
        "  instance:",
        "    localStorage:",
        "      strategy: RAID0",
        "",
        `--${boundary}--`,
        "",
    ].join("\n");
    return Buffer.from(text, "utf8").toString("base64");
}

/**
 * Karpenter's EC2NodeClass and NodePools as pure manifests (karpenter.sh/v1, karpenter.k8s.aws/v1), built from
 * the pool contract so tests validate them against the upstream schemas.
 * https://karpenter.sh/docs/concepts/nodepools/ and https://karpenter.sh/docs/concepts/nodeclasses/
 */
import { ARCH_LABEL, type InstanceShape, SparkPool, SparkRole, ZONE_LABEL } from "../../vocabulary";

export interface NodeClassOptions {
    /** Name of the EC2NodeClass every Spark NodePool references. */
    readonly name: string;
    readonly clusterName: string;
    /** IAM role Karpenter puts in the instance profile of the nodes it launches. */
    readonly nodeRoleName: string;
    /** EKS AL2023 AMI release, e.g. v20260903. */
    readonly amiVersion: string;
    readonly rootVolumeGiB: number;
    readonly tags: Readonly<Record<string, string>>;
}

/** Tag the VPC's private subnets and the cluster security group carry so Karpenter can discover them. */
export const DISCOVERY_TAG = "karpenter.sh/discovery";

export function ec2NodeClassManifest(o: NodeClassOptions) {
    const discovery = [{ tags: { [DISCOVERY_TAG]: o.clusterName } }];
    return {
        apiVersion: "karpenter.k8s.aws/v1" as const,
        kind: "EC2NodeClass" as const,
        metadata: { name: o.name },
        spec: {
            role: o.nodeRoleName,
            // A dated alias, never al2023@latest: a new AMI release would otherwise show up as drift in every
            // preview and roll every node. Bump karpenterAmiVersion in dev first.
            amiSelectorTerms: [{ alias: `al2023@${o.amiVersion}` }],
            subnetSelectorTerms: discovery,
            securityGroupSelectorTerms: discovery,
            // IMDSv2 only, hop limit 1: pods cannot reach the node role's credentials.
            metadataOptions: {
                httpEndpoint: "enabled" as const,
                httpTokens: "required" as const,
                httpPutResponseHopLimit: 1,
            },
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    rootVolume: true,
                    ebs: {
                        volumeSize: `${o.rootVolumeGiB}Gi`,
                        volumeType: "gp3" as const,
                        encrypted: true,
                        deleteOnTermination: true,
                    },
                },
            ],
            // Local NVMe disks become one RAID0 array holding kubelet and containerd state, so emptyDir (Spark
            // shuffle and spill) lives on NVMe instead of the root volume.
            instanceStorePolicy: "RAID0" as const,
            tags: { ...o.tags },
        },
    };
}

export interface NodePoolOptions {
    readonly nodeClassName: string;
    readonly shape: InstanceShape;
    readonly maxVcpu: number;
    readonly maxMemoryGiB: number;
    /** Replaces the role's `consolidateAfter` (the executor delay comes from the stack settings). */
    readonly consolidateAfter?: string;
}

interface RolePolicy {
    readonly disruption: {
        consolidationPolicy: "WhenEmpty" | "WhenEmptyOrUnderutilized";
        consolidateAfter: string;
        budgets: { nodes: string; reasons?: ("Empty" | "Drifted" | "Underutilized")[] }[];
    };
    readonly expireAfter: string;
    readonly terminationGracePeriod?: string;
}

/**
 * Drivers: a node goes only once it is empty, and never for drift (a driver node rolls to a new AMI when its
 * drivers finish); `terminationGracePeriod` bounds how long expiry waits for a running driver. Executors: spot,
 * consolidated when empty or underutilized, after a pause longer than Spark's dynamic-allocation idle timeout so
 * an executor that is about to be reused keeps its node.
 */
export const ROLE_POLICIES: Readonly<Record<SparkRole, RolePolicy>> = {
    driver: {
        disruption: {
            consolidationPolicy: "WhenEmpty",
            consolidateAfter: "5m",
            budgets: [{ nodes: "10%" }, { nodes: "0", reasons: ["Drifted"] }],
        },
        expireAfter: "720h",
        terminationGracePeriod: "24h",
    },
    executor: {
        disruption: {
            consolidationPolicy: "WhenEmptyOrUnderutilized",
            consolidateAfter: "2m",
            budgets: [{ nodes: "10%" }],
        },
        expireAfter: "168h",
    },
};

export function nodePoolManifest(pool: SparkPool, o: NodePoolOptions) {
    const policy = ROLE_POLICIES[pool.role];
    return {
        apiVersion: "karpenter.sh/v1" as const,
        kind: "NodePool" as const,
        metadata: { name: pool.name },
        spec: {
            template: {
                metadata: { labels: { ...pool.nodeLabels } },
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: o.nodeClassName },
                    requirements: [
                        // The single-zone pin: the whole point of a Spark pool.
                        { key: ZONE_LABEL, operator: "In" as const, values: [pool.zone] },
                        { key: "karpenter.sh/capacity-type", operator: "In" as const, values: [pool.capacityType] },
                        // Both architectures when the pool falls back: one NodePool keeps one vCPU limit and one
                        // disruption budget for the pool, and the pods' preferred arch affinity orders them.
                        { key: ARCH_LABEL, operator: "In" as const, values: [...pool.architectures] },
                        { key: "kubernetes.io/os", operator: "In" as const, values: ["linux"] },
                        {
                            key: "karpenter.k8s.aws/instance-family",
                            operator: "In" as const,
                            values: [...o.shape.families],
                        },
                        { key: "karpenter.k8s.aws/instance-size", operator: "In" as const, values: [...o.shape.sizes] },
                    ],
                    taints: pool.taints.map((t) => ({ ...t })),
                    expireAfter: policy.expireAfter,
                    ...(policy.terminationGracePeriod ? { terminationGracePeriod: policy.terminationGracePeriod } : {}),
                },
            },
            disruption: {
                ...policy.disruption,
                consolidateAfter: o.consolidateAfter ?? policy.disruption.consolidateAfter,
            },
            limits: { cpu: String(o.maxVcpu), memory: `${o.maxMemoryGiB}Gi` },
        },
    };
}

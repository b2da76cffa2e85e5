/**
 * CPU architectures of the platform's nodes, in Kubernetes' spelling (the `kubernetes.io/arch` label and the OCI
 * image platform), and the names EC2, EKS and the AMI parameters give them.
 *
 * A pool lists the architectures it may launch in order of preference: `[amd64]`, `[arm64]`, or `[arm64, amd64]`
 * (Graviton first, x86 when Graviton capacity cannot be had).
 */

export const ARCHITECTURES = ["amd64", "arm64"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Well-known label the kubelet sets on every node (and Karpenter and Cluster Autoscaler's templates model). */
export const ARCH_LABEL = "kubernetes.io/arch";

/** What a pool setting may hold, each in preference order. */
export const ARCHITECTURE_CHOICES: readonly (readonly Architecture[])[] = [["amd64"], ["arm64"], ["arm64", "amd64"]];

/** The default of every pool: what the platform ran before architectures were a setting. */
export const DEFAULT_ARCHITECTURES: readonly Architecture[] = ["amd64"];

/** EC2's name (DescribeInstanceTypes `ProcessorInfo.SupportedArchitectures`, the EKS AMI parameter paths). */
export const EC2_ARCHITECTURE: Readonly<Record<Architecture, "x86_64" | "arm64">> = {
    amd64: "x86_64",
    arm64: "arm64",
};

/**
 * The EKS managed node group AMI type of the standard AL2023 EKS AMI per architecture (EKS API `AMITypes`:
 * AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD). A node group runs one AMI type, so one architecture.
 */
export const AL2023_AMI_TYPE: Readonly<Record<Architecture, "AL2023_x86_64_STANDARD" | "AL2023_ARM_64_STANDARD">> = {
    amd64: "AL2023_x86_64_STANDARD",
    arm64: "AL2023_ARM_64_STANDARD",
};

/** `["arm64", "amd64"]` → "[arm64, amd64]", as settings and messages write a choice. */
export function formatArchitectures(architectures: readonly Architecture[]): string {
    return `[${architectures.join(", ")}]`;
}

/** The choice `list` is, or undefined when it is none of ARCHITECTURE_CHOICES (order matters: preference). */
export function architectureChoice(list: readonly string[]): readonly Architecture[] | undefined {
    return ARCHITECTURE_CHOICES.find((c) => c.length === list.length && c.every((a, i) => a === list[i]));
}

/**
 * The architectures a pinned image's tag is published for (the platforms of its manifest list), and where that was
 * read. A node of an architecture its image lacks cannot run the pod, so settings refuse the combination; preflight
 * asks the registry for each architecture in use.
 */
export interface ImageArchitectures {
    readonly architectures: readonly Architecture[];
    /** Where the architectures were read; starts with "unverified" when only the project's docs say so. */
    readonly source: string;
}

import type { Architecture } from "./architectures";
import { closestName } from "./closest-name";

/**
 * vCPUs of each instance size. Within the families the Spark pools use (general purpose, memory and compute
 * optimized, x86 and Graviton), a size names the same vCPU count in every family, so node-count limits can be derived from
 * the vCPU budget without an instance-type lookup. Metal sizes vary by family and are left out.
 */
export const INSTANCE_SIZE_VCPUS = {
    large: 2,
    xlarge: 4,
    "2xlarge": 8,
    "4xlarge": 16,
    "8xlarge": 32,
    "12xlarge": 48,
    "16xlarge": 64,
    "24xlarge": 96,
    "32xlarge": 128,
    "48xlarge": 192,
} as const;
export type InstanceSize = keyof typeof INSTANCE_SIZE_VCPUS;

/** Instance families crossed with sizes: families [r6id, r5d] and sizes [4xlarge] give r6id.4xlarge, r5d.4xlarge. */
export interface InstanceShape {
    readonly families: readonly string[];
    /** The first size is the one Cluster Autoscaler node groups use (their instance types must be equal in size). */
    readonly sizes: readonly InstanceSize[];
}

const TO_24XL: readonly InstanceSize[] = [
    "large",
    "xlarge",
    "2xlarge",
    "4xlarge",
    "8xlarge",
    "12xlarge",
    "16xlarge",
    "24xlarge",
];
const TO_32XL: readonly InstanceSize[] = [...TO_24XL, "32xlarge"];
const TO_48XL: readonly InstanceSize[] = [...TO_32XL, "48xlarge"];
/** The 7th-generation Intel families skip 32xlarge. */
const INTEL_GEN7: readonly InstanceSize[] = [...TO_24XL, "48xlarge"];

/** The 6th and 7th generation Graviton families (Graviton2, Graviton3) stop at 16xlarge. */
const GRAVITON_TO_16XL: readonly InstanceSize[] = TO_24XL.filter((s) => s !== "24xlarge");
/** Graviton4 families (8th generation) add 24xlarge and 48xlarge. */
const GRAVITON4: readonly InstanceSize[] = [...TO_24XL, "48xlarge"];

/** An instance family: the architecture of its processors and the sizes of INSTANCE_SIZE_VCPUS it comes in. */
export interface InstanceFamily {
    readonly architecture: Architecture;
    readonly sizes: readonly InstanceSize[];
}

const x86 = (sizes: readonly InstanceSize[]): InstanceFamily => ({ architecture: "amd64", sizes });
const graviton = (sizes: readonly InstanceSize[]): InstanceFamily => ({ architecture: "arm64", sizes });

/**
 * The instance families the program knows, x86_64 (Intel, AMD) and arm64 (AWS Graviton), with the sizes each comes
 * in (Amazon EC2 Instance Types guide: general purpose, compute, memory and storage optimized, burstable). An
 * instance type outside this table is refused offline as one that may not exist, and a family is refused for a
 * pool whose architectures it does not run; a family released since is added here (and preflight asks EC2 with
 * DescribeInstanceTypes whatever the table says, architecture included).
 */
export const INSTANCE_FAMILIES: Readonly<Record<string, InstanceFamily>> = {
    m5: x86(TO_24XL),
    m5a: x86(TO_24XL),
    m5ad: x86(TO_24XL),
    m5d: x86(TO_24XL),
    m5dn: x86(TO_24XL),
    m5n: x86(TO_24XL),
    m6a: x86(TO_48XL),
    m6i: x86(TO_32XL),
    m6id: x86(TO_32XL),
    m6idn: x86(TO_32XL),
    m6in: x86(TO_32XL),
    m7a: x86(TO_48XL),
    m7i: x86(INTEL_GEN7),
    c5: x86(["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"]),
    c5a: x86(TO_24XL),
    c5ad: x86(TO_24XL),
    c5d: x86(["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"]),
    c5n: x86(["large", "xlarge", "2xlarge", "4xlarge"]),
    c6a: x86(TO_48XL),
    c6i: x86(TO_32XL),
    c6id: x86(TO_32XL),
    c6in: x86(TO_32XL),
    c7a: x86(TO_48XL),
    c7i: x86(INTEL_GEN7),
    r5: x86(TO_24XL),
    r5a: x86(TO_24XL),
    r5ad: x86(TO_24XL),
    r5b: x86(TO_24XL),
    r5d: x86(TO_24XL),
    r5dn: x86(TO_24XL),
    r5n: x86(TO_24XL),
    r6a: x86(TO_48XL),
    r6i: x86(TO_32XL),
    r6id: x86(TO_32XL),
    r6idn: x86(TO_32XL),
    r6in: x86(TO_32XL),
    r7a: x86(TO_48XL),
    r7i: x86(INTEL_GEN7),
    r7iz: x86(["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "32xlarge"]),
    x2idn: x86(["16xlarge", "24xlarge", "32xlarge"]),
    x2iedn: x86(["xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "24xlarge", "32xlarge"]),
    z1d: x86(["large", "xlarge", "2xlarge", "12xlarge"]),
    i3: x86(["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"]),
    i3en: x86(["large", "xlarge", "2xlarge", "12xlarge", "24xlarge"]),
    i4i: x86(TO_32XL),
    t3: x86(["large", "xlarge", "2xlarge"]),
    t3a: x86(["large", "xlarge", "2xlarge"]),
    m6g: graviton(GRAVITON_TO_16XL),
    m6gd: graviton(GRAVITON_TO_16XL),
    m7g: graviton(GRAVITON_TO_16XL),
    m7gd: graviton(GRAVITON_TO_16XL),
    m8g: graviton(GRAVITON4),
    m8gd: graviton(GRAVITON4),
    c6g: graviton(GRAVITON_TO_16XL),
    c6gd: graviton(GRAVITON_TO_16XL),
    c6gn: graviton(GRAVITON_TO_16XL),
    c7g: graviton(GRAVITON_TO_16XL),
    c7gd: graviton(GRAVITON_TO_16XL),
    c7gn: graviton(GRAVITON_TO_16XL),
    c8g: graviton(GRAVITON4),
    c8gd: graviton(GRAVITON4),
    r6g: graviton(GRAVITON_TO_16XL),
    r6gd: graviton(GRAVITON_TO_16XL),
    r7g: graviton(GRAVITON_TO_16XL),
    r7gd: graviton(GRAVITON_TO_16XL),
    r8g: graviton(GRAVITON4),
    r8gd: graviton(GRAVITON4),
    x2gd: graviton(GRAVITON_TO_16XL),
    x8g: graviton(GRAVITON4),
    i4g: graviton(["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"]),
    im4gn: graviton(["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"]),
    t4g: graviton(["large", "xlarge", "2xlarge"]),
};

/**
 * What is wrong with an instance type (`family.size`) the table does not know, or undefined when it knows it:
 * "<why>; <what exists>" for a config error.
 */
export function unknownInstanceType(instanceType: string): string | undefined {
    const [family, size] = instanceType.split(".");
    const familyProblem = unknownInstanceFamily(family);
    if (familyProblem !== undefined) return familyProblem;
    const sizes = INSTANCE_FAMILIES[family].sizes;
    return (sizes as readonly string[]).includes(size)
        ? undefined
        : `${family} has no size ${size}; it comes in ${sizes.join(", ")}`;
}

/** What is wrong with an instance family the table does not know, or undefined when it knows it. */
export function unknownInstanceFamily(family: string): string | undefined {
    if (Object.hasOwn(INSTANCE_FAMILIES, family)) return undefined;
    const near = closestName(family, Object.keys(INSTANCE_FAMILIES));
    return (
        `${family} is not an instance family this program knows` +
        (near ? `; did you mean ${near}?` : "; the known ones are listed in components/vocabulary/instance-shapes.ts")
    );
}

/** Architecture of a family the table knows, or undefined for one it does not. */
export function instanceFamilyArchitecture(family: string): Architecture | undefined {
    return Object.hasOwn(INSTANCE_FAMILIES, family) ? INSTANCE_FAMILIES[family].architecture : undefined;
}

import { closestName } from "./closest-name";

/**
 * vCPUs of each instance size. Within the families the Spark pools use (general purpose, memory and compute
 * optimized, x86), a size names the same vCPU count in every family, so node-count limits can be derived from
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

/**
 * The x86_64 instance families the program knows, with the sizes of INSTANCE_SIZE_VCPUS each comes in (Amazon EC2
 * Instance Types guide: general purpose, compute, memory and storage optimized, burstable). An instance type outside
 * this table is refused offline as one that may not exist; a family released since is added here (and preflight
 * asks EC2 with DescribeInstanceTypes whatever the table says).
 */
export const INSTANCE_FAMILY_SIZES: Readonly<Record<string, readonly InstanceSize[]>> = {
    m5: TO_24XL,
    m5a: TO_24XL,
    m5ad: TO_24XL,
    m5d: TO_24XL,
    m5dn: TO_24XL,
    m5n: TO_24XL,
    m6a: TO_48XL,
    m6i: TO_32XL,
    m6id: TO_32XL,
    m6idn: TO_32XL,
    m6in: TO_32XL,
    m7a: TO_48XL,
    m7i: INTEL_GEN7,
    c5: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
    c5a: TO_24XL,
    c5ad: TO_24XL,
    c5d: ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"],
    c5n: ["large", "xlarge", "2xlarge", "4xlarge"],
    c6a: TO_48XL,
    c6i: TO_32XL,
    c6id: TO_32XL,
    c6in: TO_32XL,
    c7a: TO_48XL,
    c7i: INTEL_GEN7,
    r5: TO_24XL,
    r5a: TO_24XL,
    r5ad: TO_24XL,
    r5b: TO_24XL,
    r5d: TO_24XL,
    r5dn: TO_24XL,
    r5n: TO_24XL,
    r6a: TO_48XL,
    r6i: TO_32XL,
    r6id: TO_32XL,
    r6idn: TO_32XL,
    r6in: TO_32XL,
    r7a: TO_48XL,
    r7i: INTEL_GEN7,
    r7iz: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "32xlarge"],
    x2idn: ["16xlarge", "24xlarge", "32xlarge"],
    x2iedn: ["xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "24xlarge", "32xlarge"],
    z1d: ["large", "xlarge", "2xlarge", "12xlarge"],
    i3: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"],
    i3en: ["large", "xlarge", "2xlarge", "12xlarge", "24xlarge"],
    i4i: TO_32XL,
    t3: ["large", "xlarge", "2xlarge"],
    t3a: ["large", "xlarge", "2xlarge"],
};

/**
 * What is wrong with an instance type (`family.size`) the table does not know, or undefined when it knows it:
 * "<why>; <what exists>" for a config error.
 */
export function unknownInstanceType(instanceType: string): string | undefined {
    const [family, size] = instanceType.split(".");
    const familyProblem = unknownInstanceFamily(family);
    if (familyProblem !== undefined) return familyProblem;
    const sizes = INSTANCE_FAMILY_SIZES[family];
    return (sizes as readonly string[]).includes(size)
        ? undefined
        : `${family} has no size ${size}; it comes in ${sizes.join(", ")}`;
}

/** What is wrong with an instance family the table does not know, or undefined when it knows it. */
export function unknownInstanceFamily(family: string): string | undefined {
    if (Object.hasOwn(INSTANCE_FAMILY_SIZES, family)) return undefined;
    const near = closestName(family, Object.keys(INSTANCE_FAMILY_SIZES));
    return (
        `${family} is not an x86_64 instance family this program knows` +
        (near ? `; did you mean ${near}?` : "; the known ones are listed in components/vocabulary/instance-shapes.ts")
    );
}

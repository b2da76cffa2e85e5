import {
    INSTANCE_FAMILY_SIZES,
    INSTANCE_SIZE_VCPUS,
    InstanceShape,
    InstanceSize,
    unknownInstanceFamily,
    unknownInstanceType,
} from "../../components/vocabulary";
import { Check, ConfigReader, matches } from "../config-reader";

export interface CapacitySettings {
    /** Instance types of the system node group (CoreDNS, controllers, Kubecost), x86_64. */
    readonly systemInstanceTypes: readonly string[];
    readonly systemMinSize: number;
    readonly systemMaxSize: number;
    /** Shape of the on-demand Spark driver pools. */
    readonly driver: InstanceShape;
    /** Shape of the spot Spark executor pools; diversified so spot capacity is found in one zone. */
    readonly executor: InstanceShape;
    /** EKS AL2023 AMI release Karpenter launches (`al2023@<version>`), pinned so previews do not drift. */
    readonly karpenterAmiVersion: string;
    /** How long a Karpenter executor node stays empty or underutilized before it is consolidated (`2m`). */
    readonly executorConsolidateAfter: string;
    /** The stack creates AWSServiceRoleForEC2Spot (an account that never used Spot lacks it). */
    readonly createSpotServiceLinkedRole: boolean;
}

/** The most families one pool may list; more adds little spot diversity and makes the node-group list unwieldy. */
export const MAX_INSTANCE_FAMILIES = 10;

const systemInstanceType: Check<string> = (type) => {
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type)) return "is not an EC2 instance type; use one such as m7i.xlarge";
    if (isArmFamily(type.split(".")[0]))
        return "is a Graviton (arm64) type; the node groups run the x86_64 AL2023 AMI, use one such as m7i.xlarge";
    const unknown = unknownInstanceType(type);
    return unknown === undefined ? undefined : `is not an EC2 instance type: ${unknown}`;
};

const sparkInstanceFamily: Check<string> = (family) => {
    if (!/^[a-z]+\d+[a-z0-9-]*$/.test(family)) return "is not an EC2 instance family; use one such as r6id or m7i";
    if (isArmFamily(family))
        return "is a Graviton (arm64) family; the Spark pools run x86_64, use one such as r6id or m7i";
    const unknown = unknownInstanceFamily(family);
    return unknown === undefined ? undefined : `is not an EC2 instance family: ${unknown}`;
};

export function readCapacity(r: ConfigReader): CapacitySettings | undefined {
    const types = r.stringList("systemNodeInstanceTypes", "list x86_64 instance types such as m7i.xlarge", {
        allowEmpty: false,
    });
    const typesOk = r.checkEach("systemNodeInstanceTypes", types, systemInstanceType);
    const systemMinSize = r.integer("systemNodeMinSize", 2, 50);
    const systemMaxSize = r.integer("systemNodeMaxSize", 2, 100);
    const sizesOk =
        systemMinSize === undefined ||
        systemMaxSize === undefined ||
        r.check("systemNodeMaxSize", String(systemMaxSize), () =>
            systemMaxSize < systemMinSize
                ? `is below systemNodeMinSize (${systemMinSize}); use a value of at least ${systemMinSize}`
                : undefined,
        );
    const driver = readInstanceShape(r, "sparkDriver");
    const executor = readInstanceShape(r, "sparkExecutor");
    const karpenterAmiVersion = r.string(
        "karpenterAmiVersion",
        "set it to an EKS AL2023 AMI release such as v20260903",
    );
    const amiOk = r.check(
        "karpenterAmiVersion",
        karpenterAmiVersion,
        matches(
            /^v\d{8}$/,
            "is not an EKS AMI release; use one such as v20260903 (never latest, so previews do not drift)",
        ),
    );
    const executorConsolidateAfter = r.string(
        "sparkExecutorConsolidateAfter",
        "set it to a duration such as 2m, longer than Spark's dynamic-allocation executor idle timeout",
    );
    const delayOk = r.check(
        "sparkExecutorConsolidateAfter",
        executorConsolidateAfter,
        matches(/^([0-9]+(s|m|h))+$/, "is not a Karpenter duration; use one such as 90s, 2m or 1h30m"),
    );
    const createSpotServiceLinkedRole = r.boolean("createSpotServiceLinkedRole");
    if (!types || !typesOk || systemMinSize === undefined || systemMaxSize === undefined || !sizesOk) return undefined;
    if (!driver || !executor || karpenterAmiVersion === undefined || !amiOk) return undefined;
    if (executorConsolidateAfter === undefined || !delayOk) return undefined;
    if (createSpotServiceLinkedRole === undefined) return undefined;
    return {
        systemInstanceTypes: types,
        systemMinSize,
        systemMaxSize,
        driver,
        executor,
        karpenterAmiVersion,
        executorConsolidateAfter,
        createSpotServiceLinkedRole,
    };
}

function readInstanceShape(r: ConfigReader, prefix: "sparkDriver" | "sparkExecutor"): InstanceShape | undefined {
    const familiesKey = `${prefix}InstanceFamilies`;
    const sizesKey = `${prefix}InstanceSizes`;
    const families = r.stringList(familiesKey, "list x86_64 instance families such as r6id", { allowEmpty: false });
    const countOk = r.check(familiesKey, families, (list) =>
        list.length > MAX_INSTANCE_FAMILIES
            ? `lists ${list.length} families; use at most ${MAX_INSTANCE_FAMILIES}`
            : undefined,
    );
    const familiesOk = r.checkEach(familiesKey, families, sparkInstanceFamily);
    const allowed = Object.keys(INSTANCE_SIZE_VCPUS);
    const sizes = r.stringList(sizesKey, `list instance sizes from: ${allowed.join(", ")}`, { allowEmpty: false });
    const sizesOk = r.checkFirst(sizesKey, sizes, (size) =>
        allowed.includes(size)
            ? undefined
            : `is not an instance size this program can size pools with; use one of: ${allowed.join(", ")}`,
    );
    if (!families || !countOk || !familiesOk || !sizes || !sizesOk) return undefined;
    // Every family crossed with every size is an instance type the pool may launch: each must exist.
    const missing = families.flatMap((family) =>
        sizes
            .filter((size) => !INSTANCE_FAMILY_SIZES[family].includes(size as InstanceSize))
            .map((size) => ({ family, size })),
    );
    if (missing.length > 0) {
        const { family, size } = missing[0];
        r.report(
            sizesKey,
            size,
            `is not a size of ${family} (${family}.${size} does not exist); ${family} comes in ` +
                `${INSTANCE_FAMILY_SIZES[family].join(", ")}: drop the size or the family`,
        );
        return undefined;
    }
    return { families, sizes: sizes as InstanceSize[] };
}

/** Graviton families carry a `g` right after the generation digit (m7g, r6gd, c7gn, im4gn); a1 is the first one. */
function isArmFamily(family: string): boolean {
    return family === "a1" || /^[a-z]+\d+g/.test(family);
}

import {
    ARCHITECTURE_CHOICES,
    type Architecture,
    INSTANCE_FAMILIES,
    INSTANCE_SIZE_VCPUS,
    InstanceShape,
    InstanceSize,
    architectureChoice,
    formatArchitectures,
    instanceFamilyArchitecture,
    unknownInstanceFamily,
    unknownInstanceType,
} from "../../components/vocabulary";
import { Check, ConfigReader, matches } from "../config-reader";

export interface CapacitySettings {
    /** Instance types of the system node group (CoreDNS, controllers, Kubecost), all of `systemArchitecture`. */
    readonly systemInstanceTypes: readonly string[];
    /** Architecture of the system node group: one, as a managed node group runs one AMI type. */
    readonly systemArchitecture: Architecture;
    /** Architectures of the driver and of the executor pools, each in order of preference. */
    readonly architectures: { readonly driver: readonly Architecture[]; readonly executor: readonly Architecture[] };
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

/** A family of the pool's first architecture, for messages: the one the stack files ship, or Graviton's. */
const EXAMPLE_FAMILY: Readonly<Record<Architecture, string>> = { amd64: "m7i", arm64: "m7g" };
const CHOICES = ARCHITECTURE_CHOICES.map(formatArchitectures).join(", ");

/**
 * A pool's architectures: one of ARCHITECTURE_CHOICES. `single` refuses two (the system node group is one managed
 * node group, which runs one AMI type; on the Karpenter path nothing would scale a second group).
 */
function readArchitectures(r: ConfigReader, key: string, single: boolean): readonly Architecture[] | undefined {
    const allowed = single ? "[amd64] or [arm64]" : `${CHOICES} (with both, arm64 first and amd64 its fallback)`;
    const list = r.stringList(key, `use one of ${allowed}`, { allowEmpty: false });
    if (list === undefined) return undefined;
    const choice = architectureChoice(list);
    if (choice === undefined || (single && choice.length > 1)) {
        r.report(
            key,
            list,
            single && choice !== undefined
                ? "is not allowed: the system nodes are one EKS managed node group, which runs one AMI type; use [amd64] or [arm64]"
                : `is not allowed; use one of ${allowed}`,
        );
        return undefined;
    }
    return choice;
}

/** A family that runs none of `architectures`: what is wrong, naming the architectures' key. */
function architectureMismatch(
    family: string,
    architectures: readonly Architecture[],
    architecturesKey: string,
): string | undefined {
    const architecture = instanceFamilyArchitecture(family);
    if (architecture === undefined || architectures.includes(architecture)) return undefined;
    const other = architecture === "arm64" ? "[arm64] or [arm64, amd64]" : "[amd64] or [arm64, amd64]";
    return (
        `is an ${architecture} family but ${architecturesKey} is ${formatArchitectures(architectures)}; use ` +
        `${architectures.join(" or ")} families (such as ${EXAMPLE_FAMILY[architectures[0]]}) or set ${architecturesKey} to ${other}`
    );
}

const instanceTypeOf =
    (architectures: readonly Architecture[] | undefined): Check<string> =>
    (type) => {
        if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type))
            return "is not an EC2 instance type; use one such as m7i.xlarge";
        const unknown = unknownInstanceType(type);
        if (unknown !== undefined) return `is not an EC2 instance type: ${unknown}`;
        return architectures && architectureMismatch(type.split(".")[0], architectures, "systemNodeArchitectures");
    };

const instanceFamilyOf =
    (architectures: readonly Architecture[] | undefined, architecturesKey: string): Check<string> =>
    (family) => {
        if (!/^[a-z]+\d+[a-z0-9-]*$/.test(family)) return "is not an EC2 instance family; use one such as r6id or m7i";
        const unknown = unknownInstanceFamily(family);
        if (unknown !== undefined) return `is not an EC2 instance family: ${unknown}`;
        return architectures && architectureMismatch(family, architectures, architecturesKey);
    };

export function readCapacity(r: ConfigReader): CapacitySettings | undefined {
    const systemArchitectures = readArchitectures(r, "systemNodeArchitectures", true);
    const types = r.stringList(
        "systemNodeInstanceTypes",
        "list instance types of systemNodeArchitectures such as m7i.xlarge",
        { allowEmpty: false },
    );
    const typesOk = r.checkEach("systemNodeInstanceTypes", types, instanceTypeOf(systemArchitectures));
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
    const driverArchitectures = readArchitectures(r, "sparkDriverArchitectures", false);
    const executorArchitectures = readArchitectures(r, "sparkExecutorArchitectures", false);
    const driver = readInstanceShape(r, "sparkDriver", driverArchitectures);
    const executor = readInstanceShape(r, "sparkExecutor", executorArchitectures);
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
    if (!systemArchitectures || !driverArchitectures || !executorArchitectures) return undefined;
    if (!driver || !executor || karpenterAmiVersion === undefined || !amiOk) return undefined;
    if (executorConsolidateAfter === undefined || !delayOk) return undefined;
    if (createSpotServiceLinkedRole === undefined) return undefined;
    return {
        systemInstanceTypes: types,
        systemArchitecture: systemArchitectures[0],
        architectures: { driver: driverArchitectures, executor: executorArchitectures },
        systemMinSize,
        systemMaxSize,
        driver,
        executor,
        karpenterAmiVersion,
        executorConsolidateAfter,
        createSpotServiceLinkedRole,
    };
}

function readInstanceShape(
    r: ConfigReader,
    prefix: "sparkDriver" | "sparkExecutor",
    architectures: readonly Architecture[] | undefined,
): InstanceShape | undefined {
    const familiesKey = `${prefix}InstanceFamilies`;
    const sizesKey = `${prefix}InstanceSizes`;
    const architecturesKey = `${prefix}Architectures`;
    const families = r.stringList(familiesKey, `list instance families of ${architecturesKey} such as r6id`, {
        allowEmpty: false,
    });
    const countOk = r.check(familiesKey, families, (list) =>
        list.length > MAX_INSTANCE_FAMILIES
            ? `lists ${list.length} families; use at most ${MAX_INSTANCE_FAMILIES}`
            : undefined,
    );
    const familiesOk = r.checkEach(familiesKey, families, instanceFamilyOf(architectures, architecturesKey));
    // With two architectures the second is the fallback: it needs a family of its own, or there is nothing to fall to.
    const everyArchitectureOk =
        familiesOk &&
        r.check(familiesKey, families, (list) => {
            const missing = architectures?.find((a) => !list.some((f) => instanceFamilyArchitecture(f) === a));
            return missing === undefined || architectures === undefined
                ? undefined
                : `has no ${missing} family, so ${architecturesKey} ${formatArchitectures(architectures)} cannot launch ` +
                      `${missing} nodes; add one such as ${EXAMPLE_FAMILY[missing]}, or drop ${missing} from ${architecturesKey}`;
        });
    const allowed = Object.keys(INSTANCE_SIZE_VCPUS);
    const sizes = r.stringList(sizesKey, `list instance sizes from: ${allowed.join(", ")}`, { allowEmpty: false });
    const sizesOk = r.checkFirst(sizesKey, sizes, (size) =>
        allowed.includes(size)
            ? undefined
            : `is not an instance size this program can size pools with; use one of: ${allowed.join(", ")}`,
    );
    if (!families || !countOk || !familiesOk || !everyArchitectureOk || !sizes || !sizesOk) return undefined;
    // Every family crossed with every size is an instance type the pool may launch: each must exist.
    const missing = families.flatMap((family) =>
        sizes
            .filter((size) => !INSTANCE_FAMILIES[family].sizes.includes(size as InstanceSize))
            .map((size) => ({ family, size })),
    );
    if (missing.length > 0) {
        const { family, size } = missing[0];
        r.report(
            sizesKey,
            size,
            `is not a size of ${family} (${family}.${size} does not exist); ${family} comes in ` +
                `${INSTANCE_FAMILIES[family].sizes.join(", ")}: drop the size or the family`,
        );
        return undefined;
    }
    return { families, sizes: sizes as InstanceSize[] };
}

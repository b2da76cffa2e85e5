/**
 * The whole stack configuration, parsed and validated in one place before any resource is created.
 *
 * Keys with scalar or list values are declared (type, default, description) in Pulumi.yaml; the engine fills in
 * their defaults. `teams` and `tags` hold objects, which Pulumi.yaml's config schema cannot type, so they are
 * documented there and checked here.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigReader, RawConfig } from "./config-reader";
import { EMR_ON_EKS_ECR_ACCOUNTS, Partition, partitionOf } from "./regions";
import {
    Cidr,
    EmrReleaseLabel,
    cidrsOverlap,
    isDnsLabel,
    isPositiveQuantity,
    parseCidr,
    parseEmrReleaseLabel,
    parseIamPrincipalArn,
} from "./validators";

export const AUTOSCALERS = ["karpenter", "cluster-autoscaler"] as const;
export type Autoscaler = (typeof AUTOSCALERS)[number];

export const API_ENDPOINT_ACCESS = ["private", "public-and-private"] as const;
export type ApiEndpointAccess = (typeof API_ENDPOINT_ACCESS)[number];

/**
 * EKS versions the program is pinned for: each needs its managed add-on versions (components/cluster/addon-versions.ts)
 * and must lie in the range of every pinned chart (charts/<name>/pin.yaml). A test keeps the three in step; supporting
 * a new version means pinning its add-ons and charts, then adding it here.
 */
export const KUBERNETES_VERSIONS = ["1.34"] as const;

/** Namespaces the platform itself uses; a team may not claim them. */
export const RESERVED_NAMESPACES = ["default", "karpenter", "kubecost", "spark-operator", "logging"] as const;

/** The VPC is carved into eight equal blocks: one private subnet per AZ, and one block split into public subnets. */
export const MAX_AVAILABILITY_ZONES = 6;

export interface TeamSettings {
    /** Team name, used in resource names (a DNS label). */
    readonly name: string;
    /** Kubernetes namespace the team's Spark jobs run in (a DNS label). */
    readonly namespace: string;
    /** ResourceQuota for the namespace, as Kubernetes quantities. */
    readonly quota: { readonly cpu: string; readonly memory: string };
}

export interface Settings {
    readonly project: string;
    readonly stack: string;
    /** Prefix of every physical name: `spark-<stack>`. Also the EKS cluster name. */
    readonly namePrefix: string;
    readonly aws: {
        readonly region: string;
        readonly partition: Partition;
        /** Accounts the AWS provider may act in (`aws:allowedAccountIds`); the first is the stack's account. */
        readonly allowedAccountIds: readonly string[];
        /** Account of the EMR on EKS ECR registry in this region. */
        readonly emrEcrAccountId: string;
    };
    readonly network: {
        readonly vpcCidr: Cidr;
        readonly availabilityZones: readonly string[];
        /** NAT gateways, placed in the first N zones; other zones route through them in turn. */
        readonly natGatewayCount: number;
        readonly flowLogs: boolean;
    };
    readonly cluster: {
        readonly kubernetesVersion: string;
        readonly serviceCidr: Cidr;
        readonly apiEndpointAccess: ApiEndpointAccess;
        readonly apiPublicAccessCidrs: readonly string[];
        readonly adminPrincipalArns: readonly string[];
        readonly autoscaler: Autoscaler;
    };
    readonly spark: {
        /** Zones Spark node pools may use; each pool lives in exactly one of them. */
        readonly zones: readonly string[];
        readonly emrRelease: EmrReleaseLabel;
        /** Upper bound of vCPUs (and memory) that Spark nodes may add up to in one zone. */
        readonly maxVcpuPerZone: number;
        readonly maxMemoryGiBPerZone: number;
    };
    readonly teams: readonly TeamSettings[];
    readonly opensearch: {
        readonly engineVersion: string;
        readonly instanceType: string;
        readonly instanceCount: number;
        readonly volumeSizeGiB: number;
    };
    /** Tags applied to every AWS resource, on top of the ones the program sets. */
    readonly tags: Readonly<Record<string, string>>;
    /** Node capacity: the system node group and the instance shapes of the Spark pools. */
    readonly capacity: CapacitySettings;
}

/**
 * Stack configuration that does not pass validation. A RunError, so the Pulumi CLI prints the message alone,
 * without a stack trace.
 */
export class InvalidConfigError extends pulumi.RunError {
    constructor(readonly problems: readonly string[]) {
        super(problems.map((p) => `invalid stack config: ${p}`).join("\n"));
        this.name = "InvalidConfigError";
    }
}

/** Parses `raw` into Settings, or throws one InvalidConfigError listing every problem, one line each. */
export function parseSettings(raw: RawConfig, project: string, stack: string): Settings {
    const r = new ConfigReader(raw, project);
    const aws = readAws(r);
    const network = readNetwork(r, aws?.region);
    const cluster = readCluster(r, network?.vpcCidr, aws?.partition);
    const spark = readSpark(r, network?.availabilityZones);
    const teams = readTeams(r);
    const opensearch = readOpenSearch(r);
    const tags = readTags(r);
    const capacity = readCapacity(r);
    if (!isDnsLabel(`spark-${stack}`) || stack.length > 20) {
        r.report("stack name", stack, "cannot name AWS resources; use up to 20 lowercase letters, digits and dashes");
    }
    if (r.errors.length > 0 || !aws || !network || !cluster || !spark || !teams || !opensearch || !tags || !capacity) {
        throw new InvalidConfigError(r.errors);
    }
    return { project, stack, namePrefix: `spark-${stack}`, aws, network, cluster, spark, teams, opensearch, tags, capacity };
}

/** Reads the configuration the engine passed to this program (PULUMI_CONFIG), for `pulumi up` and the offline plan. */
export function loadSettings(): Settings {
    const raw = new Map<string, string>();
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        raw.set(key, value);
    }
    return parseSettings(raw, pulumi.getProject(), pulumi.getStack());
}

function readAws(r: ConfigReader): Settings["aws"] | undefined {
    const regions = Object.keys(EMR_ON_EKS_ECR_ACCOUNTS);
    const region = r.string("aws:region", `set it to a region that hosts EMR on EKS images (${regions.join(", ")})`);
    if (region !== undefined && !(region in EMR_ON_EKS_ECR_ACCOUNTS)) {
        r.report("aws:region", region, `is not a region that hosts EMR on EKS images; use one of: ${regions.join(", ")}`);
    }
    const accounts = r.stringList("aws:allowedAccountIds", "list the 12-digit AWS account ids this stack may deploy to", {
        allowEmpty: false,
    });
    const badAccount = accounts?.find((a) => !/^\d{12}$/.test(a));
    if (badAccount !== undefined) {
        r.report("aws:allowedAccountIds", badAccount, "is not an AWS account id; use the 12-digit id as a quoted string");
    }
    if (region === undefined || !(region in EMR_ON_EKS_ECR_ACCOUNTS) || !accounts || badAccount !== undefined) {
        return undefined;
    }
    return {
        region,
        partition: partitionOf(region),
        allowedAccountIds: accounts,
        emrEcrAccountId: EMR_ON_EKS_ECR_ACCOUNTS[region],
    };
}

function readNetwork(r: ConfigReader, region: string | undefined): Settings["network"] | undefined {
    const vpcCidr = readCidr(r, "vpcCidr", { minPrefix: 16, maxPrefix: 20 });
    const zones = r.stringList("availabilityZones", "list at least two availability zones of aws:region", {
        allowEmpty: false,
    });
    if (zones && zones.length < 2) {
        r.report("availabilityZones", zones, "has fewer than two zones; EKS needs subnets in at least two");
    } else if (zones && zones.length > MAX_AVAILABILITY_ZONES) {
        r.report("availabilityZones", zones, `has more than ${MAX_AVAILABILITY_ZONES} zones; use at most ${MAX_AVAILABILITY_ZONES}`);
    }
    const foreign = region === undefined ? undefined : zones?.find((z) => !new RegExp(`^${region}[a-z]$`).test(z));
    if (foreign !== undefined) {
        r.report("availabilityZones", foreign, `is not an availability zone of ${region}; use names such as ${region}a`);
    }
    const natGatewayCount = zones ? r.integer("natGatewayCount", 1, zones.length) : undefined;
    const flowLogs = r.boolean("vpcFlowLogs");
    if (!vpcCidr || !zones || foreign !== undefined || natGatewayCount === undefined || flowLogs === undefined) {
        return undefined;
    }
    if (zones.length < 2 || zones.length > MAX_AVAILABILITY_ZONES) return undefined;
    return { vpcCidr, availabilityZones: zones, natGatewayCount, flowLogs };
}

function readCidr(r: ConfigReader, key: string, range: { minPrefix: number; maxPrefix: number }): Cidr | undefined {
    const text = r.string(key, `set it to an IPv4 CIDR block from /${range.minPrefix} to /${range.maxPrefix}`);
    if (text === undefined) return undefined;
    const cidr = parseCidr(text);
    if (typeof cidr === "string") {
        r.report(key, text, cidr);
        return undefined;
    }
    if (cidr.prefixLength < range.minPrefix || cidr.prefixLength > range.maxPrefix) {
        r.report(key, text, `is not allowed; use a prefix length from /${range.minPrefix} to /${range.maxPrefix}`);
        return undefined;
    }
    return cidr;
}

function readCluster(
    r: ConfigReader,
    vpcCidr: Cidr | undefined,
    partition: Partition | undefined,
): Settings["cluster"] | undefined {
    const kubernetesVersion = r.oneOf("kubernetesVersion", KUBERNETES_VERSIONS);
    // EKS only accepts a service range inside RFC 1918 space, /12 to /24 (CreateCluster kubernetesNetworkConfig).
    const serviceCidr = readCidr(r, "serviceCidr", { minPrefix: 12, maxPrefix: 24 });
    if (serviceCidr && vpcCidr && cidrsOverlap(serviceCidr, vpcCidr)) {
        r.report("serviceCidr", serviceCidr.text, `overlaps vpcCidr ${vpcCidr.text}; pick a range outside the VPC`);
    }
    const apiEndpointAccess = r.oneOf("apiEndpointAccess", API_ENDPOINT_ACCESS);
    const publicCidrs = readPublicAccessCidrs(r, apiEndpointAccess);
    const admins = r.stringList("adminPrincipals", "list the IAM role or user ARNs that administer the cluster", {
        allowEmpty: false,
    });
    for (const arn of admins ?? []) {
        const parsed = parseIamPrincipalArn(arn);
        if (typeof parsed === "string") r.report("adminPrincipals", arn, parsed);
        else if (partition !== undefined && parsed.partition !== partition) {
            r.report("adminPrincipals", arn, `is in partition ${parsed.partition}, but aws:region is in ${partition}`);
        }
    }
    const autoscaler = r.oneOf("autoscaler", AUTOSCALERS);
    if (!kubernetesVersion || !serviceCidr || !apiEndpointAccess || !publicCidrs || !admins || !autoscaler) return undefined;
    return {
        kubernetesVersion,
        serviceCidr,
        apiEndpointAccess,
        apiPublicAccessCidrs: publicCidrs,
        adminPrincipalArns: admins,
        autoscaler,
    };
}

function readPublicAccessCidrs(r: ConfigReader, access: ApiEndpointAccess | undefined): string[] | undefined {
    const key = "apiPublicAccessCidrs";
    const cidrs = r.stringList(key, "list the CIDR blocks allowed to reach the public API endpoint", { allowEmpty: true });
    if (!cidrs || !access) return undefined;
    for (const text of cidrs) {
        const cidr = parseCidr(text);
        if (typeof cidr === "string") r.report(key, text, cidr);
        else if (cidr.prefixLength === 0) {
            r.report(key, text, "opens the API endpoint to the whole internet; list the networks that need it");
        }
    }
    if (access === "public-and-private" && cidrs.length === 0) {
        r.report(key, cidrs, "is empty, but apiEndpointAccess is public-and-private; list the allowed CIDR blocks");
    }
    if (access === "private" && cidrs.length > 0) {
        r.report(key, cidrs, "is set, but apiEndpointAccess is private; remove it or set apiEndpointAccess: public-and-private");
    }
    return cidrs;
}

function readSpark(r: ConfigReader, vpcZones: readonly string[] | undefined): Settings["spark"] | undefined {
    const zones = r.stringList("sparkZones", "list the availability zones Spark node pools may use", { allowEmpty: false });
    const outside = vpcZones === undefined ? undefined : zones?.find((z) => !vpcZones.includes(z));
    if (outside !== undefined) {
        r.report("sparkZones", outside, `is not one of availabilityZones (${vpcZones?.join(", ")}); Spark pools need a VPC subnet in their zone`);
    }
    const label = r.string("emrReleaseLabel", "set it to an EMR on EKS release label such as emr-7.12.0-latest");
    const release = label === undefined ? undefined : parseEmrReleaseLabel(label);
    if (typeof release === "string") r.report("emrReleaseLabel", label, release);
    const maxVcpuPerZone = r.integer("sparkMaxVcpuPerZone", 4, 100_000);
    const maxMemoryGiBPerZone = r.integer("sparkMaxMemoryGiBPerZone", 8, 1_000_000);
    if (!zones || outside !== undefined || !release || typeof release === "string") return undefined;
    if (maxVcpuPerZone === undefined || maxMemoryGiBPerZone === undefined) return undefined;
    return { zones, emrRelease: release, maxVcpuPerZone, maxMemoryGiBPerZone };
}

const TEAMS_HINT = "list teams as [{name, namespace, quota: {cpu, memory}}]";

function readTeams(r: ConfigReader): TeamSettings[] | undefined {
    const value = r.json("teams", TEAMS_HINT);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0) {
        r.report("teams", value, `is not a non-empty list; ${TEAMS_HINT}`);
        return undefined;
    }
    const teams = value.map((entry, i) => readTeam(r, `teams[${i}]`, entry));
    if (teams.some((t) => t === undefined)) return undefined;
    const valid = teams as TeamSettings[];
    for (const field of ["name", "namespace"] as const) {
        const seen = new Set<string>();
        valid.forEach((team, i) => {
            if (seen.has(team[field])) {
                r.report(`teams[${i}].${field}`, team[field], `is used by another team; each team needs its own ${field}`);
            }
            seen.add(team[field]);
        });
    }
    return valid;
}

function readTeam(r: ConfigReader, key: string, entry: unknown): TeamSettings | undefined {
    if (!isRecord(entry)) {
        r.report(key, entry, `is not an object; ${TEAMS_HINT}`);
        return undefined;
    }
    const unknownField = Object.keys(entry).find((k) => !["name", "namespace", "quota"].includes(k));
    if (unknownField !== undefined) {
        r.report(`${key}.${unknownField}`, entry[unknownField], "is not a team setting; use name, namespace and quota");
    }
    const name = entry.name;
    const namespace = entry.namespace;
    let ok = unknownField === undefined;
    if (typeof name !== "string" || !isDnsLabel(name) || name.length > 30) {
        r.report(`${key}.name`, name, "is not allowed; use a DNS label of at most 30 characters (lowercase letters, digits, '-')");
        ok = false;
    }
    if (typeof namespace !== "string" || !isDnsLabel(namespace)) {
        r.report(`${key}.namespace`, namespace, "is not a DNS label; use at most 63 lowercase letters, digits and '-', starting and ending alphanumeric");
        ok = false;
    } else if (namespace.startsWith("kube-") || (RESERVED_NAMESPACES as readonly string[]).includes(namespace)) {
        r.report(`${key}.namespace`, namespace, `is reserved; pick a namespace other than kube-* and ${RESERVED_NAMESPACES.join(", ")}`);
        ok = false;
    }
    const quota = entry.quota;
    if (!isRecord(quota)) {
        r.report(`${key}.quota`, quota, 'is not an object; set quota: {cpu: "64", memory: "256Gi"}');
        return undefined;
    }
    for (const field of ["cpu", "memory"] as const) {
        const q = quota[field];
        if (typeof q !== "string" || !isPositiveQuantity(q)) {
            r.report(`${key}.quota.${field}`, q, 'is not a Kubernetes quantity; use a quoted value such as "64", "500m" or "256Gi"');
            ok = false;
        }
    }
    if (!ok) return undefined;
    return {
        name: name as string,
        namespace: namespace as string,
        quota: { cpu: quota.cpu as string, memory: quota.memory as string },
    };
}

function readOpenSearch(r: ConfigReader): Settings["opensearch"] | undefined {
    const engineVersion = r.string("opensearchEngineVersion", "set it to an engine version such as OpenSearch_2.19");
    if (engineVersion !== undefined && !/^OpenSearch_\d+\.\d+$/.test(engineVersion)) {
        r.report("opensearchEngineVersion", engineVersion, "is not an OpenSearch engine version; use one such as OpenSearch_2.19");
    }
    const instanceType = r.string("opensearchInstanceType", "set it to an OpenSearch instance type such as r7g.large.search");
    if (instanceType !== undefined && !/^[a-z][a-z0-9]*\.[a-z0-9]+\.search$/.test(instanceType)) {
        r.report("opensearchInstanceType", instanceType, "is not an OpenSearch instance type; use one such as r7g.large.search");
    }
    const instanceCount = r.integer("opensearchInstanceCount", 1, 80);
    const volumeSizeGiB = r.integer("opensearchVolumeSizeGiB", 10, 16_384);
    if (!engineVersion || !instanceType || instanceCount === undefined || volumeSizeGiB === undefined) return undefined;
    if (!/^OpenSearch_\d+\.\d+$/.test(engineVersion) || !/\.search$/.test(instanceType)) return undefined;
    return { engineVersion, instanceType, instanceCount, volumeSizeGiB };
}

function readTags(r: ConfigReader): Record<string, string> | undefined {
    // Tags are optional: an absent key means no extra tags.
    if (!r.has("tags")) return {};
    const value = r.json("tags", "set tags to a map of tag keys to string values");
    if (value === undefined) return undefined;
    if (!isRecord(value)) {
        r.report("tags", value, "is not a map; set tags to a map of tag keys to string values");
        return undefined;
    }
    let ok = true;
    for (const [key, tagValue] of Object.entries(value)) {
        if (key.length === 0 || key.length > 128 || key.toLowerCase().startsWith("aws:")) {
            r.report(`tags.${key}`, key, "is not a usable tag key; use 1 to 128 characters not starting with aws:");
            ok = false;
        } else if (typeof tagValue !== "string" || tagValue.length > 256) {
            r.report(`tags.${key}`, tagValue, "is not a tag value; use a string of at most 256 characters");
            ok = false;
        }
    }
    return ok ? (value as Record<string, string>) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

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

/** Instance families crossed with sizes, e.g. families [r6id, r5d] and sizes [4xlarge] give r6id.4xlarge, r5d.4xlarge. */
export interface InstanceShape {
    readonly families: readonly string[];
    /** The first size is the one Cluster Autoscaler node groups use (their instance types must be equal in size). */
    readonly sizes: readonly InstanceSize[];
}

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
}

/** The most families one pool may list; more adds little spot diversity and makes the node-group list unwieldy. */
export const MAX_INSTANCE_FAMILIES = 10;

function readCapacity(r: ConfigReader): CapacitySettings | undefined {
    const types = r.stringList("systemNodeInstanceTypes", "list x86_64 instance types such as m7i.xlarge", { allowEmpty: false });
    let ok = types !== undefined;
    for (const type of types ?? []) {
        if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type)) {
            r.report("systemNodeInstanceTypes", type, "is not an EC2 instance type; use one such as m7i.xlarge");
            ok = false;
        } else if (isArmFamily(type.split(".")[0])) {
            r.report("systemNodeInstanceTypes", type, "is a Graviton (arm64) type; the node groups run the x86_64 AL2023 AMI, use one such as m7i.xlarge");
            ok = false;
        }
    }
    const systemMinSize = r.integer("systemNodeMinSize", 2, 50);
    const systemMaxSize = r.integer("systemNodeMaxSize", 2, 100);
    if (systemMinSize !== undefined && systemMaxSize !== undefined && systemMaxSize < systemMinSize) {
        r.report("systemNodeMaxSize", String(systemMaxSize), `is below systemNodeMinSize (${systemMinSize}); use a value of at least ${systemMinSize}`);
        ok = false;
    }
    const driver = readInstanceShape(r, "sparkDriver");
    const executor = readInstanceShape(r, "sparkExecutor");
    const karpenterAmiVersion = r.string("karpenterAmiVersion", "set it to an EKS AL2023 AMI release such as v20260903");
    if (karpenterAmiVersion !== undefined && !/^v\d{8}$/.test(karpenterAmiVersion)) {
        r.report("karpenterAmiVersion", karpenterAmiVersion, "is not an EKS AMI release; use one such as v20260903 (never latest, so previews do not drift)");
        ok = false;
    }
    if (!ok || !types || systemMinSize === undefined || systemMaxSize === undefined) return undefined;
    if (!driver || !executor || !karpenterAmiVersion) return undefined;
    return { systemInstanceTypes: types, systemMinSize, systemMaxSize, driver, executor, karpenterAmiVersion };
}

function readInstanceShape(r: ConfigReader, prefix: "sparkDriver" | "sparkExecutor"): InstanceShape | undefined {
    const familiesKey = `${prefix}InstanceFamilies`;
    const sizesKey = `${prefix}InstanceSizes`;
    const families = r.stringList(familiesKey, "list x86_64 instance families such as r6id", { allowEmpty: false });
    let ok = families !== undefined;
    if (families && families.length > MAX_INSTANCE_FAMILIES) {
        r.report(familiesKey, families, `lists ${families.length} families; use at most ${MAX_INSTANCE_FAMILIES}`);
        ok = false;
    }
    for (const family of families ?? []) {
        if (!/^[a-z]+\d+[a-z0-9-]*$/.test(family)) {
            r.report(familiesKey, family, "is not an EC2 instance family; use one such as r6id or m7i");
            ok = false;
        } else if (isArmFamily(family)) {
            r.report(familiesKey, family, "is a Graviton (arm64) family; the Spark pools run x86_64, use one such as r6id or m7i");
            ok = false;
        }
    }
    const allowed = Object.keys(INSTANCE_SIZE_VCPUS);
    const sizes = r.stringList(sizesKey, `list instance sizes from: ${allowed.join(", ")}`, { allowEmpty: false });
    const badSize = sizes?.find((s) => !allowed.includes(s));
    if (badSize !== undefined) {
        r.report(sizesKey, badSize, `is not an instance size this program can size pools with; use one of: ${allowed.join(", ")}`);
        ok = false;
    }
    if (!ok || !families || !sizes || badSize !== undefined) return undefined;
    return { families, sizes: sizes as InstanceSize[] };
}

/** Graviton families carry a `g` right after the generation digit (m7g, r6gd, c7gn, im4gn); a1 is the first one. */
function isArmFamily(family: string): boolean {
    return family === "a1" || /^[a-z]+\d+g/.test(family);
}

/**
 * Preflight's capacity checks: whether the EC2 vCPU quotas leave room for what the stack may launch once what
 * already runs in the account is counted, each instance family against the quota it really counts toward; and
 * whether each pool's instance types are offered in the zone the pool lives in.
 */
import {
    DescribeInstanceTypeOfferingsCommand,
    DescribeInstancesCommand,
    type EC2Client,
    type Instance,
} from "@aws-sdk/client-ec2";
import { GetServiceQuotaCommand } from "@aws-sdk/client-service-quotas";
import { INSTANCE_SIZE_VCPUS, type Settings } from "../../components/settings";
import type { Check } from "./checks";

export type Lifecycle = "on-demand" | "spot";

/** One group of nodes in one zone (a Spark pool) or spread over zones (the system nodes). */
export interface PoolPlan {
    readonly name: string;
    readonly zones: readonly string[];
    readonly lifecycle: Lifecycle;
    /** Instance types the autoscaler may launch for the pool. */
    readonly types: readonly string[];
    /** Most vCPUs the pool may run at once. */
    readonly maxVcpus: number;
}

export interface CapacityPlan {
    /** Tags on every instance this stack launches: they are the stack's own, already part of `pools`. */
    readonly ownTags: Readonly<Record<string, string>>;
    readonly pools: readonly PoolPlan[];
}

/**
 * EC2 vCPU quotas (Service Quotas, service code ec2) by the family class of an instance type: On-Demand and Spot.
 * The class is the family's leading letters (m7i → m, x2idn → x, inf2 → inf, u-6tb1 → u-); every class not listed
 * counts toward Standard. Codes as the Service Quotas console lists them.
 */
export const VCPU_QUOTA_CLASSES: readonly {
    readonly classes: readonly string[];
    readonly name: string;
    readonly onDemand: string;
    readonly spot?: string;
}[] = [
    { classes: ["x"], name: "X", onDemand: "L-7295265B", spot: "L-E3A00192" },
    { classes: ["g", "vt"], name: "G and VT", onDemand: "L-DB2E81BA", spot: "L-3819A6DF" },
    { classes: ["p"], name: "P", onDemand: "L-417A185B", spot: "L-7212CCBC" },
    { classes: ["f"], name: "F", onDemand: "L-74FC7D96", spot: "L-88CF9481" },
    { classes: ["inf"], name: "Inf", onDemand: "L-1945791B", spot: "L-B5D1601B" },
    { classes: ["trn"], name: "Trn", onDemand: "L-2C3B7624", spot: "L-6B0D517C" },
    { classes: ["dl"], name: "DL", onDemand: "L-6E869C2A", spot: "L-85EED4F7" },
    { classes: ["u-"], name: "High Memory", onDemand: "L-43DA4232" },
    { classes: ["hpc"], name: "HPC", onDemand: "L-F7808C92" },
    {
        classes: ["a", "c", "d", "h", "i", "im", "is", "m", "r", "t", "z"],
        name: "Standard (A, C, D, H, I, M, R, T, Z)",
        onDemand: "L-1216C47A",
        spot: "L-34B43A08",
    },
];

/** The quota an instance type counts toward: its class, or Standard. */
export function vcpuQuotaOf(instanceType: string): (typeof VCPU_QUOTA_CLASSES)[number] {
    const family = instanceType.split(".")[0].toLowerCase();
    const cls = family.startsWith("u-") ? "u-" : (/^[a-z]+/.exec(family)?.[0] ?? family);
    // Longest class first: "inf" before "i", "trn" before "t", "hpc" before "h", "dl" before "d".
    const byLength = VCPU_QUOTA_CLASSES.flatMap((q) => q.classes.map((c) => ({ c, q }))).sort(
        (a, b) => b.c.length - a.c.length,
    );
    const exact = byLength.find(({ c }) => c === cls);
    if (exact) return exact.q;
    const prefix = byLength.find(({ c }) => c.length > 1 && cls.startsWith(c));
    return prefix?.q ?? VCPU_QUOTA_CLASSES[VCPU_QUOTA_CLASSES.length - 1];
}

/** vCPUs of an instance type from its size (`m7i.2xlarge` → 8); undefined for sizes the table does not know. */
export function vcpusOf(instanceType: string): number | undefined {
    const size = instanceType.split(".")[1];
    return size !== undefined && size in INSTANCE_SIZE_VCPUS
        ? INSTANCE_SIZE_VCPUS[size as keyof typeof INSTANCE_SIZE_VCPUS]
        : undefined;
}

export function capacityPlan(settings: Settings): CapacityPlan {
    const { capacity, spark, cluster } = settings;
    // Cluster Autoscaler node groups use the first size only (their instance types must be equal in size).
    const typesOf = (shape: Settings["capacity"]["driver"]) =>
        shape.families.flatMap((f) =>
            (cluster.autoscaler === "karpenter" ? shape.sizes : shape.sizes.slice(0, 1)).map((s) => `${f}.${s}`),
        );
    const pools: PoolPlan[] = spark.zones.flatMap((zone) => [
        {
            name: `spark-driver-${zone}`,
            zones: [zone],
            lifecycle: "on-demand" as const,
            types: typesOf(capacity.driver),
            maxVcpus: spark.maxVcpuPerZone,
        },
        {
            name: `spark-executor-${zone}`,
            zones: [zone],
            lifecycle: "spot" as const,
            types: typesOf(capacity.executor),
            maxVcpus: spark.maxVcpuPerZone,
        },
    ]);
    pools.push({
        name: "system",
        zones: settings.network.availabilityZones,
        lifecycle: "on-demand",
        types: capacity.systemInstanceTypes,
        maxVcpus: Math.max(0, ...capacity.systemInstanceTypes.map((t) => vcpusOf(t) ?? 0)) * capacity.systemMaxSize,
    });
    return {
        ownTags: { "spark-platform:project": settings.project, "spark-platform:stack": settings.stack },
        pools,
    };
}

/** vCPUs of a running instance: its CPU options, or its size when EC2 does not say. */
function instanceVcpus(instance: Instance): number {
    const cores = instance.CpuOptions?.CoreCount;
    const threads = instance.CpuOptions?.ThreadsPerCore ?? 1;
    return cores !== undefined ? cores * threads : (vcpusOf(instance.InstanceType ?? "") ?? 0);
}

/** vCPUs running (or starting) now by quota code, leaving out the instances tagged as this stack's. */
async function runningVcpus(ec2: EC2Client, ownTags: CapacityPlan["ownTags"]): Promise<Map<string, number>> {
    const used = new Map<string, number>();
    let NextToken: string | undefined;
    do {
        const page = await ec2.send(
            new DescribeInstancesCommand({
                Filters: [{ Name: "instance-state-name", Values: ["pending", "running"] }],
                NextToken,
            }),
        );
        for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
            const tags = new Map((instance.Tags ?? []).map((t) => [t.Key, t.Value]));
            if (Object.entries(ownTags).every(([k, v]) => tags.get(k) === v)) continue;
            const quota = vcpuQuotaOf(instance.InstanceType ?? "");
            const code = instance.InstanceLifecycle === "spot" ? quota.spot : quota.onDemand;
            if (code !== undefined) used.set(code, (used.get(code) ?? 0) + instanceVcpus(instance));
        }
        NextToken = page.NextToken;
    } while (NextToken);
    return used;
}

/**
 * What the stack may add per quota: each pool at its limit toward every quota one of its types counts toward (an
 * autoscaler may fill a pool from any of its types, so each such quota must hold the whole pool).
 */
export function vcpusNeeded(plan: CapacityPlan): Map<string, { name: string; vcpus: number }> {
    const needed = new Map<string, { name: string; vcpus: number }>();
    for (const pool of plan.pools) {
        const codes = new Map<string, string>();
        for (const type of pool.types) {
            const quota = vcpuQuotaOf(type);
            const code = pool.lifecycle === "spot" ? quota.spot : quota.onDemand;
            if (code !== undefined)
                codes.set(code, `${pool.lifecycle === "spot" ? "All" : "Running On-Demand"} ${quota.name}`);
        }
        for (const [code, name] of codes) {
            const entry = needed.get(code) ?? { name, vcpus: 0 };
            entry.vcpus += pool.maxVcpus;
            needed.set(code, entry);
        }
    }
    return needed;
}

export const CAPACITY_CHECKS: readonly Check[] = [
    {
        id: "vcpu-quotas",
        title: "EC2 vCPU quotas leave room for the pools, after what already runs",
        async run(plan, clients) {
            const used = await runningVcpus(clients.ec2, plan.capacity.ownTags);
            const short: string[] = [];
            const ok: string[] = [];
            for (const [code, { name, vcpus }] of vcpusNeeded(plan.capacity)) {
                const answer = await clients.quotas.send(
                    new GetServiceQuotaCommand({ ServiceCode: "ec2", QuotaCode: code }),
                );
                const quota = answer.Quota?.Value ?? 0;
                const others = used.get(code) ?? 0;
                const line = `${name} (${code}): quota ${quota}, ${others} in use by other instances, the stack may use ${vcpus}`;
                (quota - others >= vcpus ? ok : short).push(line);
            }
            return short.length === 0
                ? { status: "pass", detail: ok.join("; ") }
                : {
                      status: "fail",
                      detail: short.join("; "),
                      fix: "request a quota increase in Service Quotas (EC2) for the quota named, or lower sparkMaxVcpuPerZone / systemNodeMaxSize",
                  };
        },
    },
    {
        id: "instance-offerings",
        title: "each pool's instance types are offered in its zones",
        async run(plan, clients) {
            const zones = [...new Set(plan.capacity.pools.flatMap((p) => p.zones))];
            const offered = new Map<string, Set<string>>();
            for (const zone of zones) {
                const types = [
                    ...new Set(plan.capacity.pools.filter((p) => p.zones.includes(zone)).flatMap((p) => p.types)),
                ];
                const answer = await clients.ec2.send(
                    new DescribeInstanceTypeOfferingsCommand({
                        LocationType: "availability-zone",
                        Filters: [
                            { Name: "location", Values: [zone] },
                            { Name: "instance-type", Values: types },
                        ],
                    }),
                );
                offered.set(zone, new Set((answer.InstanceTypeOfferings ?? []).map((o) => o.InstanceType ?? "")));
            }
            const empty: string[] = [];
            const partial: string[] = [];
            for (const pool of plan.capacity.pools) {
                for (const zone of pool.zones) {
                    const missing = pool.types.filter((t) => !offered.get(zone)?.has(t));
                    if (missing.length === pool.types.length)
                        empty.push(`${pool.name} in ${zone}: none of ${pool.types.join(", ")}`);
                    else if (missing.length > 0) partial.push(`${pool.name} in ${zone}: ${missing.join(", ")}`);
                }
            }
            if (empty.length > 0) {
                return {
                    status: "fail",
                    detail: `no instance type of the pool is offered: ${empty.join("; ")}`,
                    fix: "list families offered in that zone (aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=location,Values=<zone>), or pick another zone in sparkZones",
                };
            }
            return {
                status: "pass",
                detail:
                    partial.length === 0
                        ? `every pool's types are offered in its zones (${zones.join(", ")})`
                        : `every pool has offered types; not offered there (never launched): ${partial.join("; ")}`,
            };
        },
    },
];

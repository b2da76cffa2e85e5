/**
 * The offline cost estimate of a stack, from its settings and the price table (tools/cost-estimate/prices.yaml): what the
 * stack costs a month while no Spark job runs, and what each Spark pool costs per vCPU-hour and GiB-hour of the
 * cheapest instance type it may launch. A stack in a region or with an instance type the table does not hold gets
 * the reason instead of a number.
 */
import type { Settings } from "../../stack-config";
import type { PriceTable, RegionPrices } from "./price-table";

export interface CostLine {
    readonly item: string;
    /** How the figure is made, e.g. "2 × m7i.large × $0.1008/h × 730 h". */
    readonly basis: string;
    readonly monthly: number;
}

export interface UnitPrice {
    readonly instanceType: string;
    readonly perVcpuHour: number;
    readonly perGiBHour: number;
}

export interface PoolCost {
    readonly pool: "driver" | "executor";
    readonly lifecycle: "on-demand" | "spot";
    /** The instance types the pool may launch (each family × size; Cluster Autoscaler: the first size only). */
    readonly instanceTypes: readonly string[];
    readonly cheapestPerVcpu: UnitPrice;
    readonly cheapestPerGiB: UnitPrice;
    /** For a Spot pool: the estimate from spotFractionOfOnDemand, per vCPU-hour and GiB-hour. */
    readonly spot?: { readonly perVcpuHour: number; readonly perGiBHour: number };
}

export type CostEstimate =
    | {
          readonly covered: true;
          readonly region: string;
          readonly read: string;
          readonly idle: readonly CostLine[];
          readonly idleMonthly: number;
          readonly pools: readonly PoolCost[];
          readonly spotFraction: number;
          readonly assumptions: readonly string[];
      }
    | { readonly covered: false; readonly reason: string };

class OutsideTable extends Error {}

export function estimateCost(settings: Settings, table: PriceTable): CostEstimate {
    const region = settings.aws.region;
    const prices = table.regions[region];
    if (prices === undefined) {
        return {
            covered: false,
            reason: `${region} is outside the price table (it covers ${Object.keys(table.regions).join(", ")})`,
        };
    }
    try {
        return {
            covered: true,
            region,
            read: table.read,
            ...idleCost(settings, table, prices),
            pools: poolCosts(settings, table, prices),
            spotFraction: table.spotFractionOfOnDemand,
        };
    } catch (e) {
        if (e instanceof OutsideTable) return { covered: false, reason: e.message };
        throw e;
    }
}

const usd = (n: number, digits = 4) => `$${Number(n.toFixed(digits))}`;

function idleCost(settings: Settings, table: PriceTable, p: RegionPrices) {
    const h = table.hoursPerMonth;
    const a = table.assumptions;
    const region = settings.aws.region;
    const ec2Hour = (type: string) => {
        const row = p.ec2[type];
        if (row === undefined) throw new OutsideTable(`${type} is not in the price table for ${region}`);
        return row[2];
    };
    const searchHour = (type: string) => {
        const hour = p.opensearch.instanceHour[type];
        if (hour === undefined) throw new OutsideTable(`${type} is not in the price table for ${region}`);
        return hour;
    };
    const hourly = (item: string, count: number, what: string, rate: number): CostLine => ({
        item,
        basis: `${count} × ${what}${usd(rate)}/h × ${h} h`,
        monthly: count * rate * h,
    });
    const { capacity, network, opensearch: os } = settings;
    const systemType = capacity.systemInstanceTypes[0];
    const lines: CostLine[] = [
        hourly("EKS control plane", 1, "", p.eks.clusterHour),
        hourly("system nodes (at systemNodeMinSize)", capacity.systemMinSize, `${systemType} × `, ec2Hour(systemType)),
        hourly("NAT gateways (before data processed)", network.natGatewayCount, "", p.natGatewayHour),
        hourly("log domain data nodes", os.instanceCount, `${os.instanceType} × `, searchHour(os.instanceType)),
    ];
    if (os.dedicatedMasters !== undefined) {
        const m = os.dedicatedMasters;
        lines.push(hourly("log domain dedicated masters", m.count, `${m.instanceType} × `, searchHour(m.instanceType)));
    }
    lines.push({
        item: "log domain storage (gp3)",
        basis: `${os.instanceCount} × ${os.volumeSizeGiB} GiB × ${usd(p.opensearch.gp3GiBMonth)}/GiB-month`,
        monthly: os.instanceCount * os.volumeSizeGiB * p.opensearch.gp3GiBMonth,
    });
    const samples = a.ampSamplesPerSecond * 3600 * h;
    const storedGiB = (a.ampSamplesPerSecond * a.ampBytesPerSample * 86400 * a.ampRetentionDays) / 2 ** 30;
    lines.push({
        item: "AMP (Kubecost's metrics)",
        basis:
            `${samples / 1e7} × 10M samples × ${usd(p.amp.per10MSamples)} + ` +
            `${Number(storedGiB.toFixed(3))} GiB stored × ${usd(p.amp.storeGiBMonth)}`,
        monthly: (samples / 1e7) * p.amp.per10MSamples + storedGiB * p.amp.storeGiBMonth,
    });
    lines.push({ item: "KMS key", basis: `1 × ${usd(p.kmsKeyMonth)}/month`, monthly: p.kmsKeyMonth });
    const logsGiB = a.logsIdleIngestGiBPerMonth + (network.flowLogs ? a.flowLogsIdleIngestGiBPerMonth : 0);
    lines.push({
        item: `CloudWatch Logs ingestion${network.flowLogs ? " (flow logs on)" : ""}`,
        basis: `${logsGiB} GiB × ${usd(p.cloudwatchLogs.ingestGiB)}/GiB`,
        monthly: logsGiB * p.cloudwatchLogs.ingestGiB,
    });
    const assumptions = [
        `AMP ingests ${a.ampSamplesPerSecond} samples/s, kept ${a.ampRetentionDays} days at ${a.ampBytesPerSample} bytes each`,
        `an idle stack ingests ${a.logsIdleIngestGiBPerMonth} GiB of logs a month` +
            (network.flowLogs ? `, plus ${a.flowLogsIdleIngestGiBPerMonth} GiB of VPC flow logs` : ""),
        "no data transfer, NAT data processing, EBS of the nodes, S3 or Spark jobs",
    ];
    return { idle: lines, idleMonthly: lines.reduce((sum, l) => sum + l.monthly, 0), assumptions };
}

function poolCosts(settings: Settings, table: PriceTable, p: RegionPrices): PoolCost[] {
    const karpenter = settings.cluster.autoscaler === "karpenter";
    const shapes = [
        ["driver", "on-demand", settings.capacity.driver],
        ["executor", "spot", settings.capacity.executor],
    ] as const;
    return shapes.map(([pool, lifecycle, shape]) => {
        // Cluster Autoscaler node groups use the first size only (their instance types must be equal in size).
        const sizes = karpenter ? shape.sizes : shape.sizes.slice(0, 1);
        const types = shape.families.flatMap((f) => sizes.map((s) => `${f}.${s}`));
        const units = types.map((type): UnitPrice => {
            const row = p.ec2[type];
            if (row === undefined)
                throw new OutsideTable(`${type} (${pool} pool) is not in the price table for ${settings.aws.region}`);
            const [vcpus, memoryGiB, hour] = row;
            return { instanceType: type, perVcpuHour: hour / vcpus, perGiBHour: hour / memoryGiB };
        });
        const cheapest = (key: "perVcpuHour" | "perGiBHour") =>
            units.reduce((best, u) => (u[key] < best[key] ? u : best));
        const cheapestPerVcpu = cheapest("perVcpuHour");
        const cheapestPerGiB = cheapest("perGiBHour");
        const f = table.spotFractionOfOnDemand;
        return {
            pool,
            lifecycle,
            instanceTypes: types,
            cheapestPerVcpu,
            cheapestPerGiB,
            ...(lifecycle === "spot"
                ? { spot: { perVcpuHour: cheapestPerVcpu.perVcpuHour * f, perGiBHour: cheapestPerGiB.perGiBHour * f } }
                : {}),
        };
    });
}

/**
 * The price table of the offline cost estimate (tools/cost-estimate/prices.yaml): read once, shape-checked, typed.
 */
import * as path from "node:path";
import { isRecord, readYamlFile } from "../cli";

export const PRICE_TABLE_FILE = path.join(__dirname, "prices.yaml");

export interface RegionPrices {
    readonly eks: { readonly clusterHour: number };
    readonly natGatewayHour: number;
    readonly kmsKeyMonth: number;
    readonly cloudwatchLogs: { readonly ingestGiB: number; readonly storeGiBMonth: number };
    readonly amp: { readonly per10MSamples: number; readonly storeGiBMonth: number };
    readonly opensearch: { readonly gp3GiBMonth: number; readonly instanceHour: Readonly<Record<string, number>> };
    /** Instance type → [vCPUs, memory GiB, on-demand $/hour]. */
    readonly ec2: Readonly<Record<string, readonly [number, number, number]>>;
}

export interface PriceTable {
    /** The date the prices were read (YYYY-MM-DD). */
    readonly read: string;
    readonly hoursPerMonth: number;
    /** Table paths whose value was checked against a published source. */
    readonly confirmed: readonly string[];
    readonly spotFractionOfOnDemand: number;
    readonly assumptions: {
        readonly ampSamplesPerSecond: number;
        readonly ampBytesPerSample: number;
        readonly ampRetentionDays: number;
        readonly logsIdleIngestGiBPerMonth: number;
        readonly flowLogsIdleIngestGiBPerMonth: number;
    };
    readonly regions: Readonly<Record<string, RegionPrices>>;
}

/** Reads and checks the table; a malformed table is the repository's bug, reported with the path at fault. */
export function readPriceTable(file = PRICE_TABLE_FILE): PriceTable {
    const doc = readYamlFile(file, "price table");
    const problems: string[] = [];
    const num = (value: unknown, at: string) => {
        if (typeof value !== "number" || !(value >= 0)) problems.push(`${at} is not a non-negative number`);
    };
    if (!isRecord(doc)) throw new Error(`${file}: not a map`);
    if (typeof doc.read !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(doc.read)) problems.push("read is not a date");
    num(doc.hoursPerMonth, "hoursPerMonth");
    num(doc.spotFractionOfOnDemand, "spotFractionOfOnDemand");
    for (const [key, value] of Object.entries(isRecord(doc.assumptions) ? doc.assumptions : {}))
        num(value, `assumptions.${key}`);
    for (const [region, prices] of Object.entries(isRecord(doc.regions) ? doc.regions : {})) {
        const p = isRecord(prices) ? prices : {};
        const at = (key: string) => `regions.${region}.${key}`;
        num(isRecord(p.eks) ? p.eks.clusterHour : undefined, at("eks.clusterHour"));
        num(p.natGatewayHour, at("natGatewayHour"));
        num(p.kmsKeyMonth, at("kmsKeyMonth"));
        for (const [type, row] of Object.entries(isRecord(p.ec2) ? p.ec2 : {})) {
            if (!Array.isArray(row) || row.length !== 3 || row.some((v) => typeof v !== "number" || !(v > 0)))
                problems.push(`${at(`ec2.${type}`)} is not [vCPUs, memory GiB, $/hour]`);
        }
        const os = isRecord(p.opensearch) ? p.opensearch : {};
        num(os.gp3GiBMonth, at("opensearch.gp3GiBMonth"));
        for (const [type, hour] of Object.entries(isRecord(os.instanceHour) ? os.instanceHour : {}))
            num(hour, at(`opensearch.instanceHour.${type}`));
    }
    if (problems.length > 0) throw new Error(`${path.basename(file)}: ${problems.join("; ")}`);
    return doc as unknown as PriceTable;
}

import { ConfigReader } from "../config-reader";
import { EmrReleaseLabel, parseEmrReleaseLabel } from "../validators";

export interface SparkSettings {
    /** Zones Spark node pools may use; each pool lives in exactly one of them. */
    readonly zones: readonly string[];
    readonly emrRelease: EmrReleaseLabel;
    /** Upper bound of vCPUs (and memory) that Spark nodes may add up to in one zone. */
    readonly maxVcpuPerZone: number;
    readonly maxMemoryGiBPerZone: number;
}

export function readSpark(r: ConfigReader, vpcZones: readonly string[] | undefined): SparkSettings | undefined {
    const zones = r.stringList("sparkZones", "list the availability zones Spark node pools may use", {
        allowEmpty: false,
    });
    const inVpc =
        vpcZones === undefined ||
        r.checkFirst("sparkZones", zones, (zone) =>
            vpcZones.includes(zone)
                ? undefined
                : `is not one of availabilityZones (${vpcZones.join(", ")}); Spark pools need a VPC subnet in their zone`,
        );
    const label = r.string("emrReleaseLabel", "set it to an EMR on EKS release label such as emr-7.12.0-latest");
    const release = label === undefined ? undefined : parseEmrReleaseLabel(label);
    if (typeof release === "string") r.report("emrReleaseLabel", label, release);
    const maxVcpuPerZone = r.integer("sparkMaxVcpuPerZone", 4, 100_000);
    const maxMemoryGiBPerZone = r.integer("sparkMaxMemoryGiBPerZone", 8, 1_000_000);
    if (!zones || !inVpc || release === undefined || typeof release === "string") return undefined;
    if (maxVcpuPerZone === undefined || maxMemoryGiBPerZone === undefined) return undefined;
    return { zones, emrRelease: release, maxVcpuPerZone, maxMemoryGiBPerZone };
}

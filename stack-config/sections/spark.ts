import { SPARK_OPERATOR_SOURCES, SparkOperatorSource, sparkPlatformConfigProblems } from "../../components/spark";
import {
    BATCH_SCHEDULERS,
    type BatchScheduler,
    EmrReleaseLabel,
    parseEmrReleaseLabel,
} from "../../components/vocabulary";
import { ConfigReader } from "../config-reader";

export interface SparkSettings {
    /** Zones Spark node pools may use; each pool lives in exactly one of them. */
    readonly zones: readonly string[];
    readonly emrRelease: EmrReleaseLabel;
    /** Upper bound of vCPUs (and memory) that Spark nodes may add up to in one zone. */
    readonly maxVcpuPerZone: number;
    readonly maxMemoryGiBPerZone: number;
    /** Where the Spark Operator chart is pulled from (`sparkOperatorSource`). */
    readonly operatorSource: SparkOperatorSource;
    /** Release date pinning the EMR Spark image (`emrImageTag`); absent when the release label is dated. */
    readonly emrImageTag?: string;
    /** Create each team's sample SparkApplication in the cluster (`deploySparkSamples`). */
    readonly deploySamples: boolean;
    /** Who places the teams' Spark pods (`batchScheduler`): the default scheduler, or YuniKorn with team queues. */
    readonly batchScheduler: BatchScheduler;
}

export function readSpark(
    r: ConfigReader,
    vpcZones: readonly string[] | undefined,
    region: string | undefined,
): SparkSettings | undefined {
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
    const operatorSource = r.oneOf("sparkOperatorSource", SPARK_OPERATOR_SOURCES);
    const emrImageTag = r.optionalString("emrImageTag");
    const deploySamples = r.boolean("deploySparkSamples");
    const batchScheduler = r.oneOf("batchScheduler", BATCH_SCHEDULERS);
    // The region, release, source and image tag together: a registry for the region, a chart version for the
    // release, an immutable image tag. Checked once here so a bad combination fails before anything is created.
    let platformOk = true;
    if (region !== undefined && release !== undefined && typeof release !== "string" && operatorSource) {
        const problems = sparkPlatformConfigProblems({
            region,
            release,
            sparkOperatorSource: operatorSource,
            ...(emrImageTag === undefined ? {} : { emrImageTag }),
        });
        for (const problem of problems) r.report(problem.key, problem.value, problem.what);
        platformOk = problems.length === 0;
    }
    if (!zones || !inVpc || release === undefined || typeof release === "string") return undefined;
    if (maxVcpuPerZone === undefined || maxMemoryGiBPerZone === undefined) return undefined;
    if (!operatorSource || deploySamples === undefined || !platformOk || !batchScheduler) return undefined;
    return {
        zones,
        emrRelease: release,
        maxVcpuPerZone,
        maxMemoryGiBPerZone,
        operatorSource,
        ...(emrImageTag === undefined ? {} : { emrImageTag }),
        deploySamples,
        batchScheduler,
    };
}

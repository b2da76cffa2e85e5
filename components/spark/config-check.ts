/**
 * Checks of the stack configuration the Spark components read, as one line per problem, for the settings parser
 * to add to its InvalidConfigError (so a bad value fails before anything is registered, not mid-deployment).
 */
import { parseEmrReleaseLabel } from "../settings/validators";
import { emrSparkImage, sparkOperatorChart, SPARK_OPERATOR_SOURCES, SparkOperatorSource } from "./operator-chart";

export interface SparkPlatformConfig {
    /** `aws:region`. */
    readonly region: string;
    /** `emrReleaseLabel`. */
    readonly emrReleaseLabel: string;
    /** `sparkOperatorSource`; absent means regional-ecr. */
    readonly sparkOperatorSource?: string;
    /** `emrImageTag`; required when the label ends in -latest. */
    readonly emrImageTag?: string;
}

/** Problems with the Spark settings, each `<key>: <value> <what is wrong; the fix>`; empty when all is well. */
export function sparkPlatformConfigProblems(config: SparkPlatformConfig): string[] {
    const source = config.sparkOperatorSource ?? "regional-ecr";
    if (!(SPARK_OPERATOR_SOURCES as readonly string[]).includes(source)) {
        return [
            `sparkOperatorSource: ${JSON.stringify(source)} is not allowed; ` +
                `use one of: ${SPARK_OPERATOR_SOURCES.join(", ")}`,
        ];
    }
    const chart = sparkOperatorChart(config.region, config.emrReleaseLabel, source as SparkOperatorSource);
    if (Array.isArray(chart)) return chart;
    const release = parseEmrReleaseLabel(config.emrReleaseLabel);
    if (typeof release === "string") return [`emrReleaseLabel: ${JSON.stringify(config.emrReleaseLabel)} ${release}`];
    const image = emrSparkImage(config.region, release, config.emrImageTag);
    return typeof image === "string" ? [] : [image.problem];
}

/**
 * The Spark settings checked together, as typed problems, for the settings parser to report under their keys (so a
 * bad combination fails before anything is registered, not mid-deployment).
 */
import type { EmrReleaseLabel } from "../vocabulary";
import { SparkConfigProblem, SparkOperatorSource, emrSparkImage, sparkOperatorChart } from "./operator-chart";

export interface SparkPlatformConfig {
    /** `aws:region`. */
    readonly region: string;
    /** `emrReleaseLabel`, parsed. */
    readonly release: EmrReleaseLabel;
    /** `sparkOperatorSource`. */
    readonly sparkOperatorSource: SparkOperatorSource;
    /** `emrImageTag`; required when the label ends in -latest. */
    readonly emrImageTag?: string;
}

/** Every problem with the region, release, source and image tag together; empty when all is well. */
export function sparkPlatformConfigProblems(config: SparkPlatformConfig): SparkConfigProblem[] {
    const chart = sparkOperatorChart(config.region, config.release, config.sparkOperatorSource);
    if (Array.isArray(chart)) return chart;
    const image = emrSparkImage(config.region, config.release, config.emrImageTag);
    return typeof image === "string" ? [] : [image];
}

/**
 * Spark settings every job gets, in tiers (platform < team < job), from one source for all job paths: EMR
 * StartJobRun requests, EMR job templates and SparkApplications.
 */
export {
    JOB_IDENTITY_LABELS,
    METRICS_NAMESPACE,
    METRICS_PATHS,
    TEAM_POD_LABEL,
    platformSparkConf,
    type JobContext,
} from "./platform-defaults";
export {
    OWNED_KEYS,
    type OwnedKey,
    type SparkConf,
    type SparkConfTiers,
    type TeamSparkConf,
    overrideProblem,
    ownerOf,
    resolveSparkConf,
    sparkSubmitConfArguments,
} from "./tiers";

/**
 * Spark settings every job gets, in tiers (platform < team < job), from one source for all job paths: EMR
 * StartJobRun requests, EMR job templates and SparkApplications.
 */
export {
    EXECUTOR_TERMINATION_GRACE_SECONDS,
    GLUE_CLIENT_FACTORY,
    GLUE_HIVE_SITE,
    hiveSiteAsSparkConf,
    JOB_IDENTITY_LABELS,
    METRICS_NAMESPACE,
    METRICS_PATHS,
    OPERATOR_DEFAULTS_SINCE,
    operatorRuntimeConf,
    TEAM_POD_LABEL,
    platformSparkConf,
    sparkApplicationConf,
    type JobContext,
    WEB_IDENTITY_PROVIDER,
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

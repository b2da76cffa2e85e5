/**
 * The platform tier of every job's Spark settings: the one source the EMR StartJobRun requests, the EMR job
 * templates and the SparkApplications all render from, so the three job paths cannot drift apart.
 *
 * - Event logs: every job writes a rolling event log under its team's `spark-events/<team>/` prefix, where the
 *   Spark History Server reads (Spark's `spark.eventLog.rolling.*`, off by default before Spark 4; rolled files of
 *   at most 128 MiB keep the History Server's replay memory bounded).
 * - Metrics (the metrics contract): the driver UI (port 4040, container port `spark-ui`) serves the
 *   PrometheusServlet sink at `/metrics/driver/prometheus/` and executor metrics at `/metrics/executors/prometheus/`
 *   (`spark.ui.prometheus.enabled`, off by default before Spark 4); a fixed `spark.metrics.namespace` keeps metric
 *   names the same for every run instead of carrying the application id. `spark.metrics.appStatusSource.enabled`
 *   adds the job, stage and task counters (failed tasks among them). Pods carry the team's label; Spark adds
 *   `spark-role` and `spark-app-selector`, EMR adds its job and virtual-cluster ids (JOB_IDENTITY_LABELS).
 * - Spot resilience: an executor whose Spot node is reclaimed is decommissioned (`spark.decommission.enabled`,
 *   Spark ≥ 3.1, EMR ≥ 6.3): it stops taking tasks and migrates its cached RDD and shuffle blocks to peers
 *   (`spark.storage.decommission.*`), or to the team's fallback prefix when no peer can take them
 *   (`fallbackStorage.path`, removed at the job's end with `fallbackStorage.cleanUp`). Its pod's
 *   `terminationGracePeriodSeconds` (EXECUTOR_TERMINATION_GRACE_SECONDS, in the executor pod template and the
 *   SparkApplication) bounds the migration inside the two-minute Spot notice.
 * - Dynamic allocation with shuffle tracking (no external shuffle service on Kubernetes): executors come and go with
 *   the work, and one holding shuffle data a later stage needs is kept. An idle executor leaves after 60 s, less than
 *   the autoscaler's consolidation delay, so nodes empty before they are removed.
 * - The Glue Data Catalog as the Hive metastore (GLUE_HIVE_SITE): EMR's `spark-hive-site` classification on EMR, the
 *   same property as `spark.hadoop.*` for SparkApplications (hiveSiteAsSparkConf).
 * - S3 and Glue as the team's job role, by web identity, on the operator path too: EMR job runs get their S3 and Glue
 *   set-up from EMR; a SparkApplication on an image older than emr-7.2.0 gets the settings EMR's Spark operator guide
 *   prescribes for it (operatorRuntimeConf), which newer images carry themselves.
 */
import type { EmrReleaseLabel } from "../vocabulary";
import type { SparkConf } from "./tiers";

/** What the platform tier depends on: the team the job belongs to and where its files go. */
export interface JobContext {
    /** The team (a DNS label). */
    readonly team: string;
    /** `s3://<bucket>/spark-events/<team>/`: the team's event-log prefix. */
    readonly eventLogDir: string;
    /** `s3://<bucket>/shuffle-fallback/<team>/`: where a decommissioned executor leaves blocks no peer took. */
    readonly fallbackStorageDir: string;
}

/**
 * Seconds a Spot executor's pod has to decommission before it is killed: inside EC2's two-minute interruption
 * notice, with time left for the autoscaler to learn of it (Karpenter's interruption queue) and start the drain.
 */
export const EXECUTOR_TERMINATION_GRACE_SECONDS = 90;

/** Class that makes Hive's metastore client the Glue Data Catalog (EMR's Glue connector, in every EMR image). */
export const GLUE_CLIENT_FACTORY = "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory";

/** hive-site.xml properties every job gets (EMR's `spark-hive-site` classification). */
export const GLUE_HIVE_SITE: SparkConf = { "hive.metastore.client.factory.class": GLUE_CLIENT_FACTORY };

/**
 * hive-site properties as Spark settings, for job paths without EMR's classifications (SparkApplications): Spark
 * copies every `spark.hadoop.*` setting into the Hadoop configuration the Hive client reads.
 */
export function hiveSiteAsSparkConf(hiveSite: SparkConf): SparkConf {
    return Object.fromEntries(Object.entries(hiveSite).map(([key, value]) => [`spark.hadoop.${key}`, value]));
}

/**
 * The first release whose images configure S3 (with the pod's web identity) and the EMR runtime's class path,
 * the Glue client's among it, for SparkApplications themselves: "If you use Amazon EMR releases 7.2.0 and higher,
 * the configurations are included by default" (EMR on EKS Development Guide, Spark operator, "Use Amazon S3 for
 * storage").
 */
export const OPERATOR_DEFAULTS_SINCE = { major: 7, minor: 2 } as const;

/** Where the EMR images keep the EMR runtime: EMRFS, the AWS SDK and the Glue catalog client (the same guide). */
const EMR_RUNTIME_CLASS_PATH = [
    "/usr/lib/hadoop-lzo/lib/*",
    "/usr/lib/hadoop/hadoop-aws.jar",
    "/usr/share/aws/aws-java-sdk/*",
    "/usr/share/aws/emr/emrfs/conf",
    "/usr/share/aws/emr/emrfs/lib/*",
    "/usr/share/aws/emr/emrfs/auxlib/*",
    "/usr/share/aws/emr/security/conf",
    "/usr/share/aws/emr/security/lib/*",
    "/usr/share/aws/hmclient/lib/aws-glue-datacatalog-spark-client.jar",
    "/usr/share/java/Hive-JSON-Serde/hive-openx-serde.jar",
    "/usr/share/aws/sagemaker-spark-sdk/lib/sagemaker-spark-sdk.jar",
    "/home/hadoop/extrajars/*",
].join(":");
const EMR_RUNTIME_LIBRARY_PATH = [
    "/usr/lib/hadoop/lib/native",
    "/usr/lib/hadoop-lzo/lib/native",
    "/docker/usr/lib/hadoop/lib/native",
    "/docker/usr/lib/hadoop-lzo/lib/native",
].join(":");

/** The AWS SDK (v1) provider that reads the web identity token IRSA mounts in every pod of the team's service account. */
export const WEB_IDENTITY_PROVIDER = "com.amazonaws.auth.WebIdentityTokenCredentialsProvider";

/**
 * What a SparkApplication on an image older than emr-7.2.0 needs to reach S3 and the Glue Data Catalog as the team's
 * job role: `s3://` through EMRFS with the web identity token (the guide's `hadoopConf`), `s3a://` with the same
 * provider (S3A's default chain ends at the instance's role, which the namespace's NetworkPolicies block), and the
 * EMR runtime on the driver's and executors' class path, without which the Glue client factory is not found. Newer
 * images carry these themselves; the settings are rendered for the releases that need them only, so they cannot
 * shadow a newer image's own.
 */
export function operatorRuntimeConf(release: Pick<EmrReleaseLabel, "major" | "minor">): SparkConf {
    const since = OPERATOR_DEFAULTS_SINCE;
    if (release.major > since.major || (release.major === since.major && release.minor >= since.minor)) return {};
    return {
        "spark.hadoop.fs.s3.customAWSCredentialsProvider": WEB_IDENTITY_PROVIDER,
        "spark.hadoop.fs.s3.impl": "com.amazon.ws.emr.hadoop.fs.EmrFileSystem",
        "spark.hadoop.fs.AbstractFileSystem.s3.impl": "org.apache.hadoop.fs.s3.EMRFSDelegate",
        "spark.hadoop.fs.s3a.aws.credentials.provider": WEB_IDENTITY_PROVIDER,
        "spark.driver.extraClassPath": EMR_RUNTIME_CLASS_PATH,
        "spark.executor.extraClassPath": EMR_RUNTIME_CLASS_PATH,
        "spark.driver.extraLibraryPath": EMR_RUNTIME_LIBRARY_PATH,
        "spark.executor.extraLibraryPath": EMR_RUNTIME_LIBRARY_PATH,
    };
}

/**
 * A SparkApplication's `sparkConf`: the platform's and the team's settings, the platform's hive-site, and for
 * releases before emr-7.2.0 the S3 and runtime settings the operator path needs (operatorRuntimeConf).
 */
export function sparkApplicationConf(
    sparkConf: SparkConf,
    release: Pick<EmrReleaseLabel, "major" | "minor">,
): SparkConf {
    return { ...sparkConf, ...hiveSiteAsSparkConf(GLUE_HIVE_SITE), ...operatorRuntimeConf(release) };
}

/** `spark.metrics.namespace`: metric names start `metrics_spark_` on every run. */
export const METRICS_NAMESPACE = "spark";

/** Where the driver UI serves metrics in Prometheus' format (the metrics contract). */
export const METRICS_PATHS = {
    driver: "/metrics/driver/prometheus/",
    executors: "/metrics/executors/prometheus/",
} as const;

/** Label every driver and executor pod carries with its team's name. */
export const TEAM_POD_LABEL = "spark-platform/team";

/**
 * Pod labels that identify a job's pods in a scrape: set by the platform (team), by Spark (role, application id) and,
 * for EMR job runs, by EMR (job run and virtual cluster).
 */
export const JOB_IDENTITY_LABELS = {
    team: TEAM_POD_LABEL,
    role: "spark-role",
    application: "spark-app-selector",
    emrJobRun: "emr-containers.amazonaws.com/job.id",
    emrVirtualCluster: "emr-containers.amazonaws.com/virtual-cluster-id",
} as const;

/** The platform's Spark settings for a job of `ctx.team`. */
export function platformSparkConf(ctx: JobContext): SparkConf {
    for (const [what, dir] of [
        ["event-log dir", ctx.eventLogDir],
        ["fallback storage dir", ctx.fallbackStorageDir],
    ]) {
        if (!/^s3:\/\/[^/]+\/.+\/$/.test(dir))
            throw new Error(`${what} ${JSON.stringify(dir)} must be an s3:// prefix ending in /`);
    }
    return {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": ctx.eventLogDir,
        "spark.eventLog.rolling.enabled": "true",
        "spark.eventLog.rolling.maxFileSize": "128m",
        "spark.ui.prometheus.enabled": "true",
        "spark.metrics.conf.*.sink.prometheusServlet.class": "org.apache.spark.metrics.sink.PrometheusServlet",
        "spark.metrics.conf.*.sink.prometheusServlet.path": METRICS_PATHS.driver,
        "spark.metrics.namespace": METRICS_NAMESPACE,
        "spark.metrics.appStatusSource.enabled": "true",
        [`spark.kubernetes.driver.label.${TEAM_POD_LABEL}`]: ctx.team,
        [`spark.kubernetes.executor.label.${TEAM_POD_LABEL}`]: ctx.team,
        "spark.decommission.enabled": "true",
        "spark.storage.decommission.enabled": "true",
        "spark.storage.decommission.rddBlocks.enabled": "true",
        "spark.storage.decommission.shuffleBlocks.enabled": "true",
        "spark.storage.decommission.fallbackStorage.path": ctx.fallbackStorageDir,
        "spark.storage.decommission.fallbackStorage.cleanUp": "true",
        "spark.dynamicAllocation.enabled": "true",
        "spark.dynamicAllocation.shuffleTracking.enabled": "true",
        "spark.dynamicAllocation.executorIdleTimeout": "60s",
    };
}

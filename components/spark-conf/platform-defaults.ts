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
 */
import type { SparkConf } from "./tiers";

/** What the platform tier depends on: the team the job belongs to and where its files go. */
export interface JobContext {
    /** The team (a DNS label). */
    readonly team: string;
    /** `s3://<bucket>/spark-events/<team>/`: the team's event-log prefix. */
    readonly eventLogDir: string;
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
    if (!/^s3:\/\/[^/]+\/.+\/$/.test(ctx.eventLogDir))
        throw new Error(`event-log dir ${JSON.stringify(ctx.eventLogDir)} must be an s3:// prefix ending in /`);
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
    };
}

/**
 * What the managed collector scrapes, and the metric names each target serves, as read upstream. Alert rules and
 * dashboards may use only names listed here (a test holds them to it), so a rule never waits on a metric nobody
 * produces.
 */
import { METRICS_NAMESPACE } from "../spark-conf";
import type { Autoscaler } from "../vocabulary";

/** Scrape jobs of the collector, by what they scrape. */
export const SCRAPE_JOBS = {
    sparkDriver: "spark-driver",
    sparkExecutors: "spark-executors",
    karpenter: "karpenter",
    clusterAutoscaler: "cluster-autoscaler",
} as const;
export type ScrapeJob = (typeof SCRAPE_JOBS)[keyof typeof SCRAPE_JOBS];

/** Target labels the Spark jobs add from the driver pod (relabeling), on every series they scrape. */
export const SPARK_TARGET_LABELS = {
    team: "team",
    namespace: "namespace",
    pod: "pod",
    appId: "app_id",
    virtualClusterId: "virtual_cluster_id",
    jobRunId: "job_run_id",
} as const;

/**
 * `/metrics/executors/prometheus/` (PrometheusResource.scala, Spark 3.1+): `spark_info`, then per active executor
 * (and the driver, `executor_id="driver"`) these series, labelled application_id, application_name, executor_id.
 */
const EXECUTOR_METRICS = [
    "spark_info",
    "metrics_executor_rddBlocks",
    "metrics_executor_memoryUsed_bytes",
    "metrics_executor_diskUsed_bytes",
    "metrics_executor_totalCores",
    "metrics_executor_maxTasks",
    "metrics_executor_activeTasks",
    "metrics_executor_failedTasks_total",
    "metrics_executor_completedTasks_total",
    "metrics_executor_totalTasks_total",
    "metrics_executor_totalDuration_seconds_total",
    "metrics_executor_totalGCTime_seconds_total",
    "metrics_executor_totalInputBytes_bytes_total",
    "metrics_executor_totalShuffleRead_bytes_total",
    "metrics_executor_totalShuffleWrite_bytes_total",
    "metrics_executor_maxMemory_bytes",
] as const;

/**
 * A driver metric's name as the PrometheusServlet prints it: the registry key `<namespace>.driver.<source>.<name>`
 * with every character outside [A-Za-z0-9] made `_`, prefixed `metrics_`, suffixed `_` and the value's kind
 * (`Value` and `Number` for gauges, `Count` for counters).
 */
export function driverMetricName(source: string, metric: string, kind: "Value" | "Number" | "Count"): string {
    const key = `${METRICS_NAMESPACE}.driver.${source}.${metric}`;
    return `metrics_${key.replace(/[^a-zA-Z0-9]/g, "_")}_${kind}`;
}

/**
 * `/metrics/driver/prometheus/` (PrometheusServlet.scala) with `spark.metrics.namespace` fixed: the DAGScheduler
 * source's gauges (DAGSchedulerSource.scala) and, with `spark.metrics.appStatusSource.enabled` (the platform's
 * job defaults set it), the application status counters (AppStatusSource.scala): whole-application counts that
 * keep the tasks of executors that are gone.
 */
const DRIVER_METRICS = [
    ...["stage.failedStages", "stage.runningStages", "stage.waitingStages", "job.allJobs", "job.activeJobs"].flatMap(
        (m) => [driverMetricName("DAGScheduler", m, "Value"), driverMetricName("DAGScheduler", m, "Number")],
    ),
    ...[
        "jobs.succeededJobs",
        "jobs.failedJobs",
        "stages.completedStages",
        "stages.failedStages",
        "tasks.completedTasks",
        "tasks.failedTasks",
        "tasks.killedTasks",
        "tasks.excludedExecutors",
    ].map((m) => driverMetricName("appStatus", m, "Count")),
];

/** Karpenter 1.14 (website/content/en/v1.14/reference/metrics.md; karpenter_pods_state labels from its pod controller). */
const KARPENTER_METRICS = [
    "karpenter_pods_state",
    "karpenter_nodepools_usage",
    "karpenter_nodepools_limit",
    "karpenter_nodes_allocatable",
    "karpenter_nodes_created_total",
    "karpenter_nodes_terminated_total",
    "karpenter_nodeclaims_created_total",
    "karpenter_nodeclaims_disrupted_total",
    "karpenter_scheduler_queue_depth",
    "karpenter_interruption_received_messages_total",
] as const;

/** Cluster Autoscaler (cluster-autoscaler/metrics/metrics.go). */
const CLUSTER_AUTOSCALER_METRICS = [
    "cluster_autoscaler_unschedulable_pods_count",
    "cluster_autoscaler_nodes_count",
    "cluster_autoscaler_max_nodes_count",
    "cluster_autoscaler_scaled_up_nodes_total",
    "cluster_autoscaler_scaled_down_nodes_total",
    "cluster_autoscaler_failed_scale_ups_total",
    "cluster_autoscaler_cluster_safe_to_autoscale",
] as const;

/** Series Prometheus itself records for every target of every job (`up`: 1 when the scrape succeeded). */
export const SYNTHETIC_METRICS = ["up", "scrape_duration_seconds", "scrape_samples_scraped"] as const;

export const METRICS_BY_JOB: Readonly<Record<ScrapeJob, readonly string[]>> = {
    [SCRAPE_JOBS.sparkDriver]: DRIVER_METRICS,
    [SCRAPE_JOBS.sparkExecutors]: EXECUTOR_METRICS,
    [SCRAPE_JOBS.karpenter]: KARPENTER_METRICS,
    [SCRAPE_JOBS.clusterAutoscaler]: CLUSTER_AUTOSCALER_METRICS,
};

/** The scrape jobs a stack runs: both Spark paths and its one autoscaler. */
export function scrapeJobsFor(autoscaler: Autoscaler): ScrapeJob[] {
    return [
        SCRAPE_JOBS.sparkDriver,
        SCRAPE_JOBS.sparkExecutors,
        autoscaler === "karpenter" ? SCRAPE_JOBS.karpenter : SCRAPE_JOBS.clusterAutoscaler,
    ];
}

/** Every metric name a stack with this autoscaler collects. */
export function collectedMetrics(autoscaler: Autoscaler): ReadonlySet<string> {
    return new Set([...SYNTHETIC_METRICS, ...scrapeJobsFor(autoscaler).flatMap((job) => METRICS_BY_JOB[job])]);
}

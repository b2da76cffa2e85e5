/**
 * The metrics contract between the Spark job paths (which set Spark's confs) and the metrics pipeline (which scrapes
 * them): where a driver serves its metrics and under which stable names. Spark's own spelling, checked upstream:
 * the PrometheusServlet sink (core/.../metrics/sink/PrometheusServlet.scala) and the executor summary
 * (core/.../status/api/v1/PrometheusResource.scala, Spark 3.1 and later).
 */

/** The driver's UI port, which serves both metrics paths; Spark names the driver pod's container port `spark-ui`. */
export const SPARK_UI_PORT = 4040;
export const SPARK_UI_PORT_NAME = "spark-ui";

/** PrometheusServlet sink path (`spark.metrics.conf.*.sink.prometheusServlet.path`): the driver's own metrics. */
export const DRIVER_METRICS_PATH = "/metrics/driver/prometheus/";
/** Served with `spark.ui.prometheus.enabled=true`: one series per active executor (and the driver) and metric. */
export const EXECUTOR_METRICS_PATH = "/metrics/executors/prometheus/";

/**
 * `spark.metrics.namespace`. Spark's default is the application id, which would put the id into every driver
 * metric's name (`metrics_spark-1234_driver_…`); fixed, the names are the same for every job.
 */
export const SPARK_METRICS_NAMESPACE = "spark";

/** Labels Spark puts on every pod of an application. */
export const SPARK_POD_LABELS = {
    /** `driver` or `executor`. */
    role: "spark-role",
    /** The application id (`spark-<hex>`, or EMR's job run's). */
    appSelector: "spark-app-selector",
} as const;

/**
 * A driver metric's name as the PrometheusServlet prints it: the registry key `<namespace>.driver.<source>.<name>`
 * with every character outside [A-Za-z0-9] made `_`, prefixed `metrics_`, suffixed `_` and the value's kind
 * (`Value` and `Number` for gauges, `Count` for counters).
 */
export function driverMetricName(source: string, metric: string, kind: "Value" | "Number" | "Count"): string {
    const key = `${SPARK_METRICS_NAMESPACE}.driver.${source}.${metric}`;
    return `metrics_${key.replace(/[^a-zA-Z0-9]/g, "_")}_${kind}`;
}

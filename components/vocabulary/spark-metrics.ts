/**
 * The port of the metrics contract between the Spark job paths and the metrics pipeline: the driver UI, which
 * serves both of Spark's Prometheus paths (components/spark-conf sets them). Spark names the driver pod's container
 * port `spark-ui` (Spark on Kubernetes' driver pod builder).
 */
export const SPARK_UI_PORT = 4040;
export const SPARK_UI_PORT_NAME = "spark-ui";

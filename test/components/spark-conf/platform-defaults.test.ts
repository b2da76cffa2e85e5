import * as assert from "node:assert/strict";
import { platformSparkConf } from "../../../components/spark-conf";

const PLATFORM = platformSparkConf({ team: "data-eng", eventLogDir: "s3://bucket/spark-events/data-eng/" });

describe("the platform's Spark defaults", () => {
    it("write a rolling event log to the team's prefix", () => {
        assert.equal(PLATFORM["spark.eventLog.enabled"], "true");
        assert.equal(PLATFORM["spark.eventLog.dir"], "s3://bucket/spark-events/data-eng/");
        assert.equal(PLATFORM["spark.eventLog.rolling.enabled"], "true");
        // Spark refuses a rolled file below 10 MiB (EVENT_LOG_ROLLING_MAX_FILE_SIZE's check).
        assert.equal(PLATFORM["spark.eventLog.rolling.maxFileSize"], "128m");
    });

    it("serve driver and executor metrics on the driver UI under the metrics contract's paths and namespace", () => {
        assert.equal(
            PLATFORM["spark.metrics.conf.*.sink.prometheusServlet.class"],
            "org.apache.spark.metrics.sink.PrometheusServlet",
        );
        assert.equal(PLATFORM["spark.metrics.conf.*.sink.prometheusServlet.path"], "/metrics/driver/prometheus/");
        assert.equal(PLATFORM["spark.ui.prometheus.enabled"], "true");
        assert.equal(PLATFORM["spark.metrics.namespace"], "spark");
    });

    it("label driver and executor pods with the team", () => {
        assert.equal(PLATFORM["spark.kubernetes.driver.label.spark-platform/team"], "data-eng");
        assert.equal(PLATFORM["spark.kubernetes.executor.label.spark-platform/team"], "data-eng");
    });

    it("refuse an event-log dir that is not an s3:// prefix", () => {
        assert.throws(
            () => platformSparkConf({ team: "a", eventLogDir: "s3://bucket/spark-events/a" }),
            /must be an s3:\/\/ prefix ending in \//,
        );
    });
});

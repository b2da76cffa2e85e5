import * as assert from "node:assert/strict";
import {
    EXECUTOR_TERMINATION_GRACE_SECONDS,
    GLUE_HIVE_SITE,
    hiveSiteAsSparkConf,
    overrideProblem,
    platformSparkConf,
    sparkApplicationConf,
} from "../../../components/spark-conf";
import { parseEmrReleaseLabel } from "../../../components/vocabulary";

const PLATFORM = platformSparkConf({
    team: "data-eng",
    eventLogDir: "s3://bucket/spark-events/data-eng/",
    fallbackStorageDir: "s3://bucket/shuffle-fallback/data-eng/",
});

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
            () =>
                platformSparkConf({
                    team: "a",
                    eventLogDir: "s3://bucket/spark-events/a",
                    fallbackStorageDir: "s3://bucket/shuffle-fallback/a",
                }),
            /must be an s3:\/\/ prefix ending in \//,
        );
    });
});

describe("the platform's Spot resilience, dynamic allocation and metastore defaults", () => {
    it("decommission executors, migrating RDD and shuffle blocks to peers or the team's fallback prefix", () => {
        for (const key of [
            "spark.decommission.enabled",
            "spark.storage.decommission.enabled",
            "spark.storage.decommission.rddBlocks.enabled",
            "spark.storage.decommission.shuffleBlocks.enabled",
            "spark.storage.decommission.fallbackStorage.cleanUp",
        ])
            assert.equal(PLATFORM[key], "true", key);
        // Spark checks that the path ends with a separator (STORAGE_DECOMMISSION_FALLBACK_STORAGE_PATH).
        assert.equal(
            PLATFORM["spark.storage.decommission.fallbackStorage.path"],
            "s3://bucket/shuffle-fallback/data-eng/",
        );
    });

    it("give an executor less time to decommission than EC2's two-minute Spot notice", () => {
        assert.ok(EXECUTOR_TERMINATION_GRACE_SECONDS < 120);
    });

    it("scale executors with the work, keeping those that hold shuffle data, without an external shuffle service", () => {
        assert.equal(PLATFORM["spark.dynamicAllocation.enabled"], "true");
        assert.equal(PLATFORM["spark.dynamicAllocation.shuffleTracking.enabled"], "true");
        assert.equal(PLATFORM["spark.shuffle.service.enabled"], undefined);
        assert.equal(PLATFORM["spark.dynamicAllocation.executorIdleTimeout"], "60s");
    });

    it("make the Glue Data Catalog the metastore: a hive-site property, or its spark.hadoop. form", () => {
        assert.deepEqual(GLUE_HIVE_SITE, {
            "hive.metastore.client.factory.class":
                "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
        });
        assert.deepEqual(hiveSiteAsSparkConf(GLUE_HIVE_SITE), {
            "spark.hadoop.hive.metastore.client.factory.class":
                "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
        });
        assert.deepEqual(sparkApplicationConf(PLATFORM, release("emr-7.12.0-latest")), {
            ...PLATFORM,
            ...hiveSiteAsSparkConf(GLUE_HIVE_SITE),
        });
    });
});

function release(label: string) {
    const parsed = parseEmrReleaseLabel(label);
    if (typeof parsed === "string") throw new Error(parsed);
    return parsed;
}

describe("a SparkApplication's S3 and Glue access as the team's job role", () => {
    const GLUE_JAR = "/usr/share/aws/hmclient/lib/aws-glue-datacatalog-spark-client.jar";
    const WEB_IDENTITY = "com.amazonaws.auth.WebIdentityTokenCredentialsProvider";

    for (const label of ["emr-6.10.0-latest", "emr-6.12.0-java17-latest", "emr-7.1.0-latest"]) {
        it(`reaches s3:// and s3a:// with the pod's web identity and finds the Glue client on ${label}`, () => {
            const conf = sparkApplicationConf(PLATFORM, release(label));
            // EMR's Spark operator guide, "Use Amazon S3 for storage": EMRFS for s3:// with the web identity token.
            assert.equal(conf["spark.hadoop.fs.s3.impl"], "com.amazon.ws.emr.hadoop.fs.EmrFileSystem");
            assert.equal(conf["spark.hadoop.fs.s3.customAWSCredentialsProvider"], WEB_IDENTITY);
            assert.equal(conf["spark.hadoop.fs.s3a.aws.credentials.provider"], WEB_IDENTITY);
            for (const role of ["driver", "executor"])
                assert.ok(conf[`spark.${role}.extraClassPath`].split(":").includes(GLUE_JAR), role);
            assert.equal(
                conf["spark.hadoop.hive.metastore.client.factory.class"],
                "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
            );
        });
    }

    for (const label of ["emr-7.2.0-latest", "emr-7.12.0-latest", "emr-7.12.0-20251111"]) {
        it(`leaves S3 and the class path to the image on ${label}, which carries them`, () => {
            const conf = sparkApplicationConf(PLATFORM, release(label));
            for (const key of Object.keys(conf))
                assert.doesNotMatch(key, /^spark\.hadoop\.fs\.|extraClassPath|extraLibraryPath/, key);
        });
    }

    it("never renders static keys, and refuses a team's credentials provider", () => {
        for (const label of ["emr-6.10.0-latest", "emr-7.12.0-latest"])
            for (const key of Object.keys(sparkApplicationConf(PLATFORM, release(label))))
                assert.doesNotMatch(key, /access\.key|secret\.key|session\.token|AccessKeyId|SecretAccessKey|AWS_/);
        for (const key of [
            "spark.hadoop.fs.s3.customAWSCredentialsProvider",
            "spark.hadoop.fs.s3a.aws.credentials.provider",
        ])
            assert.match(String(overrideProblem(key, "x.Y")), /the platform owns .* \(credentials/);
    });
});

import * as assert from "node:assert/strict";
import {
    OWNED_KEYS,
    overrideProblem,
    platformSparkConf,
    resolveSparkConf,
    sparkSubmitConfArguments,
} from "../../../components/spark-conf";

const PLATFORM = platformSparkConf({
    team: "data-eng",
    eventLogDir: "s3://bucket/spark-events/data-eng/",
    fallbackStorageDir: "s3://bucket/shuffle-fallback/data-eng/",
});

describe("Spark settings in tiers", () => {
    it("lets the team win over the platform's defaults and the job over both", () => {
        const resolved = resolveSparkConf({
            platform: { ...PLATFORM, "spark.sql.shuffle.partitions": "200" },
            team: { "spark.sql.shuffle.partitions": 400, "spark.executor.memory": "8g" },
            job: { "spark.executor.memory": "16g", "spark.speculation": true },
        });
        assert.equal(resolved["spark.sql.shuffle.partitions"], "400");
        assert.equal(resolved["spark.executor.memory"], "16g");
        assert.equal(resolved["spark.speculation"], "true");
        assert.equal(resolved["spark.eventLog.dir"], "s3://bucket/spark-events/data-eng/");
    });

    const refused: [string, string, RegExp][] = [
        [
            "spark.kubernetes.namespace",
            "other-team",
            /the platform owns spark\.kubernetes\.namespace \(the team's namespace\)/,
        ],
        [
            "spark.kubernetes.authenticate.driver.serviceAccountName",
            "other-sa",
            /owns every spark\.kubernetes\.authenticate\.\* key \(the team's service account and job role\)/,
        ],
        ["spark.kubernetes.driver.podTemplateFile", "s3://x/t.yaml", /zone placement/],
        ["spark.kubernetes.executor.node.selector.topology.kubernetes.io/zone", "us-west-2b", /zone placement/],
        ["spark.hadoop.fs.s3a.access.key", "AKIA", /credentials/],
        ["spark.executorEnv.AWS_SECRET_ACCESS_KEY", "s", /credentials/],
        ["spark.eventLog.dir", "s3://elsewhere/", /the team's event-log prefix/],
        ["spark.metrics.namespace", "app", /the metrics contract/],
        ["spark.metrics.conf.*.sink.prometheusServlet.path", "/x", /the metrics contract/],
        ["spark.kubernetes.driver.label.spark-platform/team", "other", /the platform's pod labels/],
        // Other spellings Spark and Hadoop read as an owned key.
        [
            "spark.hive.metastore.client.factory.class",
            "org.apache.hadoop.hive.ql.metadata.SessionHiveMetaStoreClientFactory",
            /the Glue Data Catalog metastore, read as spark\.hadoop\.hive\.metastore\.client\.factory\.class\)/,
        ],
        [
            "spark.hadoop.fs.s3a.bucket.other-bucket.access.key",
            "AKIA",
            /credentials \(the job role, through web identity\), read as spark\.hadoop\.fs\.s3a\.access\.key\)/,
        ],
        [
            "spark.hadoop.fs.s3a.bucket.data.example.com.aws.credentials.provider",
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
            /read as spark\.hadoop\.fs\.s3a\.aws\.credentials\.provider\)/,
        ],
        ["spark.hadoop.fs.s3a.bucket.b.assumed.role.arn", "arn:aws:iam::1:role/x", /credentials/],
        ["spark.hadoop.hadoop.security.credential.provider.path", "jceks://s3a@b/keys.jceks", /credentials/],
        ["spark.hadoop.fs.s3a.bucket.b.security.credential.provider.path", "jceks://s3a@b/k.jceks", /credentials/],
        ["spark.kubernetes.executor.secretKeyRef.AWS_ACCESS_KEY_ID", "static-keys:id", /credentials/],
        ["spark.kubernetes.driver.secretKeyRef.AWS_SECRET_ACCESS_KEY", "static-keys:secret", /credentials/],
    ];
    for (const [key, value, why] of refused) {
        it(`refuses a team or job setting of ${key}, in one line naming key, value and what is allowed`, () => {
            for (const tier of ["team", "job"] as const) {
                assert.throws(
                    () => resolveSparkConf({ platform: PLATFORM, [tier]: { [key]: value } }),
                    (e: Error) => {
                        assert.ok(!e.message.includes("\n"), e.message);
                        assert.ok(
                            e.message.startsWith(
                                `${tier} Spark setting ${key}: ${JSON.stringify(value)} is not allowed`,
                            ),
                        );
                        assert.match(e.message, why);
                        assert.match(e.message, /set any other spark\.\* key$/);
                        return true;
                    },
                );
            }
        });
    }

    it("owns every key the platform tier sets for where a job runs and where its files and metrics go", () => {
        const owned = Object.keys(PLATFORM).filter((k) => overrideProblem(k, "x") !== undefined);
        assert.deepEqual(owned.sort(), [
            "spark.eventLog.dir",
            "spark.eventLog.enabled",
            "spark.kubernetes.driver.label.spark-platform/team",
            "spark.kubernetes.executor.label.spark-platform/team",
            "spark.metrics.conf.*.sink.prometheusServlet.class",
            "spark.metrics.conf.*.sink.prometheusServlet.path",
            "spark.metrics.namespace",
            "spark.storage.decommission.fallbackStorage.path",
            "spark.ui.prometheus.enabled",
        ]);
        assert.ok(OWNED_KEYS.every((o) => o.key.startsWith("spark.")));
    });

    it("refuses JVM options that hand the AWS SDKs credentials ahead of the job role, in one line", () => {
        for (const [key, value, property] of [
            ["spark.driver.extraJavaOptions", "-XX:+UseG1GC -Daws.accessKeyId=AKIA -Daws.secretKey=s", "accessKeyId"],
            ["spark.executor.extraJavaOptions", "-Daws.secretAccessKey=s", "secretAccessKey"],
            ["spark.driver.extraJavaOptions", "-XX:+UseG1GC '-Daws.sessionToken=t'", "sessionToken"],
            ["spark.executor.defaultJavaOptions", "-Daws.roleArn=arn:aws:iam::1:role/other", "roleArn"],
        ]) {
            for (const tier of ["team", "job"] as const)
                assert.throws(
                    () => resolveSparkConf({ platform: PLATFORM, [tier]: { [key]: value } }),
                    (e: Error) =>
                        !e.message.includes("\n") &&
                        e.message.startsWith(`${tier} Spark setting ${key}: ${JSON.stringify(value)} is not allowed`) &&
                        e.message.includes(`JVM property aws.${property},`),
                );
        }
        assert.equal(
            overrideProblem("spark.driver.extraJavaOptions", "-XX:+UseG1GC -Daws.region=us-west-2"),
            undefined,
        );
        assert.equal(overrideProblem("spark.app.name", "-Daws.accessKeyId=x"), undefined);
    });

    it("lets a team set the other Hive and per-bucket S3A settings, which are not the platform's", () => {
        for (const key of [
            "spark.hive.exec.dynamic.partition.mode",
            "spark.hadoop.fs.s3a.bucket.other-bucket.endpoint.region",
            "spark.hadoop.fs.s3a.bucket.data.example.com.connection.maximum",
            "spark.kubernetes.executor.secretKeyRef.WAREHOUSE_TOKEN",
        ])
            assert.equal(overrideProblem(key, "x"), undefined, key);
    });

    it("refuses a key that is not a Spark property, a structured value and a multi-line value", () => {
        assert.match(String(overrideProblem("executor.memory", "4g")), /"executor\.memory" is not a Spark property/);
        assert.match(String(overrideProblem("spark.executor.memory", { size: 4 })), /string, number or boolean/);
        assert.match(String(overrideProblem("spark.app.name", "a\nb")), /one line/);
        assert.equal(overrideProblem("spark.dynamicAllocation.maxExecutors", 50), undefined);
    });

    it("renders settings as spark-submit --conf arguments and refuses a value with blanks", () => {
        assert.equal(
            sparkSubmitConfArguments({ "spark.executor.cores": "2", "spark.driver.memory": "2G" }),
            "--conf spark.executor.cores=2 --conf spark.driver.memory=2G",
        );
        assert.throws(() => sparkSubmitConfArguments({ "spark.app.name": "a b" }), /contains blanks/);
    });
});

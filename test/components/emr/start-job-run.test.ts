import * as assert from "node:assert/strict";
import type { StartJobRunCommandInput } from "@aws-sdk/client-emr-containers";
import { SPARK_PI_ENTRY_POINT, startJobRunRequest, type StartJobRunRequestJson } from "../../../components/emr";
import { platformSparkConf } from "../../../components/spark-conf";
import { buildPoolContract, findPool } from "../../../components/vocabulary";

/** `true` when every key of Actual, at every depth, is a key the SDK's request type declares. */
type NoExtraKeys<Actual, Allowed> = Actual extends string | number | boolean
    ? true
    : Actual extends readonly (infer A)[]
      ? NonNullable<Allowed> extends readonly (infer B)[]
          ? NoExtraKeys<A, B>
          : false
      : [Exclude<keyof Actual, keyof NonNullable<Allowed>>] extends [never]
        ? {
              [K in keyof Actual]: K extends keyof NonNullable<Allowed>
                  ? NoExtraKeys<Actual[K], NonNullable<Allowed>[K]>
                  : false;
          }[keyof Actual] extends true
            ? true
            : false
        : false;

// Compile-time checks (tsc --noEmit): the request is assignable to the SDK's input and names no field it lacks.
const noExtraKeys: NoExtraKeys<StartJobRunRequestJson, StartJobRunCommandInput> = true;
// @ts-expect-error a misspelled field must fail the same check
const misspelled: NoExtraKeys<{ jobDriver: { sparkSubmitDriver: { entryPoint: string } } }, StartJobRunCommandInput> =
    true;
void [noExtraKeys, misspelled];

const INPUT = {
    name: "team-a-spark-pi",
    virtualClusterId: "abcdefghijklmnopqrstuvwxy",
    executionRoleArn: "arn:aws:iam::123456789012:role/spark-dev-team-a-emr-job",
    releaseLabel: "emr-7.12.0-latest",
    driverPodTemplateUri: "s3://b/pod-templates/team-a/us-west-2a/driver.yaml",
    executorPodTemplateUri: "s3://b/pod-templates/team-a/us-west-2a/executor.yaml",
    logUri: "s3://b/logs/team-a/",
    logGroupName: "/aws/emr-containers/spark-dev/team-a",
    logStreamNamePrefix: "team-a",
    sparkConf: {
        ...platformSparkConf({
            team: "team-a",
            eventLogDir: "s3://b/spark-events/team-a/",
            fallbackStorageDir: "s3://b/shuffle-fallback/team-a/",
        }),
        "spark.sql.shuffle.partitions": "400",
    },
    submitterPool: findPool(buildPoolContract(["us-west-2a", "us-west-2b"]), "us-west-2a", "driver"),
};

describe("StartJobRun request", () => {
    const request = startJobRunRequest(INPUT);

    it("must have the shape of the EMR containers SDK's StartJobRunCommandInput", () => {
        const typed: StartJobRunCommandInput = request;
        for (const field of ["name", "virtualClusterId", "executionRoleArn", "releaseLabel", "jobDriver"] as const) {
            assert.ok(typed[field], `${field} is required for a job run without a job template`);
        }
    });

    it("must serialize through the SDK's own client unchanged (no field dropped as unknown)", async () => {
        const { EMRContainersClient, StartJobRunCommand } = await import("@aws-sdk/client-emr-containers");
        const { HttpResponse } = await import("@smithy/protocol-http");
        const { Readable } = await import("node:stream");
        let sent: { path: string; body: string } | undefined;
        const client = new EMRContainersClient({
            region: "us-west-2",
            credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
            requestHandler: {
                handle: async (req: { path: string; body: string }) => {
                    sent = { path: req.path, body: req.body };
                    const body = JSON.stringify({
                        id: "j",
                        name: INPUT.name,
                        arn: "arn",
                        virtualClusterId: INPUT.virtualClusterId,
                    });
                    return {
                        response: new HttpResponse({
                            statusCode: 200,
                            headers: { "content-type": "application/json" },
                            body: Readable.from([body]),
                        }),
                    };
                },
            },
        });
        await client.send(new StartJobRunCommand(request));
        assert.ok(sent);
        assert.equal(sent.path, `/virtualclusters/${INPUT.virtualClusterId}/jobruns`);
        const { clientToken, ...body } = JSON.parse(sent.body) as Record<string, unknown>;
        assert.equal(typeof clientToken, "string");
        const { virtualClusterId: _inPath, ...expected } = request;
        assert.deepEqual(body, JSON.parse(JSON.stringify(expected)));
    });

    it("must run SparkPi from the EMR image, so no code upload is needed", () => {
        assert.equal(request.jobDriver.sparkSubmitJobDriver.entryPoint, SPARK_PI_ENTRY_POINT);
        assert.match(SPARK_PI_ENTRY_POINT, /^local:\/\/\/usr\/lib\/spark\/examples\/src\/main\/python\/pi\.py$/);
    });

    it("must put the job's own settings on the command line, where Spark lets them win over spark-defaults", () => {
        assert.equal(
            request.jobDriver.sparkSubmitJobDriver.sparkSubmitParameters,
            "--conf spark.executor.instances=2 --conf spark.executor.cores=1 --conf spark.executor.memory=2G " +
                "--conf spark.driver.cores=1 --conf spark.driver.memory=2G",
        );
    });

    it("must wire the pod templates, the platform's and team's settings and S3/CloudWatch monitoring", () => {
        assert.deepEqual(request.configurationOverrides, {
            applicationConfiguration: [
                {
                    classification: "spark-defaults",
                    properties: {
                        ...INPUT.sparkConf,
                        "spark.kubernetes.driver.podTemplateFile": INPUT.driverPodTemplateUri,
                        "spark.kubernetes.executor.podTemplateFile": INPUT.executorPodTemplateUri,
                    },
                },
                {
                    classification: "spark-hive-site",
                    properties: {
                        "hive.metastore.client.factory.class":
                            "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
                    },
                },
                {
                    classification: "emr-job-submitter",
                    properties: {
                        "jobsubmitter.node.selector.spark-platform/role": "driver",
                        "jobsubmitter.node.selector.topology.kubernetes.io/zone": "us-west-2a",
                        "jobsubmitter.node.toleration.spark-platform/role": "driver",
                        "jobsubmitter.node.toleration.spark-platform/role.effect": "NoSchedule",
                    },
                },
            ],
            monitoringConfiguration: {
                persistentAppUI: "ENABLED",
                cloudWatchMonitoringConfiguration: { logGroupName: INPUT.logGroupName, logStreamNamePrefix: "team-a" },
                s3MonitoringConfiguration: { logUri: INPUT.logUri },
            },
        });
    });

    it("must refuse to place the job submitter on Spot capacity", () => {
        const spot = findPool(buildPoolContract(["us-west-2a"]), "us-west-2a", "executor");
        assert.throws(() => startJobRunRequest({ ...INPUT, submitterPool: spot }), /on-demand pool/);
    });

    it("must refuse an empty field", () => {
        assert.throws(() => startJobRunRequest({ ...INPUT, executionRoleArn: "" }), /executionRoleArn/);
    });
});

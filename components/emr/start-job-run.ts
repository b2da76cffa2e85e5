/**
 * A complete, ready-to-run `StartJobRun` request for a team (SparkPi on the team's virtual cluster), as a pure
 * builder: `aws emr-containers start-job-run --cli-input-json file://request.json` runs it as is. Its shape is the
 * EMR containers API's request type; tests check it against the AWS SDK's `StartJobRunCommandInput`.
 * `clientToken` is left out: the CLI and SDKs fill the idempotency token themselves.
 */

export interface StartJobRunInput {
    /** Job run name. */
    readonly name: string;
    readonly virtualClusterId: string;
    readonly executionRoleArn: string;
    /** EMR release label, e.g. `emr-7.12.0-latest`. */
    readonly releaseLabel: string;
    /** `s3://` URIs of the driver and executor pod templates of the zone the job runs in. */
    readonly driverPodTemplateUri: string;
    readonly executorPodTemplateUri: string;
    /** `s3://…/` prefix for Spark event logs. */
    readonly eventLogUri: string;
    /** `s3://…/` prefix EMR ships container logs to. */
    readonly logUri: string;
    /** CloudWatch log group EMR ships container logs to, and the stream name prefix (the team). */
    readonly logGroupName: string;
    readonly logStreamNamePrefix: string;
}

/** PySpark Pi from the EMR image's Spark examples: needs no code upload, so it runs the day the stack is up. */
export const SPARK_PI_ENTRY_POINT = "local:///usr/lib/spark/examples/src/main/python/pi.py";

/** The request, with the field names and nesting of the EMR containers API (StartJobRunRequest). */
export function startJobRunRequest(input: StartJobRunInput) {
    for (const [field, value] of Object.entries(input)) {
        if (typeof value !== "string" || value === "")
            throw new Error(`StartJobRun ${field} must be a non-empty string`);
    }
    return {
        name: input.name,
        virtualClusterId: input.virtualClusterId,
        executionRoleArn: input.executionRoleArn,
        releaseLabel: input.releaseLabel,
        jobDriver: {
            sparkSubmitJobDriver: {
                entryPoint: SPARK_PI_ENTRY_POINT,
                entryPointArguments: ["100"],
                sparkSubmitParameters: [
                    "--conf spark.executor.instances=2",
                    "--conf spark.executor.cores=1",
                    "--conf spark.executor.memory=2G",
                    "--conf spark.driver.cores=1",
                    "--conf spark.driver.memory=2G",
                ].join(" "),
            },
        },
        configurationOverrides: {
            applicationConfiguration: [
                {
                    classification: "spark-defaults",
                    properties: {
                        "spark.kubernetes.driver.podTemplateFile": input.driverPodTemplateUri,
                        "spark.kubernetes.executor.podTemplateFile": input.executorPodTemplateUri,
                        "spark.eventLog.enabled": "true",
                        "spark.eventLog.dir": input.eventLogUri,
                    },
                },
            ],
            monitoringConfiguration: {
                persistentAppUI: "ENABLED" as const,
                cloudWatchMonitoringConfiguration: {
                    logGroupName: input.logGroupName,
                    logStreamNamePrefix: input.logStreamNamePrefix,
                },
                s3MonitoringConfiguration: { logUri: input.logUri },
            },
        },
    };
}

export type StartJobRunRequestJson = ReturnType<typeof startJobRunRequest>;

/**
 * A complete, ready-to-run `StartJobRun` request for a team (SparkPi, or a job the team declares, on the team's
 * virtual cluster), as a pure
 * builder: `aws emr-containers start-job-run --cli-input-json file://request.json` runs it as is. Its shape is the
 * EMR containers API's request type; tests check it against the AWS SDK's `StartJobRunCommandInput`.
 * `clientToken` is left out: the CLI and SDKs fill the idempotency token themselves.
 *
 * The platform's and the team's Spark settings go into the `spark-defaults` classification (with the pod templates
 * of the job's zone); the job's own settings go on the spark-submit command line, which Spark lets win over
 * spark-defaults: platform < team < job.
 */
import { resolveSparkConf, sparkSubmitConfArguments, type SparkConf } from "../spark-conf";
import { emrApplicationConfiguration, type EmrApplicationConfigurationInput } from "./application-configuration";

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
    /** `s3://…/` prefix EMR ships container logs to. */
    readonly logUri: string;
    /** CloudWatch log group EMR ships container logs to, and the stream name prefix (the team). */
    readonly logGroupName: string;
    readonly logStreamNamePrefix: string;
    /** The platform's and the team's Spark settings (resolveSparkConf of those two tiers). */
    readonly sparkConf: SparkConf;
    /** The driver pool of the job's zone, where EMR's job submitter pod runs. */
    readonly submitterPool: EmrApplicationConfigurationInput["submitterPool"];
    /**
     * What the job runs, and its own Spark settings (the job tier, over `sparkConf`).
     * @default SparkPi (SPARK_PI_JOB)
     */
    readonly job?: JobSpec;
}

/** A job's entry point, its arguments, and its own Spark settings. */
export interface JobSpec {
    readonly entryPoint: string;
    readonly entryPointArguments: readonly string[];
    readonly sparkConf: Readonly<Record<string, string | number | boolean>>;
}

/** PySpark Pi from the EMR image's Spark examples: needs no code upload, so it runs the day the stack is up. */
export const SPARK_PI_ENTRY_POINT = "local:///usr/lib/spark/examples/src/main/python/pi.py";

/** SparkPi's own settings: the job tier, small enough for any quota. */
export const SPARK_PI_JOB_CONF: SparkConf = {
    "spark.executor.instances": "2",
    "spark.executor.cores": "1",
    "spark.executor.memory": "2G",
    "spark.driver.cores": "1",
    "spark.driver.memory": "2G",
};

/** SparkPi as a job. */
export const SPARK_PI_JOB: JobSpec = {
    entryPoint: SPARK_PI_ENTRY_POINT,
    entryPointArguments: ["100"],
    sparkConf: SPARK_PI_JOB_CONF,
};

/** The request, with the field names and nesting of the EMR containers API (StartJobRunRequest). */
export function startJobRunRequest(input: StartJobRunInput) {
    const { sparkConf, submitterPool, job = SPARK_PI_JOB, ...fields } = input;
    const jobConf = sparkSubmitConfArguments(resolveSparkConf({ platform: {}, job: job.sparkConf }));
    for (const [field, value] of Object.entries(fields)) {
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
                entryPoint: job.entryPoint,
                entryPointArguments: [...job.entryPointArguments],
                // EMR refuses an empty sparkSubmitParameters (at least one character): a job without settings has none.
                sparkSubmitParameters: jobConf === "" ? undefined : jobConf,
            },
        },
        configurationOverrides: {
            applicationConfiguration: emrApplicationConfiguration({
                sparkConf,
                submitterPool,
                podTemplates: { driver: input.driverPodTemplateUri, executor: input.executorPodTemplateUri },
            }),
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

/**
 * The `applicationConfiguration` of every EMR job path the platform ships (StartJobRun requests and job templates),
 * from one source: the resolved Spark settings (components/spark-conf) in the `spark-defaults` classification, with
 * the pod templates of the job's zone, which place the driver and executors (keys no team may set).
 */
import type { SparkRole } from "../vocabulary";
import type { SparkConf } from "../spark-conf";

export interface EmrApplicationConfigurationInput {
    /** The platform's and the team's Spark settings. */
    readonly sparkConf: SparkConf;
    /** `s3://` URIs of the driver and executor pod templates of the job's zone. */
    readonly podTemplates: Readonly<Record<SparkRole, string>>;
}

export function emrApplicationConfiguration(input: EmrApplicationConfigurationInput) {
    return [
        {
            classification: "spark-defaults",
            properties: {
                ...input.sparkConf,
                "spark.kubernetes.driver.podTemplateFile": input.podTemplates.driver,
                "spark.kubernetes.executor.podTemplateFile": input.podTemplates.executor,
            } as Record<string, string>,
        },
    ];
}

/**
 * The `applicationConfiguration` of every EMR job path the platform ships (StartJobRun requests and job templates),
 * from one source:
 * - `spark-defaults`: the resolved Spark settings (components/spark-conf) with the pod templates of the job's zone,
 *   which place the driver and executors (keys no team may set);
 * - `spark-hive-site`: the Glue Data Catalog as the Hive metastore;
 * - `emr-job-submitter`: the job submitter pod (which EMR creates and pod templates cannot reach) on the driver pool
 *   of the job's zone: on-demand capacity, so a Spot reclaim never takes the pod that tracks the job, in the zone of
 *   its driver. Node selector and tolerations are the pool contract's (EMR docs, "Using job submitter
 *   classification": `jobsubmitter.node.selector.<key>`, `jobsubmitter.node.toleration.<key>` and `.effect`).
 */
import type { SparkPool, SparkRole } from "../vocabulary";
import { GLUE_HIVE_SITE, type SparkConf } from "../spark-conf";

export interface EmrApplicationConfigurationInput {
    /** The platform's and the team's Spark settings. */
    readonly sparkConf: SparkConf;
    /** `s3://` URIs of the driver and executor pod templates of the job's zone. */
    readonly podTemplates: Readonly<Record<SparkRole, string>>;
    /** The driver pool of the job's zone, where the job submitter runs. */
    readonly submitterPool: Pick<SparkPool, "capacityType" | "nodeSelector" | "tolerations">;
}

export interface Classification {
    readonly classification: string;
    readonly properties: Record<string, string>;
}

export function emrApplicationConfiguration(input: EmrApplicationConfigurationInput): Classification[] {
    if (input.submitterPool.capacityType !== "on-demand")
        throw new Error("the job submitter must run on an on-demand pool: a Spot reclaim of it fails the job");
    const submitter: Record<string, string> = {};
    for (const [key, value] of Object.entries(input.submitterPool.nodeSelector))
        submitter[`jobsubmitter.node.selector.${key}`] = value;
    for (const t of input.submitterPool.tolerations) {
        submitter[`jobsubmitter.node.toleration.${t.key}`] = t.value;
        submitter[`jobsubmitter.node.toleration.${t.key}.effect`] = t.effect;
    }
    return [
        {
            classification: "spark-defaults",
            properties: {
                ...input.sparkConf,
                "spark.kubernetes.driver.podTemplateFile": input.podTemplates.driver,
                "spark.kubernetes.executor.podTemplateFile": input.podTemplates.executor,
            },
        },
        { classification: "spark-hive-site", properties: { ...GLUE_HIVE_SITE } },
        { classification: "emr-job-submitter", properties: submitter },
    ];
}

/**
 * A sample SparkApplication per team (SparkPi on the EMR image): what a team's job manifest looks like on this
 * platform — non-root, driver and executors in one zone, the driver on the on-demand driver pool and executors on
 * the spot executor pool (through the pool contract).
 *
 * It is written against the API the EMR Spark Operator serves, the kubeflow 1.1.x CRD
 * (test/fixtures/crds/README.md): no per-role `priorityClassName` and no `seccompProfile`, which that schema lacks.
 */
import { PoolContract, findPool, type EmrReleaseLabel } from "../vocabulary";
import { EXECUTOR_TERMINATION_GRACE_SECONDS, sparkApplicationConf, type SparkConf } from "../spark-conf";
import { nonRootContainerSecurityContext, nonRootPodSecurityContext } from "./pod-security";
import { SPARK_PRIORITY_CLASSES } from "./priority-classes";

export interface SampleApplicationInput {
    /** Application name. */
    readonly name: string;
    readonly namespace: string;
    /** Service account the driver runs as (the team's Spark job service account). */
    readonly serviceAccount: string;
    /** Pinned EMR Spark image (operator-chart.ts `emrSparkImage`). */
    readonly image: string;
    readonly release: EmrReleaseLabel;
    readonly pools: PoolContract;
    /** The one zone driver and executors run in. */
    readonly zone: string;
    /**
     * The platform's and the team's Spark settings (components/spark-conf), as on every other job path; the
     * application's own settings are its fields (cores, memory, instances), the job tier.
     */
    readonly sparkConf: SparkConf;
}

/**
 * Spark version of an EMR release line, for the CR's informational `sparkVersion` (EMR on EKS release notes:
 * 6.10 ships Spark 3.3.1, 6.12 3.4.0, 7.0 3.5.0).
 */
export function sparkVersionOf(release: Pick<EmrReleaseLabel, "major" | "minor">): string {
    if (release.major >= 7) return "3.5";
    return release.minor >= 12 ? "3.4" : "3.3";
}

/** API version and kind of the SparkApplications the EMR Spark Operator serves. */
export const SPARK_APPLICATION_TYPE = { apiVersion: "sparkoperator.k8s.io/v1beta2", kind: "SparkApplication" } as const;

export function sampleSparkApplication(input: SampleApplicationInput) {
    const role = (kind: "driver" | "executor") => {
        const pool = findPool(input.pools, input.zone, kind);
        return {
            serviceAccount: input.serviceAccount,
            nodeSelector: { ...pool.nodeSelector },
            ...(pool.nodeAffinity ? { affinity: { nodeAffinity: pool.nodeAffinity } } : {}),
            tolerations: pool.tolerations.map((t) => ({ ...t })),
            ...(Object.keys(pool.podAnnotations).length > 0 ? { annotations: { ...pool.podAnnotations } } : {}),
            labels: { "spark-platform/sample": input.name },
            podSecurityContext: nonRootPodSecurityContext(),
            securityContext: nonRootContainerSecurityContext(),
        };
    };
    return {
        ...SPARK_APPLICATION_TYPE,
        metadata: { name: input.name, namespace: input.namespace },
        spec: {
            type: "Scala",
            mode: "cluster",
            image: input.image,
            imagePullPolicy: "IfNotPresent",
            mainClass: "org.apache.spark.examples.SparkPi",
            mainApplicationFile: "local:///usr/lib/spark/examples/jars/spark-examples.jar",
            arguments: ["1000"],
            sparkVersion: sparkVersionOf(input.release),
            restartPolicy: { type: "Never" },
            // The platform's and team's settings as on the EMR paths, with EMR's spark-hive-site (Glue) as Spark
            // settings: the 1.1.x operator has no classifications.
            sparkConf: sparkApplicationConf(input.sparkConf),
            // The 1.1.x API has one priority class per application, which the operator's webhook puts on every pod
            // of it. The driver's: losing a driver fails the job, while the executors it lets preempt cost retried
            // tasks.
            batchSchedulerOptions: { priorityClassName: SPARK_PRIORITY_CLASSES.driver.name },
            driver: { ...role("driver"), cores: 1, coreLimit: "1", memory: "2g" },
            executor: {
                ...role("executor"),
                instances: 2,
                cores: 2,
                memory: "4g",
                terminationGracePeriodSeconds: EXECUTOR_TERMINATION_GRACE_SECONDS,
            },
        },
    };
}

/**
 * A sample SparkApplication per team (SparkPi on the EMR image): what a team's job manifest looks like on this
 * platform — non-root, driver and executors in one zone, the driver on the on-demand driver pool and executors on
 * the spot executor pool (through the pool contract).
 *
 * It is written against the API the EMR Spark Operator serves, the kubeflow 1.1.x CRD
 * (test/fixtures/crds/README.md): no per-role `priorityClassName` and no `seccompProfile`, which that schema lacks.
 */
import { type PodScheduling, PoolContract, type SparkRole, findPool, type EmrReleaseLabel } from "../vocabulary";
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
    /**
     * The stack's batch scheduler (YuniKorn): its name on driver and executors, the team's queue label, and gang
     * scheduling of the application (yunikorn.apache.org task groups on the driver).
     * @default the default scheduler, no gang
     */
    readonly scheduling?: PodScheduling;
}

/**
 * The sample's size, the job tier of its settings. With gang scheduling its memory overhead is set, not left to
 * Spark's factor (10%, at least 384 MiB, and whatever the image's defaults say), so the task groups can state each
 * pod's request exactly: YuniKorn reserves placeholders of that size, and a real pod must fit its placeholder.
 */
export const SAMPLE_SIZE = {
    driver: { cores: 1, memoryMiB: 2048, overheadMiB: 512 },
    executor: { cores: 2, memoryMiB: 4096, overheadMiB: 1024, instances: 2 },
} as const;

/**
 * How long YuniKorn holds a gang's reservation (from its first placeholder) before it gives up; longer than a Spot
 * node takes to join (Karpenter about two minutes, Cluster Autoscaler's max-node-provision-time ten). `Soft`: on
 * timeout the application is scheduled without the gang instead of failing (gang_scheduling.md, "Gang scheduling
 * Styles").
 */
export const GANG_POLICY = "placeholderTimeoutInSeconds=900 gangSchedulingStyle=Soft";

/** YuniKorn's gang-scheduling annotations (labels_and_annotations_in_yunikorn.md, YuniKorn 1.8.0). */
export const YUNIKORN_GANG_ANNOTATIONS = {
    taskGroupName: "yunikorn.apache.org/task-group-name",
    taskGroups: "yunikorn.apache.org/task-groups",
    policy: "yunikorn.apache.org/schedulingPolicyParameters",
} as const;

/** A task group per role: what each pod requests (cores, memory + overhead) and where it may run, as the pod. */
function taskGroups(input: SampleApplicationInput) {
    return (["driver", "executor"] as const).map((role: SparkRole) => {
        const size = SAMPLE_SIZE[role];
        const pool = findPool(input.pools, input.zone, role);
        return {
            name: `spark-${role}`,
            minMember: role === "executor" ? SAMPLE_SIZE.executor.instances : 1,
            minResource: { cpu: `${size.cores}`, memory: `${size.memoryMiB + size.overheadMiB}Mi` },
            nodeSelector: { ...pool.nodeSelector },
            tolerations: pool.tolerations.map((t) => ({ ...t })),
            ...(pool.nodeAffinity ? { affinity: { nodeAffinity: pool.nodeAffinity } } : {}),
        };
    });
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
    const scheduling = input.scheduling;
    // The driver carries the whole gang (the first pod of an application must); executors name their group.
    const gang = (kind: SparkRole): Record<string, string> => {
        if (!scheduling) return {};
        const own = { [YUNIKORN_GANG_ANNOTATIONS.taskGroupName]: `spark-${kind}` };
        if (kind === "executor") return own;
        return {
            ...own,
            [YUNIKORN_GANG_ANNOTATIONS.taskGroups]: JSON.stringify(taskGroups(input)),
            [YUNIKORN_GANG_ANNOTATIONS.policy]: GANG_POLICY,
        };
    };
    const role = (kind: SparkRole) => {
        const pool = findPool(input.pools, input.zone, kind);
        const annotations = { ...pool.podAnnotations, ...gang(kind) };
        return {
            serviceAccount: input.serviceAccount,
            nodeSelector: { ...pool.nodeSelector },
            ...(pool.nodeAffinity ? { affinity: { nodeAffinity: pool.nodeAffinity } } : {}),
            tolerations: pool.tolerations.map((t) => ({ ...t })),
            ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
            labels: { "spark-platform/sample": input.name, ...scheduling?.labels },
            // The 1.1.x CRD has schedulerName per role; the operator's webhook sets it, and YuniKorn's admission
            // controller would too: either one suffices.
            ...(scheduling ? { schedulerName: scheduling.schedulerName } : {}),
            podSecurityContext: nonRootPodSecurityContext(),
            securityContext: nonRootContainerSecurityContext(),
        };
    };
    const { driver, executor } = SAMPLE_SIZE;
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
            // settings (the 1.1.x operator has no classifications), and S3 and Glue as the job role on older images.
            sparkConf: sparkApplicationConf(input.sparkConf, input.release),
            // The 1.1.x API has one priority class per application, which the operator's webhook puts on every pod
            // of it. The driver's: losing a driver fails the job, while the executors it lets preempt cost retried
            // tasks.
            batchSchedulerOptions: { priorityClassName: SPARK_PRIORITY_CLASSES.driver.name },
            driver: {
                ...role("driver"),
                cores: driver.cores,
                coreLimit: `${driver.cores}`,
                memory: `${driver.memoryMiB / 1024}g`,
                ...(scheduling ? { memoryOverhead: `${driver.overheadMiB}m` } : {}),
            },
            executor: {
                ...role("executor"),
                instances: executor.instances,
                cores: executor.cores,
                memory: `${executor.memoryMiB / 1024}g`,
                ...(scheduling ? { memoryOverhead: `${executor.overheadMiB}m` } : {}),
                terminationGracePeriodSeconds: EXECUTOR_TERMINATION_GRACE_SECONDS,
            },
        },
    };
}

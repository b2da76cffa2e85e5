/**
 * Cluster-wide priorities of Spark pods. A driver that cannot be scheduled preempts executors (losing an executor
 * costs a retried task; losing a driver fails the job), and executors never preempt anything: they wait for
 * capacity the autoscaler adds.
 */
export const SPARK_PRIORITY_CLASSES = {
    driver: { name: "spark-driver", value: 1_000_000, preemptionPolicy: "PreemptLowerPriority" },
    executor: { name: "spark-executor", value: 1_000, preemptionPolicy: "Never" },
} as const;

export type SparkPriorityRole = keyof typeof SPARK_PRIORITY_CLASSES;

export function priorityClassManifest(role: SparkPriorityRole) {
    const pc = SPARK_PRIORITY_CLASSES[role];
    return {
        metadata: { name: pc.name, labels: { "app.kubernetes.io/part-of": "spark-platform" } },
        value: pc.value,
        globalDefault: false,
        preemptionPolicy: pc.preemptionPolicy,
        description:
            role === "driver"
                ? "Spark drivers: preempt executors when the cluster is full; losing a driver fails the whole job."
                : "Spark executors: never preempt, and are preempted first; a lost executor only costs retried tasks.",
    };
}

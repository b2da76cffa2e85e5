import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "../cluster";
import { SPARK_PRIORITY_CLASSES, priorityClassManifest } from "./priority-classes";

export interface SparkPriorityClassesArgs {
    /** The cluster the PriorityClasses are created in (they are cluster-scoped, shared by every team). */
    cluster: ClusterContext;
}

/** The cluster-wide Spark PriorityClasses: drivers high, executors low and never preempting. */
export class SparkPriorityClasses extends pulumi.ComponentResource {
    readonly driver: string;
    readonly executor: string;

    constructor(name: string, args: SparkPriorityClassesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:spark:SparkPriorityClasses", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.cluster.provider };
        new k8s.scheduling.v1.PriorityClass(`${name}-driver`, priorityClassManifest("driver"), k8sOpts);
        new k8s.scheduling.v1.PriorityClass(`${name}-executor`, priorityClassManifest("executor"), k8sOpts);
        this.driver = SPARK_PRIORITY_CLASSES.driver.name;
        this.executor = SPARK_PRIORITY_CLASSES.executor.name;
        this.registerOutputs({ driver: this.driver, executor: this.executor });
    }
}

/**
 * Driver and executor pod templates for EMR on EKS job runs, as pure builders.
 *
 * A template places the pod on its zone's pool of the pool contract (nodeSelector + tolerations), gives it the
 * platform's priority class, keeps drivers from being disrupted, and puts Spark's local dir on an emptyDir (the
 * kubelet's disk, which the nodes build as RAID0 over their instance store). EMR on EKS accepts only part of a pod
 * spec (EMR docs, pod-templates.html): no pod-level securityContext, nothing on the Spark main container beyond its
 * allow-list, none of EMR's reserved volumes or mount paths. EMR runs the main container as its non-root `hadoop`
 * user; anything the platform adds (the log sidecar) must say its own non-root UID, and there is no root init
 * container (the anchors' `chown` init is unnecessary: an emptyDir is world-writable).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import {
    findPool,
    isRecord,
    type PodScheduling,
    PoolContract,
    type PreferredArchitectureAffinity,
    SparkRole,
} from "../vocabulary";
import { EXECUTOR_TERMINATION_GRACE_SECONDS } from "../spark-conf";

export type Container = pulumi.Unwrap<k8s.types.input.core.v1.Container>;
export type Volume = pulumi.Unwrap<k8s.types.input.core.v1.Volume>;

/** Names Spark gives the main containers; EMR's docs require them in templates. */
export const SPARK_MAIN_CONTAINER: Readonly<Record<SparkRole, string>> = {
    driver: "spark-kubernetes-driver",
    executor: "spark-kubernetes-executor",
};

/** Spark uses a main-container mount whose volume name starts with `spark-local-dir-` as its local dir. */
export const SPARK_LOCAL_DIR = { volume: "spark-local-dir-1", mountPath: "/data1" } as const;

/** EMR's pod-template allow-list, pod level (spec fields). */
export const EMR_ALLOWED_POD_SPEC_FIELDS: ReadonlySet<string> = new Set([
    "activeDeadlineSeconds",
    "affinity",
    "containers",
    "enableServiceLinks",
    "ephemeralContainers",
    "hostAliases",
    "hostname",
    "imagePullSecrets",
    "initContainers",
    "nodeName",
    "nodeSelector",
    "overhead",
    "preemptionPolicy",
    "priority",
    "priorityClassName",
    "readinessGates",
    "runtimeClassName",
    "schedulerName",
    "subdomain",
    "terminationGracePeriodSeconds",
    "tolerations",
    "topologySpreadConstraints",
    "volumes",
]);

/** EMR's allow-list for the Spark main container. */
export const EMR_ALLOWED_MAIN_CONTAINER_FIELDS: ReadonlySet<string> = new Set([
    "env",
    "envFrom",
    "name",
    "lifecycle",
    "livenessProbe",
    "readinessProbe",
    "resources",
    "startupProbe",
    "stdin",
    "stdinOnce",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "tty",
    "volumeDevices",
    "volumeMounts",
    "workingDir",
]);

/** Volumes EMR defines itself; a template may mount them in sidecars but never declare them. */
export const EMR_RESERVED_VOLUMES: ReadonlySet<string> = new Set([
    "emr-container-communicate",
    "config-volume",
    "emr-container-application-log-dir",
    "emr-container-event-log-dir",
    "temp-data-dir",
    "mnt-dir",
    "home-dir",
    "emr-container-s3",
]);

/** Mount paths EMR reserves on the Spark main container. */
export const EMR_RESERVED_MAIN_MOUNT_PATHS: ReadonlySet<string> = new Set([
    "/var/log/fluentd",
    "/var/log/spark/user",
    "/var/log/spark/apps",
    "/mnt",
    "/tmp",
    "/home/hadoop",
]);

export interface PodTemplateInput {
    readonly role: SparkRole;
    readonly zone: string;
    readonly pools: PoolContract;
    /** Priority class of the role's pods. */
    readonly priorityClassName: string;
    /** Team the template belongs to, as a label (cost allocation, log routing). */
    readonly team: string;
    /** Containers that run beside Spark (the log sidecar); each must run as an explicit non-root UID. */
    readonly sidecars?: readonly Container[];
    /** Volumes the sidecars need (ConfigMaps…); not EMR's reserved ones, which EMR adds itself. */
    readonly volumes?: readonly Volume[];
    /**
     * The stack's batch scheduler for the team's pods (`schedulerName` is on EMR's allow-list) and its labels (the
     * team's queue). Absent: the default scheduler, and the template is what it was.
     */
    readonly scheduling?: PodScheduling;
}

export interface PodTemplate {
    readonly apiVersion: "v1";
    readonly kind: "Pod";
    readonly metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
    readonly spec: {
        /** With a batch scheduler (YuniKorn): its name, so the pod reaches it even without its admission webhook. */
        schedulerName?: string;
        priorityClassName: string;
        nodeSelector: Record<string, string>;
        /** With a two-architecture pool: the preference for its first architecture. */
        affinity?: { nodeAffinity: PreferredArchitectureAffinity };
        tolerations: Array<Record<string, string>>;
        /** Executors: the time a reclaimed Spot executor has to decommission (components/spark-conf). */
        terminationGracePeriodSeconds?: number;
        volumes: Volume[];
        containers: Container[];
    };
}

/** One role's template for one Spark zone; throws when an added container or volume breaks EMR's rules. */
export function buildPodTemplate(input: PodTemplateInput): PodTemplate {
    const pool = findPool(input.pools, input.zone, input.role);
    const sidecars = input.sidecars ?? [];
    const volumes = input.volumes ?? [];
    checkSidecars(sidecars);
    checkVolumes(volumes);
    const annotations = { ...pool.podAnnotations };
    const main: Container = {
        name: SPARK_MAIN_CONTAINER[input.role],
        volumeMounts: [{ name: SPARK_LOCAL_DIR.volume, mountPath: SPARK_LOCAL_DIR.mountPath }],
    };
    const template: PodTemplate = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            labels: {
                "spark-platform/team": input.team,
                "spark-platform/spark-role": input.role,
                ...input.scheduling?.labels,
            },
            ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        },
        spec: {
            ...(input.scheduling ? { schedulerName: input.scheduling.schedulerName } : {}),
            priorityClassName: input.priorityClassName,
            nodeSelector: { ...pool.nodeSelector },
            ...(pool.nodeAffinity ? { affinity: { nodeAffinity: pool.nodeAffinity } } : {}),
            tolerations: pool.tolerations.map((t) => ({ ...t })),
            ...(input.role === "executor" ? { terminationGracePeriodSeconds: EXECUTOR_TERMINATION_GRACE_SECONDS } : {}),
            volumes: [{ name: SPARK_LOCAL_DIR.volume, emptyDir: {} }, ...volumes],
            containers: [main, ...sidecars],
        },
    };
    const problems = emrTemplateProblems(template);
    if (problems.length > 0)
        throw new Error(`the ${input.role} pod template breaks EMR's rules: ${problems.join("; ")}`);
    return template;
}

/** The template as the YAML EMR reads from S3. */
export function podTemplateYaml(template: PodTemplate): string {
    return stringify(template);
}

/**
 * Everything in `template` that EMR on EKS would reject or that breaks the platform's non-root rule, as messages;
 * empty when the template is acceptable. Builders call it on their own output, tests on anything.
 */
export function emrTemplateProblems(template: unknown): string[] {
    const problems: string[] = [];
    if (!isRecord(template) || !isRecord(template.spec)) return ["is not a Pod with a spec"];
    const spec = template.spec;
    for (const field of Object.keys(spec)) {
        if (!EMR_ALLOWED_POD_SPEC_FIELDS.has(field))
            problems.push(`spec.${field} is not in EMR's pod-template allow-list`);
    }
    const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
    for (const v of volumes) {
        if (isRecord(v) && typeof v.name === "string" && EMR_RESERVED_VOLUMES.has(v.name)) {
            problems.push(`spec.volumes ${v.name} is reserved by EMR`);
        }
    }
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    const mains = new Set(Object.values(SPARK_MAIN_CONTAINER));
    for (const [list, items] of [
        ["containers", containers],
        ["initContainers", spec.initContainers],
    ] as const) {
        if (!Array.isArray(items)) continue;
        items.forEach((c: unknown, i) => {
            if (!isRecord(c)) return;
            const where = `spec.${list}[${i}]`;
            if (list === "containers" && typeof c.name === "string" && mains.has(c.name)) {
                problems.push(...mainContainerProblems(c, where));
            } else {
                const problem = nonRootProblem(c);
                if (problem) problems.push(`${where} ${problem}`);
            }
        });
    }
    return problems;
}

function mainContainerProblems(c: Record<string, unknown>, where: string): string[] {
    const problems = Object.keys(c)
        .filter((f) => !EMR_ALLOWED_MAIN_CONTAINER_FIELDS.has(f))
        .map((f) => `${where}.${f} is not allowed on the Spark main container`);
    const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
    for (const m of mounts) {
        if (
            isRecord(m) &&
            typeof m.mountPath === "string" &&
            EMR_RESERVED_MAIN_MOUNT_PATHS.has(m.mountPath.replace(/\/+$/, ""))
        ) {
            problems.push(`${where} mounts EMR's reserved path ${m.mountPath}`);
        }
    }
    return problems;
}

function nonRootProblem(c: Record<string, unknown>): string | undefined {
    const sc = c.securityContext;
    const uid = isRecord(sc) ? sc.runAsUser : undefined;
    if (!isRecord(sc) || sc.runAsNonRoot !== true || typeof uid !== "number" || !Number.isInteger(uid) || uid < 1) {
        return (
            "must set securityContext.runAsNonRoot: true and an explicit runAsUser ≥ 1 " +
            "(EMR allows no pod-level securityContext)"
        );
    }
    return undefined;
}

function checkSidecars(sidecars: readonly Container[]): void {
    const mains = new Set(Object.values(SPARK_MAIN_CONTAINER));
    for (const [i, c] of sidecars.entries()) {
        if (mains.has(c.name))
            throw new Error(`sidecar ${i} is named ${c.name}, which is Spark's main container; rename it`);
        const problem = nonRootProblem(c);
        if (problem) throw new Error(`sidecar ${JSON.stringify(c.name)} ${problem}`);
    }
}

function checkVolumes(volumes: readonly Volume[]): void {
    for (const v of volumes) {
        if (EMR_RESERVED_VOLUMES.has(v.name) || v.name === SPARK_LOCAL_DIR.volume) {
            throw new Error(
                `volume ${JSON.stringify(v.name)} is reserved (EMR or the Spark local dir); sidecars may mount EMR's ` +
                    "volumes without declaring them",
            );
        }
    }
}

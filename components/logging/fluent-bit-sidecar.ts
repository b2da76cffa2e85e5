/**
 * The Fluent Bit sidecar container the Spark pod templates embed, and the pod volumes it needs, as a pure
 * function. The EMR-reserved volumes it mounts (`emr-container-*`) are defined by EMR in every job pod; a pod
 * template must not define them, only mount them (EMR on EKS docs, pod templates).
 */
import type * as k8s from "@pulumi/kubernetes";
import {
    FLUENT_BIT_CONFIG_DIR,
    FLUENT_BIT_CONFIG_MAP,
    FLUENT_BIT_STATE_DIR,
    FLUENT_BIT_WRAPPER_CONFIG_MAP,
    MAIN_CONTAINER_MARKER_DIR,
    SPARK_APPLICATION_LOG_DIR,
    SPARK_TEMP_DATA_DIR,
    WRAPPER_SCRIPTS_DIR,
    DEFAULT_OUTPUT_LIMITS,
    FluentBitOutputLimits,
    sidecarMemoryLimitMiB,
} from "./fluent-bit-config";
import type { ImageArchitectures } from "../vocabulary";
import { DEFAULT_SIDECAR_TIMINGS, SidecarTimings, TIMING_ENV, timingProblems } from "./sidecar-timings";

/**
 * AWS for Fluent Bit 3.2.1 (Fluent Bit 4.2.2 on Amazon Linux 2023; the 2.x line reached end of life on
 * 2026-06-30). Pinned: the sample's `amazon/aws-for-fluent-bit:latest` changed under running platforms.
 * https://github.com/aws/aws-for-fluent-bit/releases
 */
export const FLUENT_BIT_IMAGE = "public.ecr.aws/aws-observability/aws-for-fluent-bit:3.2.1";
/** It runs in every Spark pod, so on every architecture a Spark pool may have. */
export const FLUENT_BIT_IMAGE_ARCHITECTURES: ImageArchitectures = {
    architectures: ["amd64", "arm64"],
    source: "documented, tag not inspected: aws/aws-for-fluent-bit README (images are published for x86 and arm64 under one multi-arch tag)",
};

/** Non-root user the sidecar runs as; no user of the image or of EMR's Spark images (hadoop is 999). */
export const FLUENT_BIT_UID = 10001;
/**
 * EMR's `hadoop` group (gid 1000): Spark writes its logs as hadoop:hadoop, so the group lets the sidecar read
 * them even where the files are not world-readable.
 */
export const SPARK_LOG_GID = 1000;

/** EMR-defined volumes sidecars may mount (reserved names: pod templates must not define them). */
export const EMR_VOLUMES = {
    applicationLogs: "emr-container-application-log-dir",
    communicate: "emr-container-communicate",
    /** The Spark container's /tmp, where executors without a monitoring configuration keep their end marker. */
    tempData: "temp-data-dir",
} as const;

/**
 * Where the Spark container's heartbeat marker can be, as the sidecar sees it: `/var/log/fluentd` on drivers (and on
 * executors of jobs with a monitoring configuration); `SIDECAR_SIGNAL_FILE`, `/tmp/main-container-terminated`, on
 * executors without one (EMR's executor template). The watcher follows whichever appears first.
 */
export const MAIN_CONTAINER_MARKERS = [
    `${MAIN_CONTAINER_MARKER_DIR}/main-container-terminated`,
    `${SPARK_TEMP_DATA_DIR}/main-container-terminated`,
] as const;

/** Names of the pod volumes the sidecar adds; prefixed so they never collide with EMR's or the user's. */
export const SIDECAR_VOLUMES = {
    config: "fluent-bit-sidecar-config",
    scripts: "fluent-bit-sidecar-wrapper",
    state: "fluent-bit-sidecar-state",
} as const;

export type SparkPodRole = "driver" | "executor";

export interface FluentBitSidecarOptions {
    /** Which Spark pod the sidecar runs in (a record field of every log line). */
    role: SparkPodRole;
    /** How the sidecar follows the Spark container. @default DEFAULT_SIDECAR_TIMINGS */
    timings?: SidecarTimings;
    /**
     * Container resources.
     * @default requests 100m / 128Mi, limits 500m and the memory `sidecarMemoryLimitMiB` derives from the buffers
     */
    resources?: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
    /** Buffer bounds of the Fluent Bit configuration the sidecar runs; its memory limit is sized from them. */
    limits?: FluentBitOutputLimits;
}

export interface FluentBitSidecar {
    /** The container, for `spec.containers` of a pod template. */
    container: k8s.types.input.core.v1.Container;
    /** Pod volumes the container mounts that the template must define (not EMR's reserved ones). */
    volumes: k8s.types.input.core.v1.Volume[];
}

const defaultResources = (limits: FluentBitOutputLimits) => ({
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: `${sidecarMemoryLimitMiB(limits)}Mi` },
});

export function fluentBitSidecar(options: FluentBitSidecarOptions): FluentBitSidecar {
    const timings = options.timings ?? DEFAULT_SIDECAR_TIMINGS;
    const problems = timingProblems(timings);
    if (problems.length > 0) throw new Error(`Fluent Bit sidecar timings: ${problems.join("; ")}`);
    const limits = options.limits ?? DEFAULT_OUTPUT_LIMITS;
    const mounts = [
        { name: SIDECAR_VOLUMES.config, mountPath: FLUENT_BIT_CONFIG_DIR, readOnly: true },
        { name: SIDECAR_VOLUMES.scripts, mountPath: WRAPPER_SCRIPTS_DIR, readOnly: true },
        { name: SIDECAR_VOLUMES.state, mountPath: FLUENT_BIT_STATE_DIR },
        { name: EMR_VOLUMES.applicationLogs, mountPath: SPARK_APPLICATION_LOG_DIR, readOnly: true },
        { name: EMR_VOLUMES.communicate, mountPath: MAIN_CONTAINER_MARKER_DIR, readOnly: true },
        { name: EMR_VOLUMES.tempData, mountPath: SPARK_TEMP_DATA_DIR, readOnly: true },
    ];
    const container: k8s.types.input.core.v1.Container = {
        name: "fluent-bit",
        image: FLUENT_BIT_IMAGE,
        imagePullPolicy: "IfNotPresent",
        // Scripts run through bash, so the ConfigMap's files need no execute bit.
        command: ["/bin/bash", `${WRAPPER_SCRIPTS_DIR}/entrypoint.sh`],
        env: [
            ...Object.entries(TIMING_ENV).map(([key, name]) => ({
                name,
                value: String(timings[key as keyof SidecarTimings]),
            })),
            { name: "WATCH_MARKER_FILES", value: MAIN_CONTAINER_MARKERS.join(":") },
            { name: "SPARK_ROLE", value: options.role },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
        ],
        resources: options.resources ?? defaultResources(limits),
        securityContext: {
            runAsNonRoot: true,
            runAsUser: FLUENT_BIT_UID,
            runAsGroup: SPARK_LOG_GID,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
        volumeMounts: mounts,
    };
    const volumes: k8s.types.input.core.v1.Volume[] = [
        { name: SIDECAR_VOLUMES.config, configMap: { name: FLUENT_BIT_CONFIG_MAP, defaultMode: 0o444 } },
        { name: SIDECAR_VOLUMES.scripts, configMap: { name: FLUENT_BIT_WRAPPER_CONFIG_MAP, defaultMode: 0o444 } },
        // Tail offsets and buffers outlive a Fluent Bit restart in the pod; bounded so a dead domain cannot fill
        // the node.
        { name: SIDECAR_VOLUMES.state, emptyDir: { sizeLimit: "1Gi" } },
    ];
    return { container, volumes };
}

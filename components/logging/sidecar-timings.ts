/**
 * How the Fluent Bit sidecar follows the Spark container's life. One object feeds both the wrapper scripts
 * (through environment variables on the container) and Fluent Bit's own shutdown grace, so they cannot disagree.
 *
 * EMR's Spark container touches a marker every 2 seconds while it runs and deletes it when it ends (EMR on EKS
 * pod-templates docs, "sidecar containers"): `/var/log/fluentd/main-container-terminated`, or on executors without
 * a monitoring configuration `SIDECAR_SIGNAL_FILE` in its /tmp (see MAIN_CONTAINER_MARKERS).
 */
export interface SidecarTimings {
    /** How long to wait for the marker file to first appear before giving up, seconds (covers a cold image pull). */
    initialWaitSeconds: number;
    /** How old the marker's last heartbeat may get before the Spark container counts as gone, seconds. */
    heartbeatTimeoutSeconds: number;
    /** How often the marker is checked, seconds (fractions allowed). */
    pollIntervalSeconds: number;
    /** After SIGTERM, how long Fluent Bit may flush before it is killed, seconds. */
    flushGraceSeconds: number;
}

/**
 * The initial wait covers a cold pull of the Spark image: Spark adds its container after the template's, the
 * kubelet pulls images in container order and EMR pulls Spark's with `Always`, so on a fresh node the marker can
 * take minutes to appear (EMR's documented sample waits only 60 s, after which the pod's logs would be lost). The
 * heartbeat comes every 2 s, so 15 s tolerates several missed beats on a busy node. A 2 s poll notices the end
 * within one Fluent Bit flush cycle or two; a 20 s grace leaves Fluent Bit time to retry a failed last bulk request.
 */
export const DEFAULT_SIDECAR_TIMINGS: Readonly<SidecarTimings> = {
    initialWaitSeconds: 600,
    heartbeatTimeoutSeconds: 15,
    pollIntervalSeconds: 2,
    flushGraceSeconds: 20,
};

/** Environment variable of each timing, read by `scripts/watch-main-container.sh`. */
export const TIMING_ENV: Readonly<Record<keyof SidecarTimings, string>> = {
    initialWaitSeconds: "WATCH_INITIAL_WAIT_SECONDS",
    heartbeatTimeoutSeconds: "WATCH_HEARTBEAT_TIMEOUT_SECONDS",
    pollIntervalSeconds: "WATCH_POLL_INTERVAL_SECONDS",
    flushGraceSeconds: "WATCH_FLUSH_GRACE_SECONDS",
};

/** Problems with a set of timings, each naming the field, the value and the fix; empty when valid. */
export function timingProblems(t: SidecarTimings): string[] {
    const problems: string[] = [];
    for (const key of ["initialWaitSeconds", "heartbeatTimeoutSeconds", "flushGraceSeconds"] as const) {
        if (!Number.isInteger(t[key]) || t[key] < 1)
            problems.push(`${key} is ${t[key]}; use a whole number of seconds, at least 1`);
    }
    if (!(t.pollIntervalSeconds > 0) || t.pollIntervalSeconds > t.heartbeatTimeoutSeconds) {
        problems.push(
            `pollIntervalSeconds is ${t.pollIntervalSeconds}; ` +
                "use a positive number no larger than heartbeatTimeoutSeconds",
        );
    }
    if (t.heartbeatTimeoutSeconds < 3) {
        // The Spark container beats every 2 s and mtimes have 1 s resolution: less would stop healthy jobs' logs.
        problems.push(
            `heartbeatTimeoutSeconds is ${t.heartbeatTimeoutSeconds}; use at least 3 (the heartbeat comes every 2 s)`,
        );
    }
    return problems;
}

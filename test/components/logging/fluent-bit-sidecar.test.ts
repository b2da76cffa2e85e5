import * as assert from "node:assert/strict";
import {
    DEFAULT_OUTPUT_LIMITS,
    DEFAULT_SIDECAR_TIMINGS,
    FLUENT_BIT_IMAGE,
    FLUENT_BIT_UID,
    TIMING_ENV,
    fluentBitSidecar,
    sidecarMemoryLimitMiB,
} from "../../../components/logging";
import { nonEmpty } from "../../support/non-empty";

interface ModelClass {
    new (data: unknown): { validate(): void };
}

type Mount = { name: string; mountPath: string; readOnly?: boolean };
type Container = {
    image: string;
    command: string[];
    env: { name: string; value?: string }[];
    resources: { requests: Record<string, string>; limits: Record<string, string> };
    securityContext: Record<string, unknown>;
    volumeMounts: Mount[];
};

/**
 * A pod as EMR builds it from a template: EMR adds its reserved volumes (stand-ins here) and the Spark container;
 * the template contributes the sidecar and its volumes.
 */
function podWith(role: "driver" | "executor") {
    const sidecar = fluentBitSidecar({ role });
    const emrVolumes = [
        "emr-container-communicate",
        "emr-container-application-log-dir",
        "temp-data-dir",
        ...(role === "driver" ? ["emr-container-event-log-dir"] : []),
    ].map((name) => ({ name, emptyDir: {} }));
    return {
        sidecar,
        pod: {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: `spark-${role}` },
            spec: {
                containers: [{ name: `spark-kubernetes-${role}`, image: "spark:stand-in" }, sidecar.container],
                volumes: [...emrVolumes, ...sidecar.volumes],
            },
        },
    };
}

describe("Fluent Bit sidecar container", () => {
    let Pod: ModelClass;
    before(async () => {
        ({ Pod } = (await import("kubernetes-models/v1/Pod")) as { Pod: ModelClass });
    });

    for (const role of ["driver", "executor"] as const) {
        it(`must validate as part of a ${role} Pod, every mount backed by a volume`, () => {
            const { pod, sidecar } = podWith(role);
            new Pod(pod).validate();
            const volumes = new Set(pod.spec.volumes.map((v) => v.name));
            for (const mount of nonEmpty((sidecar.container as unknown as Container).volumeMounts, "volume mount"))
                assert.ok(volumes.has(mount.name), mount.name);
        });
    }

    it("the schema check must be able to fail (a string UID is rejected)", () => {
        const { pod } = podWith("driver");
        const broken = structuredClone(pod);
        (broken.spec.containers[1] as unknown as Container).securityContext.runAsUser = "root";
        assert.throws(() => new Pod(broken).validate());
    });

    it("must run a pinned aws-for-fluent-bit image as an explicit non-root user without privileges", () => {
        const c = fluentBitSidecar({ role: "driver" }).container as unknown as Container;
        assert.match(c.image, /^public\.ecr\.aws\/aws-observability\/aws-for-fluent-bit:\d+\.\d+\.\d+$/);
        assert.equal(c.image, FLUENT_BIT_IMAGE);
        assert.deepEqual(c.securityContext, {
            runAsNonRoot: true,
            runAsUser: FLUENT_BIT_UID,
            runAsGroup: 1000,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.ok(FLUENT_BIT_UID > 0);
        assert.ok(
            c.resources.requests.cpu &&
                c.resources.requests.memory &&
                c.resources.limits.cpu &&
                c.resources.limits.memory,
        );
    });

    it("must mount both ConfigMaps, EMR's log directory and both places of the Spark container's marker, read-only", () => {
        const mounts = (role: "driver" | "executor") =>
            Object.fromEntries(
                (fluentBitSidecar({ role }).container as unknown as Container).volumeMounts.map((m) => [
                    m.mountPath,
                    `${m.name}${m.readOnly ? " (ro)" : ""}`,
                ]),
            );
        assert.deepEqual(mounts("driver"), {
            "/fluent-bit/etc": "fluent-bit-sidecar-config (ro)",
            "/scripts": "fluent-bit-sidecar-wrapper (ro)",
            "/var/fluent-bit/state": "fluent-bit-sidecar-state",
            "/var/log/spark/user": "emr-container-application-log-dir (ro)",
            "/var/log/fluentd": "emr-container-communicate (ro)",
            // The Spark container's /tmp: executors without a monitoring configuration signal there.
            "/var/emr-temp-data": "temp-data-dir (ro)",
        });
        assert.deepEqual(mounts("executor"), mounts("driver"));
        const volumes = fluentBitSidecar({ role: "driver" }).volumes.map((v) => v.name as string);
        assert.ok(
            volumes.every((name) => !name.startsWith("emr-container-")),
            "a pod template must not define EMR's reserved volumes",
        );
    });

    it("must start through the wrapper and hand the watcher its timings through the environment", () => {
        const timings = {
            initialWaitSeconds: 30,
            heartbeatTimeoutSeconds: 9,
            pollIntervalSeconds: 1,
            flushGraceSeconds: 7,
        };
        const c = fluentBitSidecar({ role: "executor", timings }).container as unknown as Container;
        assert.deepEqual(c.command, ["/bin/bash", "/scripts/entrypoint.sh"]);
        const env = Object.fromEntries(c.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
        assert.deepEqual(Object.fromEntries(Object.values(TIMING_ENV).map((name) => [name, env[name]])), {
            WATCH_INITIAL_WAIT_SECONDS: "30",
            WATCH_HEARTBEAT_TIMEOUT_SECONDS: "9",
            WATCH_POLL_INTERVAL_SECONDS: "1",
            WATCH_FLUSH_GRACE_SECONDS: "7",
        });
        // Both markers EMR uses: the driver's, and an executor's SIDECAR_SIGNAL_FILE (/tmp, seen through temp-data-dir).
        assert.equal(
            env.WATCH_MARKER_FILES,
            "/var/log/fluentd/main-container-terminated:/var/emr-temp-data/main-container-terminated",
        );
        assert.ok(!c.env.some((e) => e.name === "SIDECAR_SIGNAL_FILE"), "EMR reserves SIDECAR_SIGNAL_FILE");
    });

    it("must wait at least 600 s for the Spark container by default: its image is pulled after the sidecar's", () => {
        assert.ok(DEFAULT_SIDECAR_TIMINGS.initialWaitSeconds >= 600);
        const env = (fluentBitSidecar({ role: "executor" }).container as unknown as Container).env;
        assert.equal(env.find((e) => e.name === "WATCH_INITIAL_WAIT_SECONDS")?.value, "600");
    });

    it("must size the memory limit from the Fluent Bit buffers it runs with", () => {
        const limitOf = (maxChunksUp: number) =>
            (
                fluentBitSidecar({ role: "driver", limits: { ...DEFAULT_OUTPUT_LIMITS, maxChunksUp } })
                    .container as unknown as Container
            ).resources.limits.memory;
        assert.equal(limitOf(DEFAULT_OUTPUT_LIMITS.maxChunksUp), `${sidecarMemoryLimitMiB(DEFAULT_OUTPUT_LIMITS)}Mi`);
        assert.equal(limitOf(96), `${sidecarMemoryLimitMiB({ ...DEFAULT_OUTPUT_LIMITS, maxChunksUp: 96 })}Mi`);
        assert.ok(parseInt(limitOf(96)) >= 96 * 2, "96 chunks of ~2 MiB fit");
    });

    it("must refuse a heartbeat timeout shorter than EMR's heartbeat", () => {
        assert.throws(
            () =>
                fluentBitSidecar({
                    role: "driver",
                    timings: {
                        initialWaitSeconds: 60,
                        heartbeatTimeoutSeconds: 2,
                        pollIntervalSeconds: 1,
                        flushGraceSeconds: 5,
                    },
                }),
            /heartbeatTimeoutSeconds is 2; use at least 3/,
        );
    });
});

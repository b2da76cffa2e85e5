import * as assert from "node:assert/strict";
import { nonRootPods } from "../../../policies/non-root-pods";
import {
    assertCompliant,
    assertNotApplicable,
    assertUnknown,
    assertViolations,
    runResourcePolicy,
    unknownObjectValue,
    unknownStringValue,
} from "../util";

const NON_ROOT = { runAsNonRoot: true, runAsUser: 185 };
const FIX = "set securityContext.runAsNonRoot: true and securityContext.runAsUser: <uid ≥ 1>";
const ROOT =
    "0 runs the container as root; use a non-zero UID (e.g. 185, Apache Spark's spark user) and runAsNonRoot: true";

const container = (name: string, securityContext?: Record<string, unknown>) => ({
    name,
    image: "public.ecr.aws/example/app:1.0",
    ...(securityContext ? { securityContext } : {}),
});
const podSpec = (extra: Record<string, unknown> = {}) => ({ containers: [container("app", NON_ROOT)], ...extra });

/** Wraps a PodSpec the way each kind nests it. */
const KINDS: ReadonlyArray<{
    kind: string;
    type: string;
    path: string;
    wrap: (spec: unknown) => Record<string, unknown>;
}> = [
    { kind: "Pod", type: "kubernetes:core/v1:Pod", path: "spec", wrap: (spec) => ({ spec }) },
    {
        kind: "PodTemplate",
        type: "kubernetes:core/v1:PodTemplate",
        path: "template.spec",
        wrap: (spec) => ({ template: { spec } }),
    },
    {
        kind: "ReplicationController",
        type: "kubernetes:core/v1:ReplicationController",
        path: "spec.template.spec",
        wrap: (spec) => ({ spec: { template: { spec } } }),
    },
    ...["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].map((kind) => ({
        kind,
        type: `kubernetes:apps/v1:${kind}`,
        path: "spec.template.spec",
        wrap: (spec: unknown) => ({ spec: { template: { spec } } }),
    })),
    {
        kind: "Job",
        type: "kubernetes:batch/v1:Job",
        path: "spec.template.spec",
        wrap: (spec) => ({ spec: { template: { spec } } }),
    },
    {
        kind: "CronJob",
        type: "kubernetes:batch/v1:CronJob",
        path: "spec.jobTemplate.spec.template.spec",
        wrap: (spec) => ({ spec: { jobTemplate: { spec: { template: { spec } } } } }),
    },
];

function workload(type: string, body: Record<string, unknown>, name = "app") {
    return { type, name, props: { metadata: { name, namespace: "spark" }, ...body } };
}

const deployment = (spec: unknown, type = "kubernetes:apps/v1:Deployment") =>
    workload(type, { spec: { template: { spec } } }, "history");
const check = (spec: ReturnType<typeof workload>, config?: Record<string, unknown>) =>
    runResourcePolicy(nonRootPods, spec, config);

describe("non-root-pods", () => {
    describe("every pod-bearing kind", () => {
        for (const { kind, type, path, wrap } of KINDS) {
            it(`passes a ${kind} whose containers are non-root`, async () => {
                assertCompliant(await check(workload(type, wrap(podSpec()))));
            });

            it(`rejects a ${kind} container running as root`, async () => {
                const outcome = await check(workload(type, wrap({ containers: [container("app", { runAsUser: 0 })] })));
                assertViolations(outcome, [
                    `${kind} 'spark/app' ${path}.containers[0].securityContext.runAsUser: ${ROOT}`,
                ]);
            });

            it(`rejects a ${kind} container with no security context`, async () => {
                const outcome = await check(workload(type, wrap({ containers: [container("app")] })));
                assertViolations(outcome, [
                    `${kind} 'spark/app' ${path}.containers[0]: container 'app' is not provably non-root: no runAsNonRoot: ` +
                        `true or non-zero runAsUser is set in ${path}.containers[0].securityContext or ${path}.securityContext; ${FIX}`,
                ]);
            });
        }

        it("checks older API versions too (batch/v1beta1 CronJob)", async () => {
            const outcome = await check(
                workload("kubernetes:batch/v1beta1:CronJob", {
                    spec: {
                        jobTemplate: {
                            spec: { template: { spec: { containers: [container("c", { runAsUser: 0 })] } } },
                        },
                    },
                }),
            );
            assert.equal(outcome.kind === "evaluated" && outcome.violations.length, 1);
        });
    });

    describe("pod and container settings", () => {
        const PATH = "spec.template.spec";
        it("accepts runAsNonRoot: true at pod level for bare containers", async () => {
            assertCompliant(
                await check(
                    deployment({
                        securityContext: { runAsNonRoot: true },
                        containers: [container("app")],
                        initContainers: [container("init")],
                    }),
                ),
            );
        });

        it("accepts a non-zero runAsUser at pod level", async () => {
            assertCompliant(
                await check(deployment({ securityContext: { runAsUser: 1000 }, containers: [container("app")] })),
            );
        });

        it("lets a container's runAsNonRoot: false override the pod's true", async () => {
            const outcome = await check(
                deployment({
                    securityContext: { runAsNonRoot: true },
                    containers: [container("app", { runAsNonRoot: false })],
                }),
            );
            assertViolations(outcome, [
                `Deployment 'spark/history' ${PATH}.containers[0]: container 'app' is not provably non-root: runAsNonRoot is false at ` +
                    `${PATH}.containers[0].securityContext.runAsNonRoot and no non-zero runAsUser applies; ${FIX} on the container`,
            ]);
        });

        it("accepts runAsNonRoot: false with an explicit non-zero runAsUser", async () => {
            assertCompliant(
                await check(deployment({ containers: [container("app", { runAsNonRoot: false, runAsUser: 1000 })] })),
            );
        });

        it("reports runAsUser: 0 at pod level even when every container overrides it", async () => {
            const outcome = await check(
                deployment({ securityContext: { runAsUser: 0 }, containers: [container("app", NON_ROOT)] }),
            );
            assertViolations(outcome, [`Deployment 'spark/history' ${PATH}.securityContext.runAsUser: ${ROOT}`]);
        });

        it("reports runAsUser: 0 even with runAsNonRoot: true", async () => {
            const outcome = await check(
                deployment({ containers: [container("app", { runAsNonRoot: true, runAsUser: 0 })] }),
            );
            assertViolations(outcome, [
                `Deployment 'spark/history' ${PATH}.containers[0].securityContext.runAsUser: ${ROOT}`,
            ]);
        });

        it("checks init containers", async () => {
            const outcome = await check(
                deployment(podSpec({ initContainers: [container("chown", { runAsUser: 0 })] })),
            );
            assertViolations(outcome, [
                `Deployment 'spark/history' ${PATH}.initContainers[0].securityContext.runAsUser: ${ROOT}`,
            ]);
        });

        it("checks ephemeral containers", async () => {
            const outcome = await check(deployment(podSpec({ ephemeralContainers: [container("debug")] })));
            assert.match(
                outcome.kind === "evaluated" ? outcome.violations[0].message : "",
                /ephemeralContainers\[0\]: container 'debug' is not provably non-root/,
            );
        });

        it("does not accept runAsNonRoot as a string", async () => {
            const outcome = await check(deployment({ containers: [container("app", { runAsNonRoot: "true" })] }));
            assertViolations(outcome, [
                `Deployment 'spark/history' ${PATH}.containers[0]: container 'app' is not provably non-root: runAsNonRoot is "true" at ` +
                    `${PATH}.containers[0].securityContext.runAsNonRoot and no non-zero runAsUser applies; ${FIX} on the container`,
            ]);
        });

        it("does not accept a runAsUser that is not a positive integer", async () => {
            const outcome = await check(deployment({ containers: [container("app", { runAsUser: -1 })] }));
            assertViolations(outcome, [
                `Deployment 'spark/history' ${PATH}.containers[0].securityContext.runAsUser: -1 is not a positive integer UID; ${FIX}`,
            ]);
        });
    });

    describe("*Patch resources (only what the patch sets)", () => {
        const PATCH = "kubernetes:apps/v1:DeploymentPatch";
        it("passes a patch that touches no security setting", async () => {
            assertCompliant(await check(workload(PATCH, { spec: { replicas: 3 } })));
            assertCompliant(await check(deployment({ containers: [container("app")] }, PATCH)));
        });

        it("rejects a patch that sets a root user", async () => {
            const outcome = await check(deployment({ containers: [container("app", { runAsUser: 0 })] }, PATCH));
            assertViolations(outcome, [
                `DeploymentPatch 'spark/history' spec.template.spec.containers[0].securityContext.runAsUser: ${ROOT}`,
            ]);
        });

        it("rejects a patch that turns runAsNonRoot off", async () => {
            const outcome = await check(
                deployment({ securityContext: { runAsNonRoot: false }, containers: [container("app")] }, PATCH),
            );
            assert.match(
                outcome.kind === "evaluated" ? outcome.violations[0].message : "",
                /runAsNonRoot is false at spec\.template\.spec\.securityContext\.runAsNonRoot/,
            );
        });
    });

    describe("*Patch resources that set only the pod-level securityContext", () => {
        const OFF =
            "false turns off the non-root check for every container of the patched pod that does not set its own (also " +
            "those this patch does not list); set the pod-level securityContext.runAsNonRoot: true and runAsUser: " +
            "<uid ≥ 1>, or remove runAsNonRoot from the patch";
        it("rejects pod-level runAsNonRoot: false with no containers listed, in every patch kind", async () => {
            assertViolations(
                await check(
                    deployment({ securityContext: { runAsNonRoot: false } }, "kubernetes:apps/v1:DeploymentPatch"),
                ),
                [`DeploymentPatch 'spark/history' spec.template.spec.securityContext.runAsNonRoot: ${OFF}`],
            );
            assertViolations(
                await check(
                    workload("kubernetes:batch/v1:CronJobPatch", {
                        spec: {
                            jobTemplate: { spec: { template: { spec: { securityContext: { runAsNonRoot: false } } } } },
                        },
                    }),
                ),
                [`CronJobPatch 'spark/app' spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot: ${OFF}`],
            );
            assertViolations(
                await check(
                    workload("kubernetes:core/v1:PodPatch", { spec: { securityContext: { runAsNonRoot: false } } }),
                ),
                [`PodPatch 'spark/app' spec.securityContext.runAsNonRoot: ${OFF}`],
            );
        });

        it("passes a pod-level patch that keeps the pod non-root", async () => {
            const patch = (securityContext: Record<string, unknown>) =>
                check(deployment({ securityContext }, "kubernetes:apps/v1:DeploymentPatch"));
            assertCompliant(await patch({ runAsNonRoot: true }));
            assertCompliant(await patch({ runAsNonRoot: false, runAsUser: 185 }));
            assertCompliant(await patch({ fsGroup: 185 }));
        });
    });

    describe("exemptions and scope", () => {
        const root = deployment({ containers: [container("app", { runAsUser: 0 })] });
        for (const name of ["history", "spark/history", "test-resource"]) {
            it(`skips workloads listed in exemptWorkloads as '${name}'`, async () => {
                const outcome = await check({ ...root, name: "test-resource" }, { exemptWorkloads: [name] });
                assertNotApplicable(outcome, `'${name}' is listed in non-root-pods.exemptWorkloads`);
            });
        }

        it("does not apply to other kinds, or to look-alike kinds of other API groups", async () => {
            assertNotApplicable(await check(workload("kubernetes:core/v1:Service", { spec: {} })));
            assertNotApplicable(
                await check(
                    workload("kubernetes:example.com/v1:Deployment", {
                        spec: { template: { spec: { containers: [container("a", { runAsUser: 0 })] } } },
                    }),
                ),
            );
        });
    });

    describe("unknown values", () => {
        it("never passes a securityContext unknown during preview", async () => {
            assertUnknown(
                await check(deployment({ containers: [{ name: "app", securityContext: unknownObjectValue }] })),
                "Object value at .spec.template.spec.containers.0.securityContext",
            );
        });

        it("never passes an unknown runAsUser", async () => {
            assertUnknown(
                await check(
                    deployment({
                        containers: [container("app", { runAsNonRoot: true, runAsUser: unknownStringValue })],
                    }),
                ),
            );
        });

        it("never passes a ConfigMap whose data is unknown", async () => {
            assertUnknown(
                await check(workload("kubernetes:core/v1:ConfigMap", { data: { "driver.yaml": unknownStringValue } })),
            );
        });
    });
});

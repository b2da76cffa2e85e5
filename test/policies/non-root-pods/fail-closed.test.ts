/**
 * non-root-pods fails closed on content it cannot read with certainty: pod templates whose text readers resolve
 * differently, that does not parse, or that a text shortcut would skip; bodies it cannot read at all are not
 * evaluated. Pod-level/container-level inheritance follows Kyverno require-run-as-nonroot and Pod Security
 * "restricted" for every workload kind.
 */
import * as assert from "node:assert/strict";
import { nonRootPods } from "../../../policies/non-root-pods";
import { assertCompliant, assertUnknown, Outcome, runResourcePolicy } from "../util";

const configMap = (data: Record<string, string>) => ({
    type: "kubernetes:core/v1:ConfigMap",
    name: "tpl",
    props: { metadata: { name: "tpl", namespace: "spark" }, data },
});
const messages = (outcome: Outcome) =>
    outcome.kind === "evaluated" ? outcome.violations.map((v) => v.message) : [JSON.stringify(outcome)];
const GOOD =
    "kind: Pod\nspec:\n  containers:\n  - name: main\n    securityContext:\n      runAsNonRoot: true\n      runAsUser: 185\n";

describe("non-root-pods: content it cannot read with certainty", () => {
    it("reports a template with a duplicate key (Spark's reader keeps the last one)", async () => {
        const text =
            "kind: Pod\nspec:\n  containers:\n  - name: main\n    securityContext: {runAsNonRoot: true, runAsUser: 185}\n    securityContext: {runAsUser: 0}\n";
        assert.match(
            messages(await runResourcePolicy(nonRootPods, configMap({ "driver.yaml": text })))[0],
            /^ConfigMap 'spark\/tpl' data\["driver\.yaml"\]: repeats a key in one mapping/,
        );
    });

    it("reports a template that YAML 1.1 reads differently (merge keys, yes/no)", async () => {
        const merge =
            "root: &root {runAsUser: 0}\nkind: Pod\nspec:\n  containers:\n  - name: main\n    securityContext:\n      <<: *root\n      runAsNonRoot: true\n";
        assert.match(
            messages(await runResourcePolicy(nonRootPods, configMap({ "driver.yaml": merge })))[0],
            /reads differently under YAML 1\.1/,
        );
        const yes = "kind: Pod\nspec:\n  containers:\n  - name: main\n    securityContext: {runAsNonRoot: yes}\n";
        assert.match(
            messages(await runResourcePolicy(nonRootPods, configMap({ "driver.yaml": yes })))[0],
            /reads differently under YAML 1\.1/,
        );
    });

    it("reads escaped keys, which a text pre-filter would miss", async () => {
        const json = '{"kind":"Pod","spec":{"\\u0063ontainers":[{"name":"main","securityContext":{"runAsUser":0}}]}}';
        assert.match(
            messages(await runResourcePolicy(nonRootPods, configMap({ "driver.json": json })))[0],
            /spec\.containers\[0\]\.securityContext\.runAsUser: 0 runs the container as root/,
        );
    });

    it("judges a document of any kind whose spec lists containers (Spark loads it as a Pod)", async () => {
        const text = "apiVersion: v1\nkind: Template\nspec:\n  containers:\n  - name: main\n";
        assert.match(
            messages(await runResourcePolicy(nonRootPods, configMap({ "driver.yaml": text })))[0],
            /container 'main' is not provably non-root/,
        );
    });

    it("reports text that does not parse but reads like a pod template as not evaluated", async () => {
        const broken = "kind: Pod\nspec:\n  containers:\n  - name: main\n    securityContext: {runAsUser: 0\n";
        assertUnknown(
            await runResourcePolicy(nonRootPods, configMap({ "driver.yaml": broken })),
            "does not parse as YAML or JSON but reads like a pod template",
        );
    });

    it("passes legitimate templates and non-template data", async () => {
        assertCompliant(
            await runResourcePolicy(
                nonRootPods,
                configMap({
                    "driver.yaml": GOOD,
                    "spark-defaults.conf": "spark.executor.cores 2\n",
                    "app.json": '{"a": 1}',
                }),
            ),
        );
    });

    it("reads pod templates in Secrets (data base64, stringData)", async () => {
        const root = "kind: Pod\nspec:\n  containers:\n  - name: main\n    securityContext: {runAsUser: 0}\n";
        const secret = {
            type: "kubernetes:core/v1:Secret",
            name: "s",
            props: {
                metadata: { name: "s" },
                data: { "t.yaml": Buffer.from(root).toString("base64") },
                stringData: { "g.yaml": GOOD },
            },
        };
        assert.deepEqual(messages(await runResourcePolicy(nonRootPods, secret)).length, 1);
    });

    describe("S3 objects: by content or origin, never by key", () => {
        const object = (props: Record<string, unknown>, type = "aws:s3/bucketObjectv2:BucketObjectv2") => ({
            type,
            name: "obj",
            props: { bucket: "artifacts", key: "notes.txt", ...props },
        });
        it("judges a pod template whatever the key's extension", async () => {
            const root = "kind: Pod\nspec:\n  containers:\n  - name: main\n    securityContext: {runAsUser: 0}\n";
            assert.match(
                messages(await runResourcePolicy(nonRootPods, object({ content: root })))[0],
                /^S3 object 'notes\.txt' content\.spec\.containers\[0\]/,
            );
        });

        it("reports an object copied from elsewhere as not evaluated unless its origin is no template", async () => {
            assertUnknown(
                await runResourcePolicy(
                    nonRootPods,
                    object({ source: "other-bucket/templates/driver" }, "aws:s3/objectCopy:ObjectCopy"),
                ),
                "is copied from another object",
            );
            assertCompliant(
                await runResourcePolicy(
                    nonRootPods,
                    object({ source: "other-bucket/jobs/etl.jar" }, "aws:s3/objectCopy:ObjectCopy"),
                ),
            );
        });
    });

    describe("UIDs the kubelet would not run as a non-root user", () => {
        const pod = (securityContext: Record<string, unknown>) => ({
            type: "kubernetes:core/v1:Pod",
            name: "p",
            props: { metadata: { name: "p" }, spec: { containers: [{ name: "c", securityContext }] } },
        });
        it("does not vouch for a UID beyond 2^31-1", async () => {
            assert.match(
                messages(await runResourcePolicy(nonRootPods, pod({ runAsUser: 4294967296 })))[0],
                /is not a positive integer UID/,
            );
        });

        it("reports the Windows administrator account", async () => {
            assert.match(
                messages(
                    await runResourcePolicy(
                        nonRootPods,
                        pod({ runAsNonRoot: true, windowsOptions: { runAsUserName: "ContainerAdministrator" } }),
                    ),
                )[0],
                /windowsOptions\.runAsUserName: "ContainerAdministrator" runs the container as the Windows administrator/,
            );
        });
    });
});

describe("non-root-pods: Kyverno require-run-as-nonroot and Pod Security restricted cases", () => {
    const c = (name: string, securityContext?: Record<string, unknown>) => ({
        name,
        image: "nginx",
        ...(securityContext ? { securityContext } : {}),
    });
    const wraps: Array<[string, string, (spec: unknown) => Record<string, unknown>]> = [
        ["Pod", "kubernetes:core/v1:Pod", (spec) => ({ spec })],
        ["Deployment", "kubernetes:apps/v1:Deployment", (spec) => ({ spec: { template: { spec } } })],
        [
            "CronJob",
            "kubernetes:batch/v1:CronJob",
            (spec) => ({ spec: { jobTemplate: { spec: { template: { spec } } } } }),
        ],
    ];
    const T = { runAsNonRoot: true };
    const F = { runAsNonRoot: false };
    const bad: Array<[string, Record<string, unknown>]> = [
        ["no securityContext", { containers: [c("a")] }],
        ["container false", { containers: [c("a", F)] }],
        ["pod false", { securityContext: F, containers: [c("a")] }],
        ["pod true, container false", { securityContext: T, containers: [c("a", F)] }],
        ["one of two containers false", { containers: [c("a", T), c("b", F)] }],
        ["init container false", { initContainers: [c("i", F)], containers: [c("a", T)] }],
        ["bare init container without pod level", { initContainers: [c("i")], containers: [c("a", T)] }],
        ["pod true, init false", { securityContext: T, initContainers: [c("i", F)], containers: [c("a")] }],
        ["ephemeral container false", { securityContext: T, containers: [c("a")], ephemeralContainers: [c("e", F)] }],
        ["unrelated pod field only", { securityContext: { allowPrivilegeEscalation: false }, containers: [c("a")] }],
        ["runAsUser 0 with runAsNonRoot true", { containers: [c("a", { runAsNonRoot: true, runAsUser: 0 })] }],
        ["pod runAsUser 0", { securityContext: { runAsUser: 0 }, containers: [c("a", T)] }],
        ["init runAsUser 0", { securityContext: T, initContainers: [c("i", { runAsUser: 0 })], containers: [c("a")] }],
    ];
    const good: Array<[string, Record<string, unknown>]> = [
        ["pod true only", { securityContext: T, containers: [c("a"), c("b")] }],
        ["containers true only", { containers: [c("a", T)], initContainers: [c("i", T)] }],
        ["pod true and container true", { securityContext: T, containers: [c("a", T)] }],
        ["pod true, bare init", { securityContext: T, initContainers: [c("i")], containers: [c("a")] }],
        [
            "pod runAsUser 10 overridden by containers 1 and 2",
            {
                securityContext: { runAsUser: 10, runAsNonRoot: true },
                containers: [c("a", { runAsUser: 1 }), c("b", { runAsUser: 2 })],
            },
        ],
        [
            "container runAsNonRoot false with runAsUser 10",
            { containers: [c("a", { runAsNonRoot: false, runAsUser: 10 })] },
        ],
    ];
    for (const [kind, type, wrap] of wraps) {
        for (const [label, spec] of bad) {
            it(`flags a ${kind}: ${label}`, async () => {
                const outcome = await runResourcePolicy(nonRootPods, {
                    type,
                    name: "w",
                    props: { metadata: { name: "w" }, ...wrap(spec) },
                });
                assert.ok(outcome.kind === "evaluated" && outcome.violations.length > 0, JSON.stringify(outcome));
            });
        }
        for (const [label, spec] of good) {
            it(`passes a ${kind}: ${label}`, async () => {
                assertCompliant(
                    await runResourcePolicy(nonRootPods, {
                        type,
                        name: "w",
                        props: { metadata: { name: "w" }, ...wrap(spec) },
                    }),
                );
            });
        }
    }
});

describe("non-root-pods: List kinds create every item", () => {
    it("judges each item of a DeploymentList and a PodList", async () => {
        const deployments = {
            type: "kubernetes:apps/v1:DeploymentList",
            name: "l",
            props: {
                items: [
                    {
                        metadata: { name: "ok" },
                        spec: {
                            template: {
                                spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: "a" }] },
                            },
                        },
                    },
                    {
                        metadata: { name: "root" },
                        spec: {
                            template: { spec: { containers: [{ name: "b", securityContext: { runAsUser: 0 } }] } },
                        },
                    },
                ],
            },
        };
        const outcome = await runResourcePolicy(nonRootPods, deployments);
        assert.deepEqual(
            messages(outcome).map((m) => m.split(": ")[0]),
            ["DeploymentList 'l' items[1].spec.template.spec.containers[0].securityContext.runAsUser"],
        );
        const pods = {
            type: "kubernetes:core/v1:PodList",
            name: "p",
            props: {
                items: [
                    { spec: { containers: [{ name: "c", securityContext: { runAsNonRoot: true, runAsUser: 185 } }] } },
                ],
            },
        };
        assertCompliant(await runResourcePolicy(nonRootPods, pods));
    });
});

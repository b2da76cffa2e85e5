/**
 * The offline evaluator end to end: a stack export through @pulumi/policy's analyzer handlers, with the pack's
 * enforcement levels, policy config, not-applicable handling and unknown values as the CLI would apply them.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../tools/cli";
import { evaluateStackExport, PolicyVerdicts } from "../../tools/policy-eval/evaluate";
import { planFixture } from "../support/fixture-stacks";
import { unknownArrayValue, unknownStringValue } from "../policies/util";
import {
    compliantStack,
    DEV_CONFIG,
    mutate,
    MUTATIONS,
    resource,
    stackExport,
    trustPolicy,
    urn,
} from "../policies/stack-fixtures";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const summary = (v: PolicyVerdicts) =>
    v.violations.map((x) => `${x.enforcementLevel} ${x.policy} ${x.urn.split("::").pop()}`);

describe("offline evaluation of a stack export", () => {
    it("finds nothing in the compliant stack with the dev config", async () => {
        assert.deepEqual(await evaluateStackExport(stackExport(compliantStack()), DEV_CONFIG), {
            violations: [],
            notEvaluated: [],
        });
    });

    it("needs the config's exemption for the multi-AZ system pool", async () => {
        assert.deepEqual(summary(await evaluateStackExport(stackExport(compliantStack()))), [
            "mandatory single-az-node-pools system",
        ]);
    });

    it("catches a widened pool, a root container and a wildcard trust, mandatory by default", async () => {
        const mutated = MUTATIONS.wildcardTrust(MUTATIONS.rootContainer(MUTATIONS.widenedPool(compliantStack())));
        const verdicts = await evaluateStackExport(stackExport(mutated), DEV_CONFIG);
        assert.deepEqual(summary(verdicts), [
            "mandatory non-root-pods history",
            "mandatory irsa-scoped-roles karpenter",
            "mandatory single-az-node-pools exec-a",
        ]);
        assert.equal(
            verdicts.violations[0].message,
            "Deployment 'spark/spark-history' spec.template.spec.containers[0].securityContext.runAsUser: 0 runs the container as root; " +
                "use a non-zero UID (e.g. 185, Apache Spark's spark user) and runAsNonRoot: true",
        );
    });

    describe("policy config (same format as --policy-pack-config)", () => {
        const mutated = () => stackExport(MUTATIONS.rootContainer(MUTATIONS.widenedPool(compliantStack())));

        it("applies a per-policy level", async () => {
            const verdicts = await evaluateStackExport(mutated(), { ...DEV_CONFIG, "non-root-pods": "advisory" });
            assert.deepEqual(summary(verdicts), [
                "advisory non-root-pods history",
                "mandatory single-az-node-pools exec-a",
            ]);
        });

        for (const [policy, resourceName] of [
            ["single-az-node-pools", "exec-a"],
            ["non-root-pods", "history"],
            ["irsa-scoped-roles", "karpenter"],
        ]) {
            it(`honours ${policy}: advisory and disabled`, async () => {
                const all = stackExport(
                    MUTATIONS.wildcardTrust(MUTATIONS.rootContainer(MUTATIONS.widenedPool(compliantStack()))),
                );
                const exemptions = { enforcementLevel: "mandatory", exemptPools: ["spark-dev-system"] };
                const advisory = await evaluateStackExport(all, {
                    "single-az-node-pools": exemptions,
                    [policy]: {
                        ...(policy === "single-az-node-pools" ? exemptions : {}),
                        enforcementLevel: "advisory",
                    },
                });
                assert.ok(
                    summary(advisory).includes(`advisory ${policy} ${resourceName}`),
                    summary(advisory).join("; "),
                );
                assert.equal(advisory.violations.filter((v) => v.enforcementLevel === "mandatory").length, 2);
                const disabled = await evaluateStackExport(all, {
                    "single-az-node-pools": exemptions,
                    [policy]: "disabled",
                });
                assert.ok(!disabled.violations.some((v) => v.policy === policy));
                assert.equal(disabled.violations.length, 2);
            });
        }

        it('applies "all", overridden by a policy\'s own entry', async () => {
            const verdicts = await evaluateStackExport(mutated(), {
                all: "advisory",
                "single-az-node-pools": { enforcementLevel: "mandatory", exemptPools: ["spark-dev-system"] },
            });
            assert.deepEqual(summary(verdicts), [
                "advisory non-root-pods history",
                "mandatory single-az-node-pools exec-a",
            ]);
        });

        it("skips disabled policies and reports remediate as mandatory", async () => {
            const verdicts = await evaluateStackExport(mutated(), {
                ...DEV_CONFIG,
                "single-az-node-pools": { enforcementLevel: "disabled" },
                "non-root-pods": "remediate",
            });
            assert.deepEqual(summary(verdicts), ["mandatory non-root-pods history"]);
        });

        it("hands the config to every half of a policy: a NodePool in exemptPools is exempt per resource too", async () => {
            const pool = resource("kubernetes:karpenter.sh/v1:NodePool", "system-pool", {
                metadata: { name: "spark-dev-system-pool" },
                spec: {
                    template: { spec: { requirements: [{ key: "topology.kubernetes.io/zone", operator: "Exists" }] } },
                },
            });
            const exported = stackExport([...compliantStack(), pool]);
            assert.deepEqual(summary(await evaluateStackExport(exported, DEV_CONFIG)), [
                "mandatory single-az-node-pools system-pool",
            ]);
            const config = { "single-az-node-pools": { exemptPools: ["spark-dev-system", "spark-dev-system-pool"] } };
            assert.deepEqual(await evaluateStackExport(exported, config), { violations: [], notEvaluated: [] });
        });

        it("rejects a property of the wrong type as the CLI does", async () => {
            await assert.rejects(
                evaluateStackExport(mutated(), { "single-az-node-pools": { exemptPools: "spark-dev-system" } }),
                new InputError(
                    "validating policy config: spark-platform 0.1.0  single-az-node-pools: exemptPools: Invalid type. Expected: array, given: string",
                ),
            );
        });

        it("rejects an invalid enforcement level", async () => {
            await assert.rejects(
                evaluateStackExport(mutated(), { "non-root-pods": "strict" }),
                /"strict" is not a valid enforcement level/,
            );
        });

        it("warns about entries that name no policy", async () => {
            const warnings: string[] = [];
            await evaluateStackExport(
                mutated(),
                { "non-root-pod": "advisory" },
                { onWarning: (w) => warnings.push(w) },
            );
            assert.match(warnings[0], /^policy config entry "non-root-pod" names no policy of spark-platform 0\.1\.0/);
        });

        for (const stack of ["dev", "prod"]) {
            it(`ships policies/config/${stack}.json exempting spark-${stack}-system`, async () => {
                const file = JSON.parse(
                    fs.readFileSync(path.join(__dirname, "..", "..", "policies", "config", `${stack}.json`), "utf8"),
                );
                assert.deepEqual(file["single-az-node-pools"].exemptPools, [`spark-${stack}-system`]);
                await evaluateStackExport(stackExport([]), file);
            });
        }
    });

    describe("what each kind of policy sees", () => {
        it("gives resource policies the inputs and the stack policy the outputs", async () => {
            const rs = compliantStack().map((r) =>
                r.urn.endsWith("::history")
                    ? {
                          ...r,
                          outputs: {
                              ...r.outputs,
                              spec: {
                                  template: {
                                      spec: { containers: [{ name: "h", securityContext: { runAsUser: 0 } }] },
                                  },
                              },
                          },
                      }
                    : r.urn.endsWith("::exec-a")
                      ? { ...r, inputs: { ...r.inputs, subnetIds: ["subnet-private-a", "subnet-private-b"] } }
                      : r,
            );
            assert.deepEqual(await evaluateStackExport(stackExport(rs), DEV_CONFIG), {
                violations: [],
                notEvaluated: [],
            });
        });

        it("follows property dependencies in outputs when subnet ids are unknown", async () => {
            const rs = mutate(compliantStack(), "exec-a", (i) => i).map((r) =>
                r.urn.endsWith("::exec-a")
                    ? {
                          ...r,
                          outputs: { ...r.outputs, subnetIds: unknownArrayValue },
                          propertyDependencies: {
                              subnetIds: [
                                  urn("aws:ec2/subnet:Subnet", "private-a"),
                                  urn("aws:ec2/subnet:Subnet", "private-b"),
                              ],
                          },
                      }
                    : r,
            );
            assert.deepEqual(summary(await evaluateStackExport(stackExport(rs), DEV_CONFIG)), [
                "mandatory single-az-node-pools exec-a",
            ]);
        });

        it("analyzes an entry that records only outputs (or only inputs) with the set it has", async () => {
            const onlyOutputs = MUTATIONS.wildcardTrust(compliantStack()).map((r) =>
                r.urn.endsWith("::karpenter") ? { ...r, inputs: {} } : r,
            );
            const onlyInputs = MUTATIONS.widenedPool(compliantStack()).map((r) =>
                r.urn.endsWith("::exec-a") ? { ...r, outputs: {} } : r,
            );
            assert.deepEqual(summary(await evaluateStackExport(stackExport([...onlyOutputs]), DEV_CONFIG)), [
                "mandatory irsa-scoped-roles karpenter",
            ]);
            assert.deepEqual(summary(await evaluateStackExport(stackExport([...onlyInputs]), DEV_CONFIG)), [
                "mandatory single-az-node-pools exec-a",
            ]);
        });

        it("skips resources pending deletion", async () => {
            const rs = MUTATIONS.rootContainer(compliantStack()).map((r) =>
                r.urn.endsWith("::history") ? { ...r, delete: true } : r,
            );
            assert.deepEqual((await evaluateStackExport(stackExport(rs), DEV_CONFIG)).violations, []);
        });
    });

    describe("not evaluated", () => {
        it("reports an unknown value instead of passing it", async () => {
            const rs = mutate(compliantStack(), "karpenter", (i) => ({ ...i, assumeRolePolicy: unknownStringValue }));
            const verdicts = await evaluateStackExport(stackExport(rs), DEV_CONFIG);
            assert.deepEqual(verdicts.violations, []);
            assert.deepEqual(verdicts.notEvaluated, [
                {
                    policy: "irsa-scoped-roles",
                    urn: urn("aws:iam/role:Role", "karpenter"),
                    reason: "can't run policy 'irsa-scoped-roles' from policy pack 'spark-platform@v0.1.0' during preview: string value at .assumeRolePolicy can't be known during preview",
                    coverage:
                        "`pulumi up` resolves the resource's inputs before the engine analyzes it, so the policy runs on " +
                        "the known values and blocks the resource if it violates (a preview reports it as advisory)",
                },
            ]);
        });

        it("names the node pools a stack policy could not place", async () => {
            const rs = compliantStack().map((r) =>
                r.urn.endsWith("::exec-a") ? { ...r, outputs: { ...r.outputs, subnetIds: unknownArrayValue } } : r,
            );
            const verdicts = await evaluateStackExport(stackExport(rs), DEV_CONFIG);
            assert.deepEqual(
                verdicts.notEvaluated.map((n) => [n.policy, n.urn]),
                [["single-az-node-pools", urn("aws:eks/nodeGroup:NodeGroup", "exec-a")]],
            );
        });

        it("reports a helm.v3.Release as not evaluated", async () => {
            const rs = [
                ...compliantStack(),
                resource("kubernetes:helm.sh/v3:Release", "spark-operator", {
                    name: "spark-operator",
                    chart: "spark-operator",
                    values: {},
                }),
            ];
            const verdicts = await evaluateStackExport(stackExport(rs), DEV_CONFIG);
            assert.deepEqual(verdicts.violations, []);
            assert.deepEqual(
                verdicts.notEvaluated.map((n) => [n.policy, n.urn]),
                [["non-root-pods", urn("kubernetes:helm.sh/v3:Release", "spark-operator")]],
            );
        });

        it("reads plaintext secrets and flags encrypted ones", async () => {
            const wide = trustPolicy("system:serviceaccount:karpenter:karpenter", { Principal: "*" });
            // --show-secrets writes a secret as {sig, plaintext: <the value as JSON text>}.
            const plain = mutate(compliantStack(), "karpenter", (i) => ({
                ...i,
                assumeRolePolicy: { ...SECRET, plaintext: JSON.stringify(wide) },
            }));
            assert.deepEqual(summary(await evaluateStackExport(stackExport(plain), DEV_CONFIG)), [
                "mandatory irsa-scoped-roles karpenter",
            ]);
            const encrypted = mutate(compliantStack(), "karpenter", (i) => ({
                ...i,
                assumeRolePolicy: { ...SECRET, ciphertext: "AAAA" },
            }));
            const verdicts = await evaluateStackExport(stackExport(encrypted), DEV_CONFIG);
            assert.match(verdicts.notEvaluated[0].reason, /export with `pulumi stack export --show-secrets`/);
        });

        it("reads a pod template from a StringAsset source of an S3 object", async () => {
            const asset = {
                "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17",
                hash: "x",
                text: "kind: Pod\nspec:\n  containers:\n  - name: main\n    securityContext: {runAsUser: 0}\n",
            };
            const rs = [
                ...compliantStack(),
                resource("aws:s3/bucketObjectv2:BucketObjectv2", "tpl", {
                    bucket: "b",
                    key: "driver.yaml",
                    source: asset,
                }),
            ];
            assert.deepEqual(summary(await evaluateStackExport(stackExport(rs), DEV_CONFIG)), [
                "mandatory non-root-pods tpl",
            ]);
        });

        it("reads an S3 object uploaded from a file by where it comes from: a jar is no pod template", async () => {
            const asset = {
                "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17",
                hash: "x",
                path: "build/job.jar",
            };
            const rs = [
                ...compliantStack(),
                resource("aws:s3/bucketObjectv2:BucketObjectv2", "jar", {
                    bucket: "b",
                    key: "templates/driver.yaml",
                    source: asset,
                }),
            ];
            assert.deepEqual(await evaluateStackExport(stackExport(rs), DEV_CONFIG), {
                violations: [],
                notEvaluated: [],
            });
        });

        it("reports a YAML S3 object uploaded from a file as not evaluated", async () => {
            const asset = {
                "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17",
                hash: "x",
                path: "templates/driver.yaml",
            };
            const rs = [
                ...compliantStack(),
                resource("aws:s3/bucketObjectv2:BucketObjectv2", "tpl", {
                    bucket: "b",
                    key: "pod-templates/driver.yaml",
                    source: asset,
                }),
            ];
            const verdicts = await evaluateStackExport(stackExport(rs), DEV_CONFIG);
            assert.deepEqual(
                verdicts.notEvaluated.map((n) => [n.policy, n.urn.split("::").pop()]),
                [["non-root-pods", "tpl"]],
            );
            assert.match(
                verdicts.notEvaluated[0].reason,
                /S3 object 'pod-templates\/driver\.yaml' source 'templates\/driver\.yaml' is uploaded from a file or remote asset the pack cannot read/,
            );
        });
    });

    describe("input validation", () => {
        for (const [label, input, message] of [
            ["a non-object", [], 'the stack export must be a JSON object with a "deployment"'],
            ["no deployment", { version: 3 }, 'the stack export has no "deployment" object'],
            ["a bad version", { version: 9, deployment: {} }, "unsupported stack export version 9 (expected 3)"],
            [
                "a resource without a URN",
                { version: 3, deployment: { resources: [{ type: "x" }] } },
                "deployment.resources[0].urn must be a Pulumi URN",
            ],
        ] as const) {
            it(`rejects ${label}`, async () => {
                await assert.rejects(evaluateStackExport(input), new InputError(message));
            });
        }
    });

    it("gives the same verdicts with real protobuf Structs as with the fast path", async () => {
        const mutated = stackExport(
            MUTATIONS.wildcardTrust(MUTATIONS.rootContainer(MUTATIONS.widenedPool(compliantStack()))),
        );
        assert.deepEqual(
            await evaluateStackExport(mutated, DEV_CONFIG, { structEncoding: "protobuf" }),
            await evaluateStackExport(mutated, DEV_CONFIG),
        );
    });

    it("catches the planned multi-AZ system pool when the config does not exempt it", async function () {
        this.timeout(120_000);
        const plan = await planFixture({ stack: "dev" });
        const verdicts = await evaluateStackExport(plan.stackExport);
        assert.deepEqual(
            verdicts.violations.map((v) => [v.policy, v.enforcementLevel]),
            [["single-az-node-pools", "mandatory"]],
        );
        assert.match(verdicts.violations[0].message, /^EKS node group 'spark-dev-system' spans 2 availability zones/);
    });
});

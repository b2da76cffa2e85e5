/**
 * `npm run policy:check` as a user (or CI) runs it: a child process, its exit status, stdout and stderr.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { POLICY_CHECK_USAGE } from "../../tools/policy-check/command";
import { CliResult, runInProcess, runProcess } from "../support/commands";
import { FIXTURE_STACKS_DIR } from "../support/fixture-stacks";
import {
    compliantStack,
    DEV_CONFIG,
    emrPatternTrust,
    MUTATIONS,
    resource,
    stackExport,
} from "../policies/stack-fixtures";
import { nonEmpty } from "../support/non-empty";

const policyCheck = (...args: string[]) => runInProcess("policy-check", args);

/**
 * One error line on stderr, naming the tool, and no stack trace; bad usage adds the one-line usage, unusable
 * input does not.
 */
function assertUsageError(run: CliResult, pattern: RegExp): void {
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, "");
    const [line, ...rest] = run.stderr.trimEnd().split("\n");
    assert.match(line, /^policy:check: error: /);
    assert.match(line, pattern);
    assert.ok(rest.length === 0 || (rest.length === 1 && rest[0] === POLICY_CHECK_USAGE), run.stderr);
}

describe("npm run policy:check", function () {
    this.timeout(120_000);
    let dir: string;
    const file = (name: string, content: unknown) => {
        const target = path.join(dir, name);
        fs.writeFileSync(target, typeof content === "string" ? content : JSON.stringify(content));
        return target;
    };

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
    });

    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    describe("usage and input errors exit 2 with one line", () => {
        it("prints help and exits 0", async () => {
            const run = await policyCheck("--help");
            assert.equal(run.status, 0);
            assert.match(
                run.stdout,
                /^Usage: npm run policy:check -- \(--export <stack-export\.json> \| --stack <name>\)/,
            );
        });

        it("needs exactly one of --export and --stack", async () => {
            assertUsageError(await policyCheck(), /give exactly one of --export <file> or --stack <name>/);
            assertUsageError(await policyCheck("--export", "a.json", "--stack", "dev"), /give exactly one of/);
        });

        it("rejects unknown options", async () => {
            assertUsageError(await policyCheck("--export", "a.json", "--fast"), /Unknown option '--fast'/);
        });

        it("rejects unreadable or malformed input", async () => {
            assertUsageError(
                await policyCheck("--export", path.join(dir, "missing.json")),
                /cannot read stack export .*missing\.json: no such file/,
            );
            assertUsageError(
                await policyCheck("--export", file("broken.json", '{"version": 3,')),
                /stack export .*broken\.json is not valid JSON/,
            );
            assertUsageError(
                await policyCheck(
                    "--export",
                    file("shape.json", { version: 3, deployment: { resources: [{ urn: 1 }] } }),
                ),
                /deployment\.resources\[0\]\.urn must be a Pulumi URN/,
            );
        });

        it("rejects an invalid policy config", async () => {
            const exported = file("ok.json", stackExport(compliantStack()));
            assertUsageError(
                await policyCheck("--export", exported, "--config", file("level.json", { all: "blocking" })),
                /"blocking" is not a valid enforcement level/,
            );
            assertUsageError(
                await policyCheck(
                    "--export",
                    exported,
                    "--config",
                    file("type.json", { "single-az-node-pools": { exemptPools: "x" } }),
                ),
                /validating policy config: spark-platform 0\.1\.0 {2}single-az-node-pools: exemptPools: Invalid type\. Expected: array, given: string/,
            );
        });

        it("rejects a property the policy does not declare with one line naming the closest one", async () => {
            const exported = file("ok-typo.json", stackExport(compliantStack()));
            const run = await policyCheck(
                "--export",
                exported,
                "--config",
                file("typo.json", { "single-az-node-pools": { exemptPool: ["spark-dev-system"] } }),
            );
            assert.equal(run.status, 2);
            assert.equal(run.stdout, "");
            assert.equal(
                run.stderr,
                'policy:check: error: policy config: single-az-node-pools: "exemptPool" is not a config property of this policy; did you mean "exemptPools"? (properties: exemptPools)\n',
            );
        });

        it("rejects a stack that does not exist", async () => {
            assertUsageError(
                await policyCheck("--stack", "nope", "--stack-dir", FIXTURE_STACKS_DIR),
                /Pulumi\.nope\.yaml/,
            );
        });
    });

    describe("verdicts", () => {
        it("exits 0 and prints empty lists for a compliant export", async () => {
            const run = await policyCheck(
                "--export",
                file("compliant.json", stackExport(compliantStack())),
                "--config",
                file("dev.json", DEV_CONFIG),
                "--json",
            );
            assert.equal(run.status, 0, run.stderr);
            assert.equal(run.stdout, '{"violations":[],"notEvaluated":[]}\n');
        });

        it("exits 1 and names each policy, resource and fix for a mutated export", async () => {
            const mutated = MUTATIONS.wildcardTrust(MUTATIONS.rootContainer(MUTATIONS.widenedPool(compliantStack())));
            const run = await policyCheck(
                "--export",
                file("mutated.json", stackExport(mutated)),
                "--config",
                file("dev.json", DEV_CONFIG),
                "--json",
            );
            assert.equal(run.status, 1, run.stderr);
            const verdicts = JSON.parse(run.stdout) as {
                violations: Record<string, string>[];
                notEvaluated: unknown[];
            };
            assert.deepEqual(Object.keys(verdicts), ["violations", "notEvaluated"]);
            for (const v of nonEmpty(verdicts.violations, "violation"))
                assert.deepEqual(Object.keys(v), ["policy", "urn", "message", "enforcementLevel"]);
            assert.deepEqual(
                verdicts.violations.map((v) => [v.policy, v.urn.split("::").pop(), v.enforcementLevel]),
                [
                    ["non-root-pods", "history", "mandatory"],
                    ["irsa-scoped-roles", "karpenter", "mandatory"],
                    ["single-az-node-pools", "exec-a", "mandatory"],
                ],
            );
            assert.match(
                verdicts.violations[2].message,
                /spans 2 availability zones \(us-west-2a, us-west-2b\) through subnetIds/,
            );
        });

        it("exits 0 when the config makes the violations advisory, and groups them per resource", async () => {
            const run = await policyCheck(
                "--export",
                file("wide.json", stackExport(MUTATIONS.widenedPool(compliantStack()))),
                "--config",
                file("advisory.json", { all: "advisory" }),
            );
            assert.equal(run.status, 0, run.stderr);
            assert.match(
                run.stdout,
                /^Policy pack spark-platform 0\.1\.0 on 13 resources: 2 violations \(0 mandatory\), 0 not evaluated\./,
            );
            assert.match(
                run.stdout,
                /\nurn:pulumi:dev::spark-platform::aws:eks\/nodeGroup:NodeGroup::exec-a\n {2}\[advisory\] single-az-node-pools\n {6}EKS node group 'spark-dev-exec-a' spans 2/,
            );
            assert.match(run.stdout, /\nPASSED: no mandatory violations\.\n$/);
        });

        it("prints Markdown for job summaries and pull-request comments with --markdown, same exit status", async () => {
            const mutated = file("md.json", stackExport(MUTATIONS.widenedPool(compliantStack())));
            const run = await policyCheck("--export", mutated, "--config", file("dev.json", DEV_CONFIG), "--markdown");
            assert.equal(run.status, 1, run.stderr);
            assert.match(run.stdout, /^### ❌ Policy check: failed, 1 mandatory violation\n/);
            assert.match(run.stdout, /\n\| mandatory \| <code>single-az-node-pools<\/code> \| <code>exec-a<\/code> /);
            assertUsageError(
                await policyCheck("--export", mutated, "--json", "--markdown"),
                /give at most one of --json and --markdown/,
            );
        });

        it("lists what it could not evaluate without failing", async () => {
            const release = resource("kubernetes:helm.sh/v3:Release", "spark-operator", {
                name: "spark-operator",
                chart: "spark-operator",
                values: {},
            });
            const run = await policyCheck(
                "--export",
                file("helm.json", stackExport([...compliantStack(), release])),
                "--config",
                file("dev.json", DEV_CONFIG),
                "--json",
            );
            assert.equal(run.status, 0, run.stderr);
            const verdicts = JSON.parse(run.stdout) as {
                violations: unknown[];
                notEvaluated: Record<string, string>[];
            };
            assert.deepEqual(verdicts.violations, []);
            assert.deepEqual(
                verdicts.notEvaluated.map((n) => Object.keys(n)),
                [["policy", "urn", "reason", "coverage"]],
            );
            assert.equal(verdicts.notEvaluated[0].policy, "non-root-pods");
            assert.match(verdicts.notEvaluated[0].coverage, /^not covered — the Helm provider renders the chart/);
        });
    });

    describe("the not-evaluated section", () => {
        const CHART = "kubernetes:helm.sh/v4:Chart";
        /** One resource of each kind whose children only the engine renders, with nothing rendered in the export. */
        const unseen = () => [
            resource(CHART, "karpenter", { chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.8.1" }),
            resource("kubernetes:helm.sh/v3:Release", "operator", { name: "operator", chart: "spark-operator" }),
            resource("kubernetes:yaml/v2:ConfigGroup", "crds", { files: ["crds.yaml"] }),
            resource("kubernetes:yaml/v2:ConfigFile", "pools", { file: "pools.yaml" }),
            resource("kubernetes:kustomize/v2:Directory", "overlay", { directory: "./overlay" }),
            resource("eks:index:Cluster", "spark", { privateSubnetIds: ["subnet-private-a"] }, { custom: false }),
            resource("kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", "templated", {
                metadata: { name: "templated", namespace: "spark-data-eng" },
                spec: {
                    driver: { securityContext: { runAsNonRoot: true, runAsUser: 185 } },
                    executor: { securityContext: { runAsNonRoot: true, runAsUser: 185 } },
                    sparkConf: { "spark.kubernetes.driver.podTemplateFile": "/opt/templates/driver.yaml" },
                },
            }),
            resource("aws:iam/role:Role", "prefixed", {
                namePrefix: "spark-dev-emr-",
                assumeRolePolicy: emrPatternTrust("spark-dev-emr-prefixed"),
            }),
        ];
        const exportFile = (name: string) => file(name, stackExport([...compliantStack(), ...unseen()]));
        const ENTRIES: Array<[string, string, RegExp]> = [
            [
                "karpenter",
                "all",
                /^the Kubernetes objects the chart renders .* not in this export, so no policy saw them$/,
            ],
            ["operator", "non-root-pods", /renders its workloads inside the Helm provider/],
            ["crds", "all", /^the Kubernetes objects of its YAML /],
            ["pools", "all", /^the Kubernetes objects of its YAML file /],
            ["overlay", "all", /^the Kubernetes objects the kustomization builds /],
            ["spark", "all", /^the cluster's default node group \(skipDefaultNodeGroup is not true\)/],
            ["templated", "non-root-pods", /takes pods from the pod template file named at spec\.sparkConf/],
            ["prefixed", "irsa-scoped-roles", /takes its name from namePrefix \('spark-dev-emr-'/],
        ];

        it("lists every resource whose children only the engine renders, by URN, in JSON", async () => {
            const run = await policyCheck(
                "--export",
                exportFile("unseen.json"),
                "--config",
                file("d.json", DEV_CONFIG),
                "--json",
            );
            assert.equal(run.status, 0, run.stderr);
            const verdicts = JSON.parse(run.stdout) as {
                violations: unknown[];
                notEvaluated: Record<string, string>[];
            };
            assert.deepEqual(verdicts.violations, []);
            const byName = new Map(verdicts.notEvaluated.map((n) => [n.urn.split("::").pop(), n]));
            assert.equal(verdicts.notEvaluated.length, ENTRIES.length);
            for (const [name, policy, reason] of ENTRIES) {
                const entry = byName.get(name);
                assert.ok(entry, `${name} is not listed: ${run.stdout}`);
                assert.match(entry.urn, /^urn:pulumi:dev::spark-platform::/);
                assert.equal(entry.policy, policy, name);
                assert.match(entry.reason, reason, name);
                assert.ok(entry.coverage.length > 0, name);
            }
            assert.match(byName.get("karpenter")?.coverage ?? "", /registers each rendered object as a child/);
            assert.match(byName.get("spark")?.coverage ?? "", /Auto Scaling group as a child of the cluster/);
        });

        it("never says 'no violations' in text while the list is non-empty, and prints it with the engine's coverage", async () => {
            const run = await policyCheck(
                "--export",
                exportFile("unseen-text.json"),
                "--config",
                file("d.json", DEV_CONFIG),
            );
            assert.equal(run.status, 0, run.stderr);
            assert.match(
                run.stdout,
                /^Policy pack spark-platform \S+ on 21 resources: no violations in what could be evaluated; 8 not evaluated\.\n/,
            );
            assert.match(
                run.stdout,
                /\nNot evaluated \(8\): what the offline check could not see, and how the engine run covers it\n\n[\s\S]*\nurn:pulumi:dev::spark-platform::kubernetes:helm\.sh\/v4:Chart::karpenter\n {2}\[not evaluated\] all\n {6}the Kubernetes objects the chart renders[^\n]*\n {6}engine run: the provider registers each rendered object/,
            );
            assert.match(
                run.stdout,
                /\nPASSED: no mandatory violations in what could be evaluated; 8 not evaluated \(listed above\)\.\n$/,
            );
            assert.doesNotMatch(run.stdout, /: no violations\./);
        });

        it("shows the list in Markdown", async () => {
            const run = await policyCheck(
                "--export",
                exportFile("unseen-md.json"),
                "--config",
                file("d.json", DEV_CONFIG),
                "--markdown",
            );
            assert.equal(run.status, 0, run.stderr);
            assert.match(run.stdout, /^### ⚠️ Policy check: passed in what could be evaluated; 8 not evaluated\n/);
            assert.match(run.stdout, /\n#### Not evaluated \(8\)\n/);
            for (const [name] of ENTRIES)
                assert.match(run.stdout, new RegExp(`\\| <code>urn:pulumi:[^<]*::${name}</code> \\|`));
        });

        it("fails with --strict (exit 1) when anything is not evaluated, in every output format", async () => {
            const exported = exportFile("unseen-strict.json");
            const config = file("d.json", DEV_CONFIG);
            const text = await policyCheck("--export", exported, "--config", config, "--strict");
            assert.equal(text.status, 1, text.stderr);
            assert.match(text.stdout, /\nFAILED \(--strict\): 8 not evaluated\.\n$/);
            assert.equal((await policyCheck("--export", exported, "--config", config, "--strict", "--json")).status, 1);
            const md = await policyCheck("--export", exported, "--config", config, "--strict", "--markdown");
            assert.equal(md.status, 1);
            assert.match(md.stdout, /^### ❌ Policy check: failed \(--strict\), 8 not evaluated\n/);
            // Nothing unevaluated: --strict passes.
            const clean = file("clean.json", stackExport(compliantStack()));
            assert.equal((await policyCheck("--export", clean, "--config", config, "--strict")).status, 0);
        });

        it("does not list a component whose rendered children are in the export (a stack export after up)", async () => {
            const chart = resource(CHART, "karpenter", { chart: "karpenter" });
            const child = resource(
                "kubernetes:apps/v1:Deployment",
                "karpenter-controller",
                {
                    metadata: { name: "karpenter", namespace: "karpenter" },
                    spec: {
                        template: {
                            spec: {
                                securityContext: { runAsNonRoot: true, runAsUser: 65532 },
                                containers: [{ name: "c" }],
                            },
                        },
                    },
                },
                { parent: chart.urn },
            );
            const cluster = resource("eks:index:Cluster", "spark", { skipDefaultNodeGroup: true }, { custom: false });
            const run = await policyCheck(
                "--export",
                file("rendered.json", stackExport([...compliantStack(), chart, child, cluster])),
                "--config",
                file("d.json", DEV_CONFIG),
                "--json",
            );
            assert.equal(run.status, 0, run.stderr);
            assert.deepEqual(JSON.parse(run.stdout), { violations: [], notEvaluated: [] });
        });
    });

    describe("--stack plans the program offline", () => {
        it("finds no violation in the dev fixture stack with policies/config/dev.json, listing the charts it cannot see", async () => {
            const run = await policyCheck("--stack", "dev", "--stack-dir", FIXTURE_STACKS_DIR, "--json");
            assert.equal(run.status, 0, run.stderr + run.stdout);
            const verdicts = JSON.parse(run.stdout) as {
                violations: unknown[];
                notEvaluated: Record<string, string>[];
            };
            assert.deepEqual(verdicts.violations, []);
            // Offline, only the Helm charts' rendered objects are out of sight.
            assert.ok(verdicts.notEvaluated.length > 0);
            for (const n of verdicts.notEvaluated) {
                assert.equal(n.policy, "all");
                assert.match(n.urn, /kubernetes:helm\.sh\/v4:Chart::/);
            }
        });

        it("rejects --stack-dir without --stack", async () => {
            assertUsageError(
                await policyCheck("--export", "a.json", "--stack-dir", "."),
                /--stack-dir goes with --stack/,
            );
        });
    });

    describe("as a process", () => {
        it("exits 2 with the error and the usage on stderr for bad usage", () => {
            const run = runProcess("policy-check", ["--export", "a.json", "--fast"]);
            assert.equal(run.status, 2);
            assert.equal(run.stdout, "");
            assert.equal(run.stderr, `policy:check: error: Unknown option '--fast'\n${POLICY_CHECK_USAGE}\n`);
        });

        it("exits 0 on a compliant export", () => {
            const run = runProcess("policy-check", [
                "--export",
                file("c.json", stackExport(compliantStack())),
                "--config",
                file("c-dev.json", DEV_CONFIG),
            ]);
            assert.equal(run.status, 0, run.stderr);
            assert.match(run.stdout, / on 13 resources: no violations\.\n$/);
        });
    });
});

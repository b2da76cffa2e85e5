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
import { compliantStack, DEV_CONFIG, MUTATIONS, resource, stackExport } from "../policies/stack-fixtures";

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
            for (const v of verdicts.violations)
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
                [["policy", "urn", "reason"]],
            );
            assert.equal(verdicts.notEvaluated[0].policy, "non-root-pods");
        });
    });

    describe("--stack plans the program offline", () => {
        it("finds no violation in the dev fixture stack with policies/config/dev.json", async () => {
            const run = await policyCheck("--stack", "dev", "--stack-dir", FIXTURE_STACKS_DIR, "--json");
            assert.equal(run.status, 0, run.stderr + run.stdout);
            assert.deepEqual(JSON.parse(run.stdout), { violations: [], notEvaluated: [] });
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

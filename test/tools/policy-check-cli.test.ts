/**
 * `npm run policy:check` as a user (or CI) runs it: a child process, its exit status, stdout and stderr.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compliantStack, DEV_CONFIG, MUTATIONS, resource, stackExport } from "../policies/stack-fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "tools", "policy-check", "cli.ts");

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

function policyCheck(...args: string[]): Run {
    const result = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** One line on stderr, naming the tool, and no stack trace. */
function assertUsageError(run: Run, pattern: RegExp): void {
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, "");
    const lines = run.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /^policy:check: /);
    assert.match(lines[0], pattern);
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
        it("prints help and exits 0", () => {
            const run = policyCheck("--help");
            assert.equal(run.status, 0);
            assert.match(run.stdout, /^Usage: npm run policy:check -- \(--export <stack-export\.json> \| --stack <name>\)/);
        });

        it("needs exactly one of --export and --stack", () => {
            assertUsageError(policyCheck(), /give exactly one of --export <file> or --stack <name>/);
            assertUsageError(policyCheck("--export", "a.json", "--stack", "dev"), /give exactly one of/);
        });

        it("rejects unknown options", () => {
            assertUsageError(policyCheck("--export", "a.json", "--fast"), /Unknown option '--fast'/);
        });

        it("rejects unreadable or malformed input", () => {
            assertUsageError(policyCheck("--export", path.join(dir, "missing.json")), /cannot read stack export .*missing\.json: no such file/);
            assertUsageError(policyCheck("--export", file("broken.json", "{\"version\": 3,")), /stack export .*broken\.json is not valid JSON/);
            assertUsageError(policyCheck("--export", file("shape.json", { version: 3, deployment: { resources: [{ urn: 1 }] } })), /deployment\.resources\[0\]\.urn must be a Pulumi URN/);
        });

        it("rejects an invalid policy config", () => {
            const exported = file("ok.json", stackExport(compliantStack()));
            assertUsageError(policyCheck("--export", exported, "--config", file("level.json", { all: "blocking" })), /"blocking" is not a valid enforcement level/);
            assertUsageError(policyCheck("--export", exported, "--config", file("type.json", { "single-az-node-pools": { exemptPools: "x" } })),
                /validating policy config: spark-platform 0\.1\.0 {2}single-az-node-pools: exemptPools: Invalid type\. Expected: array, given: string/);
        });

        it("rejects a stack that does not exist", () => {
            assertUsageError(policyCheck("--stack", "nope"), /Pulumi\.nope\.yaml/);
        });
    });

    describe("verdicts", () => {
        it("exits 0 and prints empty lists for a compliant export", () => {
            const run = policyCheck("--export", file("compliant.json", stackExport(compliantStack())), "--config", file("dev.json", DEV_CONFIG), "--json");
            assert.equal(run.status, 0, run.stderr);
            assert.equal(run.stdout, "{\"violations\":[],\"notEvaluated\":[]}\n");
        });

        it("exits 1 and names each policy, resource and fix for a mutated export", () => {
            const mutated = MUTATIONS.wildcardTrust(MUTATIONS.rootContainer(MUTATIONS.widenedPool(compliantStack())));
            const run = policyCheck("--export", file("mutated.json", stackExport(mutated)), "--config", file("dev.json", DEV_CONFIG), "--json");
            assert.equal(run.status, 1, run.stderr);
            const verdicts = JSON.parse(run.stdout) as { violations: Record<string, string>[]; notEvaluated: unknown[] };
            assert.deepEqual(Object.keys(verdicts), ["violations", "notEvaluated"]);
            for (const v of verdicts.violations) assert.deepEqual(Object.keys(v), ["policy", "urn", "message", "enforcementLevel"]);
            assert.deepEqual(verdicts.violations.map((v) => [v.policy, v.urn.split("::").pop(), v.enforcementLevel]), [
                ["non-root-pods", "history", "mandatory"],
                ["irsa-scoped-roles", "karpenter", "mandatory"],
                ["single-az-node-pools", "exec-a", "mandatory"],
            ]);
            assert.match(verdicts.violations[2].message, /spans 2 availability zones \(us-west-2a, us-west-2b\) through subnetIds/);
        });

        it("exits 0 when the config makes the violations advisory, and groups them per resource", () => {
            const run = policyCheck("--export", file("wide.json", stackExport(MUTATIONS.widenedPool(compliantStack()))), "--config", file("advisory.json", { all: "advisory" }));
            assert.equal(run.status, 0, run.stderr);
            assert.match(run.stdout, /^Policy pack spark-platform 0\.1\.0 on 13 resources: 2 violations \(0 mandatory\), 0 not evaluated\./);
            assert.match(run.stdout, /\nurn:pulumi:dev::spark-platform::aws:eks\/nodeGroup:NodeGroup::exec-a\n {2}\[advisory\] single-az-node-pools\n {6}EKS node group 'spark-dev-exec-a' spans 2/);
            assert.match(run.stdout, /\nPASSED: no mandatory violations\.\n$/);
        });

        it("lists what it could not evaluate without failing", () => {
            const release = resource("kubernetes:helm.sh/v3:Release", "spark-operator", { name: "spark-operator", chart: "spark-operator", values: {} });
            const run = policyCheck("--export", file("helm.json", stackExport([...compliantStack(), release])), "--config", file("dev.json", DEV_CONFIG), "--json");
            assert.equal(run.status, 0, run.stderr);
            const verdicts = JSON.parse(run.stdout) as { violations: unknown[]; notEvaluated: Record<string, string>[] };
            assert.deepEqual(verdicts.violations, []);
            assert.deepEqual(verdicts.notEvaluated.map((n) => Object.keys(n)), [["policy", "urn", "reason"]]);
            assert.equal(verdicts.notEvaluated[0].policy, "non-root-pods");
        });
    });

    describe("--stack plans the program offline", () => {
        for (const stack of ["dev", "prod"]) {
            it(`finds no violation in the shipped ${stack} stack with policies/config/${stack}.json`, () => {
                const run = policyCheck("--stack", stack, "--json");
                assert.equal(run.status, 0, run.stderr + run.stdout);
                assert.deepEqual(JSON.parse(run.stdout), { violations: [], notEvaluated: [] });
            });
        }
    });
});

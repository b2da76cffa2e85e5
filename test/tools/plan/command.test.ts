import * as assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { StackExport } from "../../../tools/stack-export";
import { runInProcess, runProcess } from "../../support/commands";
import { FIXTURE_STACKS_DIR } from "../../support/fixture-stacks";
import { nonEmpty } from "../../support/non-empty";
import { PROJECT_DIR } from "../../../tools/plan/plan";

describe("npm run plan", function () {
    this.timeout(120_000);
    let workDir: string;
    let stackDir: string;
    before(() => {
        workDir = mkdtempSync(path.join(tmpdir(), "plan-cli-"));
        stackDir = path.join(workDir, "stacks");
        mkdirSync(stackDir);
    });
    after(() => rmSync(workDir, { recursive: true, force: true }));

    /** A copy of the dev fixture stack with one edit, as a new stack file in a temporary --stack-dir. */
    function stackFileWith(stack: string, edit: (text: string) => string): string {
        const text = readFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.dev.yaml"), "utf8");
        writeFileSync(path.join(stackDir, `Pulumi.${stack}.yaml`), edit(text));
        return stack;
    }

    const plan = (...args: string[]) => runInProcess("plan", [...args, "--stack-dir", stackDir]);

    describe("for the prod stack with --out", () => {
        let stackExport: StackExport;
        let stdout: string;
        before(async () => {
            const out = path.join(workDir, "prod.json");
            const result = await runInProcess("plan", [
                "--stack",
                "prod",
                "--stack-dir",
                FIXTURE_STACKS_DIR,
                "--out",
                out,
            ]);
            assert.equal(result.status, 0, result.stderr);
            stdout = result.stdout;
            stackExport = JSON.parse(readFileSync(out, "utf8"));
        });

        it("prints the resource tree, counts by type, the outputs and the elapsed time", () => {
            assert.match(stdout, /stack prod · offline plan under mocks/);
            assert.match(stdout, /Resource tree:\n {2}pulumi:pulumi:Stack {2}spark-platform-prod\n/);
            assert.match(stdout, /Counts by type:\n[\s\S]* {4}6 {2}aws:ec2\/subnet:Subnet/);
            assert.match(stdout, /Outputs:\n[\s\S]*vpcId: "vpc-[0-9a-f]{17}"/);
            assert.match(stdout, /Planned in \d+\.\d\d s, policy check in \d+\.\d\d s \(\d+\.\d\d s in all\)\./);
        });

        it("prints the stack's estimated idle month and the cost of each Spark pool, saying it is an estimate", () => {
            assert.match(
                stdout,
                /\nEstimated cost \(an estimate from tools\/cost-estimate\/prices\.yaml, us-west-2 prices read \d{4}-\d\d-\d\d\):\n {2}idle, per month: \$1367\.28\n/,
            );
            assert.match(
                stdout,
                /\n {4}executor \(Spot\): Spot estimate \$0\.0252 per vCPU-hour, \$0\.0031 per GiB-hour\n/,
            );
        });

        it("ends with the policy pack's verdicts under the stack's policy config", () => {
            assert.match(
                stdout,
                /\npolicy config policies\/config\/prod\.json\nPolicy pack spark-platform \S+ on \d+ resources: no violations in what could be evaluated; \d+ not evaluated\.\n/,
            );
        });

        it("writes a pulumi stack export (version 3) whose every resource has the fields tools read", () => {
            assert.equal(stackExport.version, 3);
            assert.equal(typeof stackExport.deployment.manifest.time, "string");
            const fields = [
                "urn",
                "type",
                "custom",
                "id",
                "parent",
                "inputs",
                "outputs",
                "dependencies",
                "propertyDependencies",
                "provider",
                "protect",
            ];
            for (const r of nonEmpty(stackExport.deployment.resources, "exported resource")) {
                assert.deepEqual(
                    fields.filter((f) => !(f in r)),
                    [],
                    r.urn,
                );
                assert.equal(r.custom, r.id !== "", `${r.urn}: custom resources have ids, components do not`);
            }
        });

        it("links every parent, dependency and provider reference to a resource in the export", () => {
            const resources = stackExport.deployment.resources;
            const urns = new Set(resources.map((r) => r.urn));
            assert.equal(urns.size, resources.length, "URNs are unique");
            const providers = new Set(
                resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => `${r.urn}::${r.id}`),
            );
            resources.forEach((r, i) => {
                const earlier = new Set(resources.slice(0, i).map((e) => e.urn));
                if (r.parent) assert.ok(earlier.has(r.parent), `${r.urn}: parent ${r.parent} is not listed before it`);
                for (const dep of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) {
                    assert.ok(earlier.has(dep), `${r.urn}: dependency ${dep} is not listed before it`);
                }
                if (r.provider)
                    assert.ok(providers.has(r.provider), `${r.urn}: provider ${r.provider} is not in the export`);
            });
        });

        it("places the VPC's subnets in the stack's configured zones", () => {
            const zones = stackExport.deployment.resources
                .filter((r) => r.type === "aws:ec2/subnet:Subnet")
                .map((r) => r.inputs.availabilityZone);
            assert.deepEqual([...new Set(zones)].sort(), ["us-west-2a", "us-west-2b", "us-west-2c"]);
        });

        it("uses ARNs of the stack's account and region", () => {
            const text = JSON.stringify(stackExport);
            const arns = text.match(/arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/g) ?? [];
            assert.ok(arns.length > 0);
            for (const arn of arns) assert.match(arn, /^arn:aws:[a-z0-9-]+:(us-west-2)?:222222222222:$/);
        });
    });

    it("plans any Pulumi.<name>.yaml in --stack-dir, and fails like a preview on a mandatory violation", async () => {
        const stack = stackFileWith("test-staging", (t) =>
            t.replace("autoscaler: karpenter", "autoscaler: cluster-autoscaler"),
        );
        const result = await plan("--stack", stack);
        assert.match(result.stdout, /stack test-staging · offline plan under mocks/);
        assert.match(result.stdout, /autoscaler: "cluster-autoscaler"/);
        // There is no policies/config/test-staging.json: the pack's defaults exempt nothing, so the multi-zone
        // system pool is a mandatory violation and the plan fails as `pulumi preview --policy-pack` would.
        assert.match(result.stdout, /no policy config \(pack defaults\)\n/);
        assert.match(
            result.stdout,
            /\[mandatory\] single-az-node-pools\n.*'spark-test-staging-system' spans 2 availability zones/,
        );
        assert.match(result.stdout, /FAILED: 1 mandatory violation\./);
        assert.equal(result.status, 1, result.stderr);
    });

    it("rejects a bad stack file with one line naming the key, and writes nothing", async () => {
        const stack = stackFileWith("test-bad-zone", (t) =>
            t.replace(
                "  spark-platform:sparkZones:\n    - us-west-2a",
                "  spark-platform:sparkZones:\n    - us-west-2z",
            ),
        );
        const out = path.join(workDir, "bad.json");
        const result = await plan("--stack", stack, "--out", out);
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            'error: invalid stack config: spark-platform:sparkZones: "us-west-2z" is not one of availabilityZones (us-west-2a, us-west-2b); Spark pools need a VPC subnet in their zone\n',
        );
        assert.equal(result.stdout, "");
        assert.ok(!existsSync(out));
        // The README's example of a configuration error is this very line.
        const readme = readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        assert.ok(readme.includes(`\n${result.stderr}`), "README's error example differs from what plan prints");
    });

    it("rejects a value of the wrong declared type before the program runs, as the Pulumi CLI does", async () => {
        const stack = stackFileWith("test-bad-type", (t) => t.replace("natGatewayCount: 1", "natGatewayCount: one"));
        const result = await plan("--stack", stack);
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            'error: spark-platform:natGatewayCount: "one" must be of type integer (declared in Pulumi.yaml)\n',
        );
    });

    it("rejects a stack file that is not YAML with one line", async () => {
        const stack = stackFileWith("test-bad-yaml", () => "config: [\n");
        const result = await plan("--stack", stack);
        assert.equal(result.status, 1);
        assert.match(result.stderr, /^error: Pulumi\.test-bad-yaml\.yaml: is not valid YAML: .*\n$/);
    });

    it("names the known stacks when asked for one that does not exist, exiting 2 as policy:check does", async () => {
        const args = ["--stack", "staging", "--stack-dir", FIXTURE_STACKS_DIR];
        const result = await runInProcess("plan", args);
        assert.equal(result.status, 2);
        assert.equal(result.stderr, "plan: error: no stack file Pulumi.staging.yaml; stacks here: dev, prod\n");
        const check = await runInProcess("policy-check", args);
        assert.equal(check.status, result.status, check.stderr);
        assert.match(
            check.stderr,
            /^policy:check: error: .*no stack file Pulumi\.staging\.yaml; stacks here: dev, prod\n$/,
        );
    });

    it("exits 2 on bad usage, with one line and the usage", async () => {
        for (const args of [[], ["--stack"], ["--stack", "dev", "--bogus"], ["--stack", "dev", "--stack-dir", ""]]) {
            const result = await runInProcess("plan", args);
            assert.equal(result.status, 2, args.join(" "));
            assert.equal(result.stdout, "");
            assert.match(result.stderr, /^plan: error: [^\n]+\nusage: npm run plan -- --stack <name>/);
        }
    });

    describe("as a process", () => {
        it("exits 2 with the error and the usage on stderr for bad usage", () => {
            const result = runProcess("plan", ["--stack", "dev", "--bogus"]);
            assert.equal(result.status, 2);
            assert.equal(result.stdout, "");
            assert.match(
                result.stderr,
                /^plan: error: Unknown option '--bogus'\nusage: npm run plan -- --stack <name>/,
            );
        });
    });
});

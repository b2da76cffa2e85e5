/**
 * The GitHub workflows cannot run here; what can be proven offline is proven: GitHub's own workflow parser accepts
 * them, and everything they point at (npm scripts, stacks, the policy pack and its per-stack config) exists.
 */
import * as assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../tools/plan/plan";
import { listStacks } from "../tools/plan/stack-config";

const WORKFLOWS_DIR = path.join(PROJECT_DIR, ".github", "workflows");
const workflowFiles = readdirSync(WORKFLOWS_DIR).filter((f) => f.endsWith(".yml"));

interface Step { uses?: string; run?: string; with?: Record<string, unknown> }
interface Job { "runs-on": string; steps: Step[]; strategy?: { matrix?: { include?: Array<{ stack: string; runner: string }> } } }
interface Workflow { on: Record<string, unknown>; jobs: Record<string, Job> }

const read = (file: string) => parse(readFileSync(path.join(WORKFLOWS_DIR, file), "utf8")) as Workflow;
const pulumiSteps = (wf: Workflow) =>
    Object.values(wf.jobs).flatMap((job) => job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@")).map((step) => ({ job, step })));

describe("GitHub workflows", () => {
    for (const file of workflowFiles) {
        it(`${file} passes GitHub's workflow parser`, async () => {
            const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");
            const content = readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
            const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
            assert.deepEqual(result.context.errors.getErrors().map((e) => e.message), []);
            assert.ok(result.value);
            const template = await convertWorkflowTemplate(result.context, result.value);
            assert.deepEqual((template.errors ?? []).map((e) => e.Message), []);
        });

        it(`${file} runs only npm scripts that exist`, () => {
            const scripts = (JSON.parse(readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
            const runs = Object.values(read(file).jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""));
            for (const [, script] of runs.join("\n").matchAll(/npm run ([\w:-]+)/g)) assert.ok(script in scripts, `npm run ${script}`);
        });

        it(`${file} previews the shipped stacks, each with the policy pack and that stack's policy config`, () => {
            for (const { job, step } of pulumiSteps(read(file))) {
                const stacks = (job.strategy?.matrix?.include ?? []).map((entry) => entry.stack);
                assert.deepEqual([...stacks].sort(), ["dev", "prod"]);
                for (const stack of stacks) assert.ok(listStacks(PROJECT_DIR).includes(stack), `no Pulumi.${stack}.yaml`);
                const pack = String(step.with?.policyPacks);
                assert.ok(existsSync(path.join(PROJECT_DIR, pack, "PulumiPolicy.yaml")), `${pack} is not a policy pack`);
                for (const stack of stacks) {
                    const config = String(step.with?.policyPackConfigs).replace("${{ matrix.stack }}", stack);
                    assert.ok(existsSync(path.join(PROJECT_DIR, config)), `${config} does not exist`);
                }
            }
        });
    }

    it("detects drift on a schedule with a refreshing preview that fails on any change", () => {
        const drift = read("drift-detection.yml");
        assert.ok(drift.on.schedule, "drift detection needs a schedule");
        const steps = pulumiSteps(drift).map(({ step }) => step.with ?? {});
        assert.equal(steps.length, 1);
        assert.deepEqual([steps[0].command, steps[0].refresh, steps[0]["expect-no-changes"]], ["preview", true, true]);
    });

    it("previews prod, whose API endpoint is private, from a runner inside its VPC", () => {
        for (const file of ["pull-request.yml", "drift-detection.yml"]) {
            for (const { job } of pulumiSteps(read(file))) {
                assert.equal(job["runs-on"], "${{ matrix.runner }}");
                const prod = job.strategy?.matrix?.include?.find((entry) => entry.stack === "prod");
                assert.equal(prod?.runner, "spark-platform-prod", file);
            }
        }
    });

    it("checks every pull request offline, with the policy pack over every stack", () => {
        const pr = read("pull-request.yml");
        assert.ok(pr.on.pull_request);
        const runs = pr.jobs.offline.steps.map((s) => s.run ?? "").join("\n");
        assert.match(runs, /npm test/);
        assert.match(runs, /npm run policy:check -- --stack "\$stack"/);
    });
});

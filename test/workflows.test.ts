/**
 * The GitHub workflows cannot run here; what can be proven offline is proven: GitHub's own workflow parser accepts
 * them, every action is pinned to a commit and given only inputs its action.yml declares, and everything they
 * point at (npm scripts, stacks, the policy pack and its per-stack config, the region helper) exists and works.
 */
import * as assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { InputError } from "../tools/cli";
import { PROJECT_DIR } from "../tools/plan/plan";
import { policyConfigOf, readCiStacks } from "../tools/ci-stacks/ci-stacks";
import { ROTATION_HEADING } from "../tools/drift-report/markdown";
import { printStackRegion, stackRegion } from "../tools/drift-report/stack-region";
import { compliantStack, DEV_CONFIG, resource, stackExport } from "./policies/stack-fixtures";
import { runInProcess } from "./support/commands";
import { nonEmpty } from "./support/non-empty";

const WORKFLOWS_DIR = path.join(PROJECT_DIR, ".github", "workflows");
const workflowFiles = readdirSync(WORKFLOWS_DIR).filter((f) => f.endsWith(".yml"));

interface Step {
    id?: string;
    name?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    name?: string;
    "runs-on": string;
    if?: string;
    needs?: string | string[];
    permissions?: Record<string, string>;
    outputs?: Record<string, string>;
    steps: Step[];
    env?: Record<string, string>;
    strategy?: { matrix?: { include?: unknown } };
}
interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

/**
 * The actions the workflows may use, at the commit they are pinned to, with the inputs their action.yml declares.
 * SHAs: the release tags' commits as pinned across public workflows (checkout v5.0.0, setup-node v5.0.0,
 * configure-aws-credentials v5.0.0, github-script v8.0.0, pulumi/actions v7.0.0). Inputs: read from each
 * repository's action.yml (stored revision named in `inputsFrom`); `required` lists inputs declared required: true.
 */
const ACTIONS: Readonly<
    Record<string, { sha: string; version: string; inputsFrom: string; inputs: string[]; required: string[] }>
> = {
    "actions/checkout": {
        sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
        version: "v5.0.0",
        inputsFrom: "f67ee5d6224ccd5af1909d53ea1faa5efb91db29",
        inputs: [
            "repository",
            "ref",
            "token",
            "ssh-key",
            "ssh-known-hosts",
            "ssh-strict",
            "persist-credentials",
            "path",
            "clean",
            "fetch-depth",
            "lfs",
            "submodules",
            "set-safe-directory",
        ],
        required: [],
    },
    "actions/setup-node": {
        sha: "a0853c24544627f65ddf259abe73b1d18a591444",
        version: "v5.0.0",
        inputsFrom: "76a4cff9ae9abd877db3173c31637296d870a25b",
        inputs: [
            "always-auth",
            "node-version",
            "architecture",
            "check-latest",
            "registry-url",
            "scope",
            "token",
            "cache",
            "cache-dependency-path",
        ],
        required: [],
    },
    "aws-actions/configure-aws-credentials": {
        sha: "a03048d87541d1d9fcf2ecf528a4a65ba9bd7838",
        version: "v5.0.0",
        inputsFrom: "eb745fe265a565d3784b246250884f97a7826c75",
        inputs: [
            "audience",
            "aws-access-key-id",
            "aws-secret-access-key",
            "aws-session-token",
            "aws-region",
            "mask-aws-account-id",
            "role-to-assume",
            "web-identity-token-file",
            "role-duration-seconds",
            "role-session-name",
            "role-external-id",
            "role-skip-session-tagging",
        ],
        required: ["aws-region"],
    },
    "actions/github-script": {
        sha: "ed597411d8f924073f98dfc5c65a23a2325f34cd",
        version: "v8.0.0",
        inputsFrom: "35053f82bc1ddfe8d46e9709c6658ba87a2cfc46",
        inputs: [
            "script",
            "github-token",
            "debug",
            "user-agent",
            "previews",
            "result-encoding",
            "retries",
            "retry-exempt-status-codes",
            "base-url",
        ],
        required: ["script"],
    },
    "pulumi/actions": {
        sha: "8e5e406f4007fca908480587cb9893c07090f58d",
        version: "v7.0.0",
        inputsFrom: "4ddd4329226d5f7fdca0bc1fe3a0a659f4de25fe",
        inputs: [
            "command",
            "stack-name",
            "pulumi-version",
            "pulumi-version-file",
            "work-dir",
            "comment-on-pr",
            "comment-on-pr-number",
            "comment-on-summary",
            "github-token",
            "cloud-url",
            "secrets-provider",
            "parallel",
            "message",
            "config-map",
            "expect-no-changes",
            "diff",
            "replace",
            "target",
            "target-dependents",
            "policyPacks",
            "policyPackConfigs",
            "refresh",
            "upsert",
            "remove",
            "edit-pr-comment",
            "color",
            "exclude-protected",
            "plan",
            "suppress-outputs",
            "suppress-progress",
            "always-include-summary",
        ],
        required: [],
    },
};

/** Which ci:stacks plan each workflow runs (`npm run ci:stacks -- --for <kind>`). */
const WORKFLOW_KIND: Readonly<Record<string, "pull-request" | "drift" | "smoke">> = {
    "pull-request.yml": "pull-request",
    "drift-detection.yml": "drift",
    "smoke.yml": "smoke",
};

const text = (file: string) => readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
const read = (file: string) => parse(text(file)) as Workflow;
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps.map((step) => ({ job, step })));
const actionOf = (uses: string) => uses.split("@")[0];
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");

describe("GitHub workflows", () => {
    for (const file of workflowFiles) {
        it(`${file} passes GitHub's workflow parser`, async () => {
            const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } =
                await import("@actions/workflow-parser");
            const result = parseWorkflow({ name: file, content: text(file) }, new NoOperationTraceWriter());
            assert.deepEqual(
                result.context.errors.getErrors().map((e) => e.message),
                [],
            );
            assert.ok(result.value);
            const template = await convertWorkflowTemplate(result.context, result.value);
            assert.deepEqual(
                (template.errors ?? []).map((e) => e.Message),
                [],
            );
        });

        it(`${file} pins every action to a full commit SHA, with its release in a comment`, () => {
            const uses = [...text(file).matchAll(/^\s*(?:-\s+)?uses:\s*(.*)$/gm)].map((m) => m[1].trim());
            assert.ok(uses.length > 0);
            for (const line of uses) {
                const match = /^([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
                assert.ok(match, `not pinned to a SHA with a # vX.Y.Z comment: ${line}`);
                const known = ACTIONS[match[1]];
                assert.ok(
                    known,
                    `${match[1]} is not a reviewed action: add it to ACTIONS with the inputs its action.yml declares`,
                );
                assert.deepEqual([match[2], match[3]], [known.sha, known.version], match[1]);
            }
        });

        it(`${file} gives each action only inputs it declares, and every input it requires`, () => {
            for (const { step } of nonEmpty(
                steps(read(file)).filter(({ step }) => step.uses !== undefined),
                `action step in ${file}`,
            )) {
                const known = ACTIONS[actionOf(step.uses as string)];
                const given = Object.keys(step.with ?? {});
                for (const input of given)
                    assert.ok(known.inputs.includes(input), `${step.uses}: '${input}' is not an input of the action`);
                for (const input of known.required)
                    assert.ok(given.includes(input), `${step.uses}: required input '${input}' missing`);
            }
        });

        it(`${file} runs only npm scripts that exist`, () => {
            const scripts = (
                JSON.parse(readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as {
                    scripts: Record<string, string>;
                }
            ).scripts;
            const all = Object.values(read(file).jobs).map(runs).join("\n");
            for (const [, script] of all.matchAll(/npm run (?:--silent )?([\w:-]+)/g))
                assert.ok(script in scripts, `npm run ${script}`);
            for (const [, tool] of all.matchAll(/npx tsx (\S+)/g))
                assert.ok(existsSync(path.join(PROJECT_DIR, tool)), tool);
        });

        it(`${file} takes every stack, runner, role and region from .github/ci-stacks.yaml, never a constant`, () => {
            const wf = read(file);
            // The list lives in one file: no stack name, runner label, account or role ARN is spelled here.
            assert.doesNotMatch(text(file), /for stack in (dev|prod)|spark-platform-prod|arn:aws|vars\.AWS_\w*ROLE/);
            const matrixJobs = Object.entries(wf.jobs).filter(([, job]) => job.strategy?.matrix);
            assert.ok(matrixJobs.length > 0);
            for (const [name, job] of matrixJobs) {
                const m = /^\$\{\{ fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\) \}\}$/.exec(
                    String(job.strategy?.matrix?.include),
                );
                assert.ok(m, `${name}: the matrix must be ci:stacks' output, not a list`);
                assert.equal(job.needs, m[1]);
                const producer = wf.jobs[m[1]];
                const output = /^\$\{\{ steps\.([\w-]+)\.outputs\.matrix \}\}$/.exec(producer.outputs?.[m[2]] ?? "");
                assert.ok(output, `${m[1]}.outputs.${m[2]} must be a step's matrix output`);
                const kind = WORKFLOW_KIND[file];
                assert.ok(kind, `${file}: which ci:stacks plan does it run? add it to WORKFLOW_KIND`);
                // The smoke test runs for the one stack a person chose; the others for every stack of the list.
                const only = kind === "smoke" ? ' --stack "$STACK"' : "";
                assert.equal(
                    producer.steps.find((s) => s.id === output[1])?.run,
                    `npm run --silent ci:stacks -- --for ${kind}${only} --github-output "$GITHUB_OUTPUT" --summary "$GITHUB_STEP_SUMMARY"`,
                );
                assert.match(job.if ?? "", /outputs\.[\w-]*count != '0'/, `${name}: an empty matrix must skip the job`);
                assert.equal(job["runs-on"], "${{ matrix.runner }}");
                const credentials = job.steps.filter((s) =>
                    s.uses?.startsWith("aws-actions/configure-aws-credentials@"),
                );
                for (const s of nonEmpty(credentials, `${name}: configure-aws-credentials step`)) {
                    assert.equal(s.with?.["role-to-assume"], "${{ matrix.role }}");
                    assert.equal(s.with?.["aws-region"], "${{ matrix.region }}");
                }
            }
        });

        it(`${file} previews each stack with the policy pack and that stack's policy config`, () => {
            const wf = read(file);
            const stacks = readCiStacks(PROJECT_DIR).map((s) => s.stack);
            const previews = Object.values(wf.jobs).filter(
                (j) =>
                    j.strategy?.matrix &&
                    j.steps.some((s) => s.with?.command === "preview" || /pulumi preview/.test(s.run ?? "")),
            );
            assert.equal(previews.length > 0, WORKFLOW_KIND[file] !== "smoke", "every matrix job but smoke previews");
            for (const job of previews) {
                const action = job.steps.find((s) => s.with?.command === "preview")?.with;
                const cli = /--policy-pack (\S+) --policy-pack-config "([^"]+)"/.exec(runs(job));
                const pack = String(action?.policyPacks ?? cli?.[1]);
                const configs = String(action?.policyPackConfigs ?? cli?.[2]);
                assert.ok(
                    existsSync(path.join(PROJECT_DIR, pack, "PulumiPolicy.yaml")),
                    `${pack} is not a policy pack`,
                );
                assert.ok(
                    ["${{ matrix.policyConfig }}", "$POLICY_CONFIG"].includes(configs),
                    `${configs}: the policy config comes from the matrix, so a stack without its own gets the pack's defaults`,
                );
                if (configs === "$POLICY_CONFIG") assert.equal(job.env?.POLICY_CONFIG, "${{ matrix.policyConfig }}");
                for (const stack of stacks) {
                    const config = policyConfigOf(PROJECT_DIR, stack);
                    assert.ok(existsSync(path.join(PROJECT_DIR, config)), `${config} does not exist`);
                }
            }
        });
    }

    it("detects drift on a schedule: a refreshing JSON preview with the event log, read by drift:report", () => {
        const drift = read("drift-detection.yml");
        assert.ok(drift.on.schedule, "drift detection needs a schedule");
        const job = drift.jobs.drift;
        const preview = job.steps.find((s) => s.id === "preview")?.run ?? "";
        assert.match(preview, /pulumi preview --stack "\$PULUMI_STACK" --refresh --json /);
        assert.match(preview, /--event-log "\$RUNNER_TEMP\/events\.jsonl"/);
        assert.match(preview, /> "\$RUNNER_TEMP\/preview\.json"/);
        assert.doesNotMatch(
            preview,
            /--expect-no-changes/,
            "the report, not the exit status, tells drift from failure",
        );
        const report = job.steps.find((s) => s.id === "report")?.run ?? "";
        assert.match(report, /npm run drift:report -- --preview "\$RUNNER_TEMP\/preview\.json"/);
        assert.match(report, />> "\$GITHUB_STEP_SUMMARY"/);
        // Exit statuses: 0 clean, 3 drift, 1 failed; a non-zero preview is a failure whatever its output says.
        assert.match(report, /0\) verdict=clean ;;\s+3\) verdict=drift ;;\s+1\) verdict=failed ;;/);
        assert.match(report, /if \[ "\$PREVIEW_STATUS" != 0 \]; then verdict=failed; fi/);
        // A rotation due is clean (exit 0) but gets a notice, found by the heading the report gives it.
        assert.ok(report.includes(`grep -q '^${ROTATION_HEADING}' "$RUNNER_TEMP/report.md"`), report);
        assert.match(report, /echo "::notice::A rotation is due in stack \$STACK/);
    });

    it("keeps one drift issue per stack: opened or updated on drift, closed when clean, untouched on failure", () => {
        const job = read("drift-detection.yml").jobs.drift;
        assert.equal(job.permissions?.issues, "write");
        const step = job.steps.find((s) => s.uses?.startsWith("actions/github-script@"));
        assert.equal(
            step?.if,
            "${{ steps.report.outputs.verdict == 'drift' || steps.report.outputs.verdict == 'clean' }}",
        );
        const script = String(step?.with?.script);
        assert.match(script, /const marker = `<!-- spark-platform:drift:\$\{stack\} -->`/);
        assert.match(script, /issues\.update\(\{ owner, repo, issue_number: issue\.number, state: "closed"/);
        assert.match(script, /issues\.create\(\{ owner, repo, title: `Drift detected in stack \$\{stack\}`/);
        assert.doesNotMatch(
            script,
            /\$\{\{/,
            "report text reaches the script through a file, never through an expression",
        );
        const verdict = job.steps[job.steps.length - 1].run ?? "";
        assert.match(verdict, /\*\) echo "::error::[^"]*"; exit 1 ;;/);
    });

    it("sets PULUMI_DEBUG_COMMANDS wherever pulumi is given --event-log (the CLI has no such flag otherwise)", () => {
        const withEventLog = workflowFiles.flatMap((file) =>
            steps(read(file))
                .filter(({ step }) => /--event-log/.test(step.run ?? ""))
                .map(({ step }) => ({ file, step })),
        );
        for (const { file, step } of nonEmpty(withEventLog, "workflow step running pulumi with --event-log"))
            assert.equal(step.env?.PULUMI_DEBUG_COMMANDS, "true", `${file}: ${step.run}`);
        const documented = ["README.md", path.join("docs", "drift-detection.md")].flatMap((doc) =>
            readFileSync(path.join(PROJECT_DIR, doc), "utf8")
                .split("\n")
                .filter((l) => /pulumi preview .*--event-log/.test(l))
                .map((line) => ({ doc, line })),
        );
        for (const { doc, line } of nonEmpty(documented, "documented pulumi preview with --event-log"))
            assert.match(line, /PULUMI_DEBUG_COMMANDS=true pulumi preview/, `${doc}: ${line}`);
    });

    it("runs pull-request code with credentials only for this repository's branches, never for a fork", () => {
        const pr = read("pull-request.yml");
        const credentialed = Object.entries(pr.jobs).filter(
            ([, job]) =>
                job.permissions?.["id-token"] === "write" ||
                job.steps.some((s) => Object.values(s.env ?? {}).some((v) => /secrets\.(?!GITHUB_TOKEN)/.test(v))),
        );
        assert.ok(credentialed.length > 0, "the preview job holds credentials");
        for (const [name, job] of credentialed) {
            // Every conjunct must hold; an `||` could let a fork through.
            const condition = /^\$\{\{ (.*) \}\}$/.exec(job.if ?? "")?.[1] ?? "";
            assert.doesNotMatch(condition, /\|\|/, name);
            assert.ok(
                condition.split(" && ").includes("github.event.pull_request.head.repo.full_name == github.repository"),
                `${name} must refuse pull requests from forks`,
            );
            // Never on a self-hosted runner: the matrix is ci:stacks --for pull-request (GitHub-hosted runners only),
            // and the first step stops the job on any other runner.
            assert.equal(job.steps[0].if, "${{ runner.environment != 'github-hosted' }}", name);
            assert.match(job.steps[0].run ?? "", /exit 1/);
        }
    });
    it("smoke-tests one chosen stack on demand, from main only, as the stack's smoke role", () => {
        const wf = read("smoke.yml");
        assert.deepEqual(Object.keys(wf.on), ["workflow_dispatch"], "never on a push or a pull request");
        const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string }> }).inputs;
        assert.deepEqual(Object.keys(inputs).sort(), ["keep", "stack", "teams", "timeout"]);
        // The stack is free text checked against ci-stacks.yaml: a list of choices here would be a second list.
        assert.equal(inputs.stack.type, "string");
        const { target, smoke } = wf.jobs;
        assert.deepEqual(target.permissions ?? wf.permissions, { contents: "read" });
        // The smoke role is a cluster admin trusted for main: a dispatch from another branch stops before anything.
        assert.match(target.steps[0].run ?? "", /if \[ "\$GITHUB_REF" != refs\/heads\/main \]; then[\s\S]*exit 1/);
        assert.equal(target.steps.find((s) => s.id === "stacks")?.env?.STACK, "${{ inputs.stack }}");
        assert.equal(smoke.permissions?.["id-token"], "write");
        // Inputs reach the shell through the environment only, never spliced into a script.
        for (const job of [target, smoke])
            for (const step of job.steps) assert.doesNotMatch(step.run ?? "", /\$\{\{/, step.name ?? step.run);
        const run = smoke.steps.find((s) => s.name === "Smoke test");
        assert.deepEqual(
            [run?.env?.TEAMS, run?.env?.TIMEOUT, run?.env?.KEEP],
            ["${{ inputs.teams }}", "${{ inputs.timeout }}", "${{ inputs.keep }}"],
        );
        assert.match(run?.run ?? "", /npm run smoke -- "\$\{args\[@\]\}"/);
        assert.match(run?.run ?? "", />> "\$GITHUB_STEP_SUMMARY"/);
        // smoke's exit statuses: 1 a check failed, 2 it could not run; both turn the run red with their own message.
        assert.match(
            run?.run ?? "",
            /1\) echo "::error::[^"]*"; exit 1 ;;\s+\*\) echo "::error::[^"]*"; exit "\$code" ;;/,
        );
    });

    it("checks pull requests offline, each stack's policy verdicts in the summary and one sticky comment", () => {
        const pr = read("pull-request.yml");
        assert.ok(pr.on.pull_request);
        const offline = pr.jobs.offline;
        assert.match(runs(offline), /npm test/);
        const policy = offline.steps.find((s) => s.id === "policy");
        assert.match(
            policy?.run ?? "",
            /for stack in \$STACKS; do[\s\S]*npm run policy:check -- --stack "\$stack" --markdown/,
        );
        assert.match(policy?.run ?? "", /cat "\$RUNNER_TEMP\/policy-\$stack\.md" >> "\$GITHUB_STEP_SUMMARY"/);
        assert.equal(offline.outputs?.policy, "${{ steps.policy.outputs.verdicts }}");
        assert.equal(
            offline.permissions,
            undefined,
            "the job that runs the pull request's code gets the read-only default",
        );

        const comment = pr.jobs["policy-comment"];
        assert.equal(comment.needs, "offline");
        assert.deepEqual(comment.permissions, { "pull-requests": "write" });
        assert.ok(
            comment.steps.every((s) => s.run === undefined && !s.uses?.startsWith("actions/checkout@")),
            "runs no pull request code",
        );
        const script = String(comment.steps[0].with?.script);
        assert.match(script, /const marker = `<!-- spark-platform:policy-check:\$\{stack\} -->`/);
        assert.match(script, /updateComment\(/);
        assert.match(script, /createComment\(/);
        assert.equal(comment.steps[0].env?.VERDICTS, "${{ needs.offline.outputs.policy }}");
    });

    it("adds each stack's cost difference (base branch vs this change) to its verdict, reading only the base's files", () => {
        const offline = read("pull-request.yml").jobs.offline;
        const base = offline.steps.find((s) => s.with?.path === ".base");
        assert.ok(base?.uses?.startsWith("actions/checkout@"), "the base branch is checked out beside the change");
        assert.equal(base?.with?.ref, "${{ github.event.pull_request.base.sha }}");
        const policy = offline.steps.find((s) => s.id === "policy")?.run ?? "";
        const cost = policy.indexOf(
            'npm run --silent cost -- --stack "$stack" --base .base >> "$RUNNER_TEMP/policy-$stack.md"',
        );
        assert.ok(cost > 0, "the cost difference goes into the stack's verdict file");
        assert.ok(cost < policy.indexOf('cat "$RUNNER_TEMP/policy-$stack.md" >> "$GITHUB_STEP_SUMMARY"'));
        assert.ok(
            offline.steps.indexOf(base) > offline.steps.findIndex((s) => s.run === "npm test"),
            "nothing of the base branch is on disk while the change's tests and lint run",
        );
    });

    it("shows what the offline policy check could not evaluate, without failing on it", async () => {
        const policy = read("pull-request.yml").jobs.offline.steps.find((s) => s.id === "policy");
        const run = policy?.run ?? "";
        const command = /npm run policy:check -- (.*) > "\$RUNNER_TEMP\/policy-\$stack\.md"/.exec(run)?.[1] ?? "";
        assert.match(
            command,
            /^--stack "\$stack" --markdown$/,
            "the list is shown; --strict would fail every pull request",
        );
        const heading = /grep -m1 '\^(#### Not evaluated)'/.exec(run)?.[1];
        assert.equal(heading, "#### Not evaluated");
        assert.match(run, /echo "::notice title=policy check \(\$stack\)::\$unseen offline: /);
        // The Markdown the step posts, for a stack with a chart whose objects only the engine renders, carries the
        // section the step looks for.
        const dir = mkdtempSync(path.join(os.tmpdir(), "workflow-policy-"));
        try {
            const exported = path.join(dir, "stack.json");
            const chart = resource("kubernetes:helm.sh/v4:Chart", "karpenter", { chart: "karpenter" });
            writeFileSync(exported, JSON.stringify(stackExport([...compliantStack(), chart])));
            const config = path.join(dir, "config.json");
            writeFileSync(config, JSON.stringify(DEV_CONFIG));
            const result = await runInProcess("policy-check", ["--export", exported, "--config", config, "--markdown"]);
            assert.equal(result.status, 0, result.stderr);
            const lines = result.stdout.split("\n");
            assert.equal(
                lines.find((l) => l.startsWith(heading ?? "")),
                "#### Not evaluated (1)",
            );
            assert.ok(lines.some((l) => l.startsWith(`| <code>${chart.urn}</code> | <code>all</code> |`)));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("stack-region", () => {
        it("must print aws:region of Pulumi.<stack>.yaml", async () => {
            const dir = mkdtempSync(path.join(os.tmpdir(), "stack-region-"));
            try {
                writeFileSync(
                    path.join(dir, "Pulumi.qa.yaml"),
                    "config:\n  aws:region: eu-central-1\n  spark-platform:x: 1\n",
                );
                let out = "";
                const code = await printStackRegion(["--stack", "qa", "--dir", dir], {
                    stdout: (t) => {
                        out += t;
                    },
                    stderr: () => undefined,
                });
                assert.deepEqual([code, out], [0, "eu-central-1\n"]);
                await assert.rejects(
                    printStackRegion(["--stack", "nope", "--dir", dir], {
                        stdout: () => undefined,
                        stderr: () => undefined,
                    }),
                    /cannot read stack config .*Pulumi\.nope\.yaml: no such file/,
                );
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });

        it("must refuse a stack file without a region, or with something that is not a region name", () => {
            assert.throws(
                () => stackRegion({ config: {} }, "Pulumi.x.yaml"),
                (e: unknown) =>
                    e instanceof InputError &&
                    e.message === "Pulumi.x.yaml sets no aws:region; run `pulumi config set aws:region <region>`",
            );
            assert.throws(
                () => stackRegion({ config: { "aws:region": "us-west-2; rm -rf /" } }, "f"),
                /is not an AWS region name/,
            );
            assert.equal(stackRegion({ config: { "aws:region": "us-gov-west-1" } }, "f"), "us-gov-west-1");
        });
    });
});

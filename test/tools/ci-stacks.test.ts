/**
 * `.github/ci-stacks.yaml` is the one list of the stacks CI works on; `ci:stacks` turns it into each workflow's
 * matrix. These tests make their own project folders (a Pulumi.yaml declaring the keys read, and stack files).
 */
import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { invokeCommand } from "../../tools/cli";
import { planWorkflow, readCiStacks } from "../../tools/ci-stacks/ci-stacks";
import { ciStacksCommand, USAGE } from "../../tools/ci-stacks/command";

const PROJECT = `name: spark-platform
runtime: nodejs
config:
  apiEndpointAccess: { type: string, default: private }
  apiPublicAccessCidrs: { type: array, items: { type: string }, default: [] }
  apiPrivateAccessCidrs: { type: array, items: { type: string }, default: [] }
  viewerPrincipals: { type: array, items: { type: string }, default: [] }
  adminPrincipals: { type: array, items: { type: string }, default: [] }
`;

const DEV_ROLE = "arn:aws:iam::111111111111:role/ci-preview";
const DEV_DRIFT = "arn:aws:iam::111111111111:role/ci-drift";
const DEV_SMOKE = "arn:aws:iam::111111111111:role/ci-smoke";

function stackFile(account: string, extra: string): string {
    return `config:\n  aws:region: eu-west-1\n  aws:allowedAccountIds: ["${account}"]\n${extra}`;
}

/** A project folder with the given stack files and ci-stacks.yaml; removed after `body`. */
function withProject(files: Record<string, string>, ciStacks: string, body: (dir: string) => void | Promise<void>) {
    return async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), "ci-stacks-"));
        try {
            writeFileSync(path.join(dir, "Pulumi.yaml"), PROJECT);
            for (const [stack, text] of Object.entries(files))
                writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
            mkdirSync(path.join(dir, ".github"));
            writeFileSync(path.join(dir, ".github", "ci-stacks.yaml"), ciStacks);
            await body(dir);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    };
}

const admins = (...arns: string[]) => `  spark-platform:adminPrincipals: [${arns.map((a) => `"${a}"`).join(", ")}]\n`;
const viewers = (...arns: string[]) => `  spark-platform:viewerPrincipals: [${arns.map((a) => `"${a}"`).join(", ")}]\n`;

/** dev only, as a fresh repository starts: a self-hosted runner in the VPC whose network the private API admits. */
const DEV_ONLY = {
    files: {
        dev: stackFile(
            "111111111111",
            `  spark-platform:apiPrivateAccessCidrs: ["10.40.0.0/16"]\n${viewers(DEV_ROLE, DEV_DRIFT)}`,
        ),
    },
    ci: `stacks:\n  dev:\n    runner: dev-runner\n    runnerCidrs: [10.40.1.0/24]\n    previewRole: ${DEV_ROLE}\n    driftRole: ${DEV_DRIFT}\n`,
};

describe("ci:stacks (.github/ci-stacks.yaml, the stacks CI works on)", () => {
    it(
        "must give a dev-only repository's drift check dev's own runner, role and region, and nothing else",
        withProject(DEV_ONLY.files, DEV_ONLY.ci, (dir) => {
            const plan = planWorkflow(dir, readCiStacks(dir), "drift");
            assert.deepEqual(plan, {
                stacks: ["dev"],
                matrix: [
                    {
                        stack: "dev",
                        runner: "dev-runner",
                        role: DEV_DRIFT,
                        region: "eu-west-1",
                        policyConfig: "policies/config/pack-defaults.json",
                    },
                ],
                skipped: [],
            });
        }),
    );

    it(
        "must hand a stack its own policy config, and one without it the pack's defaults rather than a missing file",
        withProject(DEV_ONLY.files, DEV_ONLY.ci, (dir) => {
            const configOf = () => planWorkflow(dir, readCiStacks(dir), "drift").matrix[0].policyConfig;
            assert.equal(configOf(), "policies/config/pack-defaults.json");
            mkdirSync(path.join(dir, "policies", "config"), { recursive: true });
            writeFileSync(path.join(dir, "policies", "config", "dev.json"), "{}");
            assert.equal(configOf(), "policies/config/dev.json");
        }),
    );

    it(
        "must keep pull-request code off a self-hosted runner, saying why the stack is not previewed",
        withProject(DEV_ONLY.files, DEV_ONLY.ci, (dir) => {
            const plan = planWorkflow(dir, readCiStacks(dir), "pull-request");
            assert.deepEqual(plan.matrix, []);
            assert.match(
                plan.skipped[0].reason,
                /runner dev-runner is self-hosted .*pull-request code never runs there/,
            );
        }),
    );

    it(
        "must report a cluster a GitHub-hosted runner cannot reach as unreachable, not preview it into a failure",
        withProject(
            {
                dev: stackFile(
                    "111111111111",
                    `  spark-platform:apiEndpointAccess: public-and-private\n  spark-platform:apiPublicAccessCidrs: ["203.0.113.0/24"]\n`,
                ),
            },
            `stacks:\n  dev:\n    runner: ubuntu-latest\n    previewRole: ${DEV_ROLE}\n    driftRole: ${DEV_DRIFT}\n`,
            (dir) => {
                for (const workflow of ["pull-request", "drift"] as const) {
                    const plan = planWorkflow(dir, readCiStacks(dir), workflow);
                    assert.deepEqual(plan.matrix, [], workflow);
                    assert.match(
                        plan.skipped[0].reason,
                        /^CI cannot reach the cluster: runner ubuntu-latest has no fixed address/,
                    );
                    // ...and the role without an access entry is named too.
                    assert.match(
                        plan.skipped[0].reason,
                        /role arn:aws:iam::111111111111:role\/ci-\w+ has no access entry/,
                    );
                }
            },
        ),
    );

    it(
        "must report a runner network the API endpoint does not admit",
        withProject(DEV_ONLY.files, DEV_ONLY.ci.replace("10.40.1.0/24", "10.50.0.0/24"), (dir) => {
            const [skipped] = planWorkflow(dir, readCiStacks(dir), "drift").skipped;
            assert.match(
                skipped.reason,
                /runner network 10\.50\.0\.0\/24 is not admitted by the private API endpoint .*10\.40\.0\.0\/16/,
            );
        }),
    );

    it(
        "must run no job for a stack whose runner is not there yet (offline checks only)",
        withProject(
            { ...DEV_ONLY.files, prod: stackFile("222222222222", "") },
            `${DEV_ONLY.ci}  prod:\n    driftRole: arn:aws:iam::222222222222:role/ci-drift\n`,
            (dir) => {
                const plan = planWorkflow(dir, readCiStacks(dir), "drift");
                assert.deepEqual(plan.stacks, ["dev", "prod"]);
                assert.deepEqual(
                    plan.matrix.map((m) => m.stack),
                    ["dev"],
                );
                assert.deepEqual(plan.skipped, [
                    { stack: "prod", reason: "no runner in ci-stacks.yaml yet: offline checks only" },
                ]);
            },
        ),
    );

    describe("smoke (the on-demand smoke test of one stack)", () => {
        /** dev with a smoke role too, as a cluster admin: smoke runs jobs, reading is not enough. */
        const withSmoke = (adminList: string) => ({
            files: {
                dev: DEV_ONLY.files.dev + adminList,
            },
            ci: `${DEV_ONLY.ci}    smokeRole: ${DEV_SMOKE}\n`,
        });
        const smokeCommand = async (dir: string, ...argv: string[]) => {
            let out = "";
            let err = "";
            const code = await invokeCommand("ci:stacks", USAGE, ciStacksCommand, [...argv, "--dir", dir], {
                stdout: (t) => (out += t),
                stderr: (t) => (err += t),
            });
            return { code, out, err };
        };

        it(
            "must give the chosen stack its runner (self-hosted is fine: smoke runs main's code), smoke role and region",
            withProject(withSmoke(admins(DEV_SMOKE)).files, withSmoke("").ci, async (dir) => {
                const output = path.join(dir, "out");
                const run = await smokeCommand(dir, "--for", "smoke", "--stack", "dev", "--github-output", output);
                assert.deepEqual([run.code, run.out], [0, ""]);
                assert.equal(
                    readFileSync(output, "utf8").split("\n")[0],
                    `matrix=${JSON.stringify([{ stack: "dev", runner: "dev-runner", role: DEV_SMOKE, region: "eu-west-1", policyConfig: "policies/config/pack-defaults.json" }])}`,
                );
            }),
        );

        it(
            "must fail the run, with the reason, when the smoke role holds only a viewer entry or none",
            withProject(
                {
                    dev: stackFile(
                        "111111111111",
                        `  spark-platform:apiPrivateAccessCidrs: ["10.40.0.0/16"]\n${viewers(DEV_ROLE, DEV_DRIFT, DEV_SMOKE)}`,
                    ),
                },
                withSmoke("").ci,
                async (dir) => {
                    const output = path.join(dir, "out");
                    const summary = path.join(dir, "summary");
                    const run = await smokeCommand(
                        dir,
                        "--for",
                        "smoke",
                        "--stack",
                        "dev",
                        "--github-output",
                        output,
                        "--summary",
                        summary,
                    );
                    assert.equal(run.code, 1, "a green run would read as a passed smoke test");
                    assert.equal(
                        run.out,
                        `::error title=CI cannot smoke-test stack dev::CI cannot reach the cluster: role ${DEV_SMOKE} has no admin access entry: list it in spark-platform:adminPrincipals\n`,
                    );
                    assert.match(readFileSync(output, "utf8"), /^count=0$/m);
                    assert.match(
                        readFileSync(summary, "utf8"),
                        /\| `dev` \| not smoke-tested: CI cannot reach the cluster/,
                    );
                    // The preview and drift roles of the same stack are unaffected by the smoke role's absence.
                    assert.deepEqual(planWorkflow(dir, readCiStacks(dir), "drift").skipped, []);
                },
            ),
        );

        it(
            "must fail for a stack without a smoke role, naming the key",
            withProject(DEV_ONLY.files, DEV_ONLY.ci, async (dir) => {
                const run = await smokeCommand(dir, "--for", "smoke", "--stack", "dev");
                assert.equal(run.code, 1);
                assert.deepEqual(JSON.parse(run.out).skipped, [
                    { stack: "dev", reason: "no smokeRole in ci-stacks.yaml for it" },
                ]);
            }),
        );

        const misuse: [string, string[], RegExp][] = [
            ["--for smoke without --stack", ["--for", "smoke"], /--for smoke needs --stack <name>/],
            [
                "--stack with another workflow",
                ["--for", "drift", "--stack", "dev"],
                /--stack goes only with --for smoke/,
            ],
            [
                "a stack the list does not hold",
                ["--for", "smoke", "--stack", "dve"],
                /stack "dve" is not in \.github\/ci-stacks\.yaml; did you mean "dev"\? \(listed: dev\)$/,
            ],
        ];
        for (const [what, argv, message] of misuse) {
            it(
                `must refuse ${what} with exit 2 and one line`,
                withProject(DEV_ONLY.files, DEV_ONLY.ci, async (dir) => {
                    const run = await smokeCommand(dir, ...argv);
                    assert.equal(run.code, 2);
                    assert.match(run.err.split("\n")[0], message);
                }),
            );
        }
    });

    const refused: [string, string, RegExp][] = [
        [
            "a role in another stack's account",
            DEV_ONLY.ci.replace(DEV_DRIFT, "arn:aws:iam::222222222222:role/ci-drift"),
            /^\.github\/ci-stacks\.yaml: stacks\.dev\.driftRole: "arn:aws:iam::222222222222:role\/ci-drift" is in account 222222222222, but Pulumi\.dev\.yaml deploys to 111111111111; each stack's roles live in its own account$/,
        ],
        ["a typo in a key", DEV_ONLY.ci.replace("runner:", "runer:"), /unknown key "runer"; did you mean "runner"\?/],
        [
            "a stack without a stack file",
            `${DEV_ONLY.ci}  qa:\n    runner: x\n`,
            /stacks\.qa: there is no Pulumi\.qa\.yaml in the project/,
        ],
        [
            "a runner without roles",
            `stacks:\n  dev:\n    runner: dev-runner\n`,
            /stacks\.dev\.previewRole: required with a runner/,
        ],
        [
            "a user instead of a role",
            DEV_ONLY.ci.replace(DEV_ROLE, "arn:aws:iam::111111111111:user/ci"),
            /is not an IAM role ARN/,
        ],
        ["an empty list", "stacks: {}\n", /needs a map "stacks:" with at least one stack/],
    ];
    for (const [what, ci, message] of refused) {
        it(
            `must refuse ${what} with one line`,
            withProject(DEV_ONLY.files, ci, async (dir) => {
                let err = "";
                const code = await invokeCommand(
                    "ci:stacks",
                    USAGE,
                    ciStacksCommand,
                    ["--for", "drift", "--dir", dir],
                    {
                        stdout: () => undefined,
                        stderr: (t) => (err += t),
                    },
                );
                assert.equal(code, 2);
                assert.equal(err.split("\n").filter(Boolean).length, 1, err);
                assert.match(err.replace(/^ci:stacks: error: /, "").trim(), message);
            }),
        );
    }

    it(
        "must write GitHub step outputs, a warning per stack not previewed and a summary table",
        withProject(
            { ...DEV_ONLY.files, prod: stackFile("222222222222", "") },
            `${DEV_ONLY.ci}  prod:\n    driftRole: arn:aws:iam::222222222222:role/ci-drift\n`,
            async (dir) => {
                const output = path.join(dir, "out");
                const summary = path.join(dir, "summary");
                let out = "";
                const argv = ["--for", "drift", "--dir", dir, "--github-output", output, "--summary", summary];
                const code = await invokeCommand("ci:stacks", USAGE, ciStacksCommand, argv, {
                    stdout: (t) => (out += t),
                    stderr: () => undefined,
                });
                assert.equal(code, 0);
                assert.deepEqual(readFileSync(output, "utf8").split("\n"), [
                    `matrix=${JSON.stringify([{ stack: "dev", runner: "dev-runner", role: DEV_DRIFT, region: "eu-west-1", policyConfig: "policies/config/pack-defaults.json" }])}`,
                    "count=1",
                    "stacks=dev prod",
                    "",
                ]);
                assert.equal(
                    out,
                    "::warning title=drift does not preview stack prod::no runner in ci-stacks.yaml yet: offline checks only\n",
                );
                assert.match(readFileSync(summary, "utf8"), /\| `prod` \| not previewed: no runner/);
            },
        ),
    );
});

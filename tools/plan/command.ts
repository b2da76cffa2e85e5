/**
 * `npm run plan`: plans the real program for a stack under mocks, prints the resource tree, counts by type and the
 * outputs, then evaluates the policy pack on the plan with the stack's policy config (policies/config/<name>.json),
 * as `pulumi preview --policy-pack policies` would. --out writes the plan as a `pulumi stack export` file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { CommandIo, ExitCode, InputError, parseOptions, readJsonFile, stackPolicyConfigFile, UsageError } from "../cli";
import type { PlanResult } from "./plan";

export const PLAN_USAGE = `usage: npm run plan -- --stack <name> [--stack-dir <folder>] [--out <stack-export.json>]

  --stack <name>        plan Pulumi.<name>.yaml
  --stack-dir <folder>  folder holding Pulumi.<name>.yaml (default: the project folder, next to Pulumi.yaml)
  --out <file>          also write the plan as a \`pulumi stack export\` file

Exit status: 0 planned and no mandatory violation; 1 a mandatory violation, or an invalid stack configuration or
program (then nothing is written); 2 bad usage, no such stack, or an unreadable stack file or policy config.`;

const OPTIONS = {
    stack: { type: "string" },
    "stack-dir": { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

export async function planCommand(argv: readonly string[], io: CommandIo): Promise<number> {
    const started = process.hrtime.bigint();
    const options = parseOptions(argv, OPTIONS);
    if (options.help) {
        io.stdout(`${PLAN_USAGE}\n`);
        return ExitCode.ok;
    }
    if (!options.stack) throw new UsageError("--stack <name> is required");
    if (options["stack-dir"] === "" || options.out === "") throw new UsageError("option values must not be empty");
    const configFile = stackPolicyConfigFile(options.stack);
    const policyConfig = configFile === undefined ? undefined : readJsonFile(configFile, "policy config");

    // Loaded once the arguments are known to be good: the program, the provider SDKs and the policy pack take
    // seconds to load, which `--help` and a usage error should not cost.
    const { InvalidConfigError } = require("../../stack-config") as typeof import("../../stack-config");
    const { evaluateStackExport } = require("../policy-eval/evaluate") as typeof import("../policy-eval/evaluate");
    const report = require("../policy-eval/report") as typeof import("../policy-eval/report");
    const { planStack, StackConfigError } = require("./plan") as typeof import("./plan");
    const { StackFileMissingError } = require("./stack-config") as typeof import("./stack-config");
    const { formatPlanSummary } = require("./summary") as typeof import("./summary");

    let plan: PlanResult;
    try {
        const stackDir = options["stack-dir"] === undefined ? undefined : path.resolve(options["stack-dir"]);
        plan = await planStack({ stack: options.stack, stackDir });
    } catch (e) {
        // A stack that is not there is bad input, as in policy:check and preflight (exit 2, one line).
        if (e instanceof StackFileMissingError) throw new InputError(e.message);
        // The lines `pulumi up` prints for the same stack (the README shows one).
        if (e instanceof InvalidConfigError || e instanceof StackConfigError) {
            io.stderr(
                `${e.message
                    .split("\n")
                    .map((line) => `error: ${line}`)
                    .join("\n")}\n`,
            );
            return ExitCode.failed;
        }
        throw e;
    }
    io.stdout(`${formatPlanSummary(plan)}\n`);
    const resources = plan.stackExport.deployment.resources.length;
    if (options.out !== undefined) {
        const file = path.resolve(options.out);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, `${JSON.stringify(plan.stackExport, null, 2)}\n`);
        io.stdout(`\nWrote ${resources} resources as a stack export to ${options.out}\n`);
    }

    const checkStarted = process.hrtime.bigint();
    const verdicts = await evaluateStackExport(plan.stackExport, policyConfig);
    const configNote = configFile
        ? `policy config ${path.relative(process.cwd(), configFile)}`
        : "no policy config (pack defaults)";
    io.stdout(`\n${configNote}\n${report.formatVerdicts(verdicts, resources)}`);
    // What the stack costs, from the settings the plan ran with.
    const { estimateCost } = require("../cost-estimate/estimate") as typeof import("../cost-estimate/estimate");
    const { formatCostEstimate } = require("../cost-estimate/format") as typeof import("../cost-estimate/format");
    const { readPriceTable } = require("../cost-estimate/price-table") as typeof import("../cost-estimate/price-table");
    const { parseSettings } = require("../../stack-config") as typeof import("../../stack-config");
    const { readProject, readStackConfig } = require("./stack-config") as typeof import("./stack-config");
    const { PROJECT_DIR } = require("./plan") as typeof import("./plan");
    const project = readProject(PROJECT_DIR);
    const stackDir = options["stack-dir"] === undefined ? PROJECT_DIR : path.resolve(options["stack-dir"]);
    const settings = parseSettings(readStackConfig(stackDir, project, options.stack), project.name, options.stack);
    io.stdout(`\n${formatCostEstimate(estimateCost(settings, readPriceTable()))}`);
    const seconds = (from: bigint) => (Number(process.hrtime.bigint() - from) / 1e9).toFixed(2);
    const planned = (plan.elapsedMs / 1000).toFixed(2);
    const checked = seconds(checkStarted);
    io.stdout(`\nPlanned in ${planned} s, policy check in ${checked} s (${seconds(started)} s in all).\n`);
    return report.hasMandatoryViolation(verdicts) ? ExitCode.failed : ExitCode.ok;
}

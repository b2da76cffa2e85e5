/**
 * npm run plan -- --stack <name> [--out <stack-export.json>]
 *
 * Plans the real program for a stack under mocks, prints the resource tree, counts by type and the outputs, then
 * evaluates the policy pack on the plan with the stack's policy config (policies/config/<name>.json), as
 * `pulumi preview --policy-pack policies` would. --out writes the plan as a `pulumi stack export` file.
 * Exit codes: 0 planned and no mandatory violation; 1 a mandatory violation, or an invalid stack configuration
 * or program (then nothing is written); 2 bad usage or an unreadable policy config.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { InvalidConfigError } from "../../components/settings";
import { evaluateStackExport } from "../policy-check/evaluate";
import { formatVerdicts, hasMandatoryViolation } from "../policy-check/report";
import { PlanResult, StackConfigError, planStack } from "./plan";
import { formatPlanSummary } from "./summary";
import { InputError, readJsonFile, stackPolicyConfigFile } from "../cli/inputs";

const USAGE = "usage: npm run plan -- --stack <name> [--out <stack-export.json>]";

class UsageError extends Error {}

function parseOptions(argv: string[]): { stack?: string; out?: string; help: boolean } {
    try {
        const { values } = parseArgs({
            args: argv,
            options: { stack: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
            strict: true,
            allowPositionals: false,
        });
        if (!values.help && !values.stack) throw new UsageError("--stack <name> is required");
        return { stack: values.stack, out: values.out, help: values.help === true };
    } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(String((e as Error).message).split("\n")[0].replace(/\. To specify a positional.*$/, ""));
    }
}

async function main(argv: string[]): Promise<number> {
    const started = process.hrtime.bigint();
    const options = parseOptions(argv);
    if (options.help || options.stack === undefined) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const configFile = stackPolicyConfigFile(options.stack);
    const policyConfig = configFile === undefined ? undefined : readJsonFile(configFile, "policy config");

    let plan: PlanResult;
    try {
        plan = await planStack({ stack: options.stack });
    } catch (e) {
        if (e instanceof InvalidConfigError || e instanceof StackConfigError) {
            const lines = e.message.split("\n").map((line) => `error: ${line.replace(/^invalid stack config: /, "")}`);
            process.stderr.write(`${lines.join("\n")}\n`);
            return 1;
        }
        throw e;
    }
    process.stdout.write(`${formatPlanSummary(plan)}\n`);
    if (options.out !== undefined) {
        const file = path.resolve(options.out);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, `${JSON.stringify(plan.stackExport, null, 2)}\n`);
        process.stdout.write(`\nWrote ${plan.stackExport.deployment.resources.length} resources as a stack export to ${options.out}\n`);
    }

    const checkStarted = process.hrtime.bigint();
    const verdicts = await evaluateStackExport(plan.stackExport, policyConfig);
    const configNote = configFile ? `policy config ${path.relative(process.cwd(), configFile)}` : "no policy config (pack defaults)";
    process.stdout.write(`\n${configNote}\n${formatVerdicts(verdicts, plan.stackExport.deployment.resources.length)}`);
    const seconds = (from: bigint) => (Number(process.hrtime.bigint() - from) / 1e9).toFixed(2);
    process.stdout.write(`\nPlanned in ${(plan.elapsedMs / 1000).toFixed(2)} s, policy check in ${seconds(checkStarted)} s (${seconds(started)} s in all).\n`);
    return hasMandatoryViolation(verdicts) ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (e: unknown) => {
        if (e instanceof UsageError || e instanceof InputError) {
            process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
            process.exitCode = 2;
        } else {
            process.stderr.write(`error: the offline plan failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
            process.exitCode = 1;
        }
    },
);

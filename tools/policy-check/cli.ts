/**
 * `npm run policy:check -- (--export <stack-export.json> | --stack <name>) [--config <policy-config.json>] [--json]`
 *
 * The pull-request policy check that needs no credentials: evaluates the policy pack (policies/) against a
 * `pulumi stack export` file, or against the program planned offline under mocks for a stack. Exit 0 when no
 * mandatory violation, 1 when there is one, 2 on bad usage or unreadable input (one line on stderr).
 */
import { parseArgs } from "node:util";
import { evaluateStackExport, InvalidInputError, PolicyVerdicts } from "./evaluate";
import { formatVerdicts, hasMandatoryViolation } from "./report";
import { InputError, readJsonFile, stackPolicyConfigFile } from "../cli/inputs";

const USAGE = `Usage: npm run policy:check -- (--export <stack-export.json> | --stack <name>) [--config <policy-config.json>] [--json]

  --export <file>   evaluate a \`pulumi stack export\` file (resource policies see inputs, the stack policy outputs)
  --stack <name>    plan the program offline for Pulumi.<name>.yaml under mocks and evaluate the plan
  --config <file>   policy config, same format as --policy-pack-config; defaults to policies/config/<name>.json with --stack
  --json            print {"violations":[…],"notEvaluated":[…]} only

Exit status: 0 no mandatory violation, 1 a mandatory violation, 2 bad usage or unreadable input.`;

/** Bad usage or unreadable input: reported as one line, exit 2. */
class UsageError extends Error {}

interface Options {
    readonly exportFile?: string;
    readonly stack?: string;
    readonly configFile?: string;
    readonly json: boolean;
    readonly help: boolean;
}

function parseOptions(argv: string[]): Options {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: { export: { type: "string" }, stack: { type: "string" }, config: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
            strict: true,
            allowPositionals: false,
        }));
    } catch (e) {
        throw new UsageError(`${(e instanceof Error ? e.message : String(e)).split("\n")[0].replace(/\. To specify a positional.*$/, "")} (see --help)`);
    }
    const options = { exportFile: values.export, stack: values.stack, configFile: values.config, json: values.json === true, help: values.help === true };
    if (options.help) return options;
    if ((options.exportFile === undefined) === (options.stack === undefined)) throw new UsageError("give exactly one of --export <file> or --stack <name> (see --help)");
    if (options.exportFile === "" || options.stack === "" || options.configFile === "") throw new UsageError("option values must not be empty (see --help)");
    return options;
}

/** The policy config: --config, else policies/config/<stack>.json when planning a stack that has one. */
function policyConfig(options: Options): unknown {
    const file = options.configFile ?? (options.stack === undefined ? undefined : stackPolicyConfigFile(options.stack));
    return file === undefined ? undefined : readJsonFile(file, "policy config");
}

type PlanModule = typeof import("../plan/plan");

/** Plans the stack in-process (tools/plan/plan.ts); the program's own console output goes to stderr. */
async function plannedExport(stack: string): Promise<unknown> {
    const saved = { log: console.log, info: console.info };
    console.log = console.info = (...args: unknown[]) => console.error(...args);
    try {
        // Loaded lazily: planning loads the program and the provider SDKs, which `--export` does not need.
        const { planStack, StackConfigError } = require("../plan/plan") as PlanModule;
        try {
            return (await planStack({ stack })).stackExport;
        } catch (e) {
            if (e instanceof StackConfigError) throw new UsageError(e.message.split("\n")[0]);
            throw e;
        }
    } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`planning stack '${stack}' failed: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
    } finally {
        Object.assign(console, saved);
    }
}

async function main(argv: string[]): Promise<{ output: string; code: number }> {
    const options = parseOptions(argv);
    if (options.help) return { output: `${USAGE}\n`, code: 0 };
    const config = policyConfig(options);
    const exported = options.exportFile !== undefined ? readJsonFile(options.exportFile, "stack export") : await plannedExport(options.stack ?? "");
    let verdicts: PolicyVerdicts;
    try {
        verdicts = await evaluateStackExport(exported, config, { onWarning: (w) => console.error(`policy:check: warning: ${w}`) });
    } catch (e) {
        if (e instanceof InvalidInputError) throw new UsageError(e.message);
        throw e;
    }
    const resources = countResources(exported);
    const output = options.json ? `${JSON.stringify(verdicts)}\n` : formatVerdicts(verdicts, resources);
    return { output, code: hasMandatoryViolation(verdicts) ? 1 : 0 };
}

function countResources(exported: unknown): number {
    const resources = (exported as { deployment?: { resources?: unknown } } | undefined)?.deployment?.resources;
    return Array.isArray(resources) ? resources.length : 0;
}

/** Exit only after stdout has drained (a pipe is asynchronous), and even if the planner left handles open. */
function finish(output: string, code: number): void {
    process.stdout.write(output, () => process.exit(code));
}

main(process.argv.slice(2)).then(
    ({ output, code }) => finish(output, code),
    (e: unknown) => {
        const message = e instanceof UsageError || e instanceof InputError ? e.message : `internal error: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
        process.stderr.write(`policy:check: ${message}\n`, () => process.exit(2));
    },
);

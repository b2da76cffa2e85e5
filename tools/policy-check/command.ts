/**
 * `npm run policy:check`: the pull-request policy check that needs no credentials. Evaluates the policy pack
 * (policies/) against a `pulumi stack export` file, or against the program planned offline under mocks for a stack.
 */
import * as path from "node:path";
import { format } from "node:util";
import {
    CommandIo,
    ExitCode,
    firstLine,
    InputError,
    parseOptions,
    readJsonFile,
    stackPolicyConfigFile,
    UsageError,
} from "../cli";

/** One line, printed after a usage error; --help prints POLICY_CHECK_HELP. */
export const POLICY_CHECK_USAGE =
    "usage: npm run policy:check -- (--export <stack-export.json> | --stack <name>) [--config <policy-config.json>] " +
    "[--json | --markdown] [--strict] (see --help)";

export const POLICY_CHECK_HELP = `Usage: npm run policy:check -- (--export <stack-export.json> | --stack <name>) \
[--config <policy-config.json>] [--json | --markdown] [--strict]

  --export <file>   evaluate a \`pulumi stack export\` file (resource policies see inputs, the stack policy outputs)
  --stack <name>    plan the program offline for Pulumi.<name>.yaml under mocks and evaluate the plan
  --stack-dir <dir> with --stack: folder holding Pulumi.<name>.yaml (default: the project folder)
  --config <file>   policy config, same format as --policy-pack-config; defaults to policies/config/<name>.json \
with --stack
  --json            print {"violations":[…],"notEvaluated":[…]} only
  --markdown        print the verdicts as Markdown (job summaries, pull-request comments); same exit status
  --strict          fail (exit 1) when anything could not be evaluated offline, too

Every output lists what could not be evaluated (by URN, what was not checked, how the engine run covers it): the
children of remote components (Helm charts, YAML/kustomize groups, an eks.Cluster's default node group), values
unknown before deployment, files the pack cannot read.

Exit status: 0 no mandatory violation (with --strict: and nothing not evaluated), 1 otherwise, 2 bad usage or
unreadable input.`;

const OPTIONS = {
    export: { type: "string" },
    stack: { type: "string" },
    "stack-dir": { type: "string" },
    config: { type: "string" },
    json: { type: "boolean" },
    markdown: { type: "boolean" },
    strict: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

export async function policyCheckCommand(argv: readonly string[], io: CommandIo): Promise<number> {
    const options = parseOptions(argv, OPTIONS);
    if (options.help) {
        io.stdout(`${POLICY_CHECK_HELP}\n`);
        return ExitCode.ok;
    }
    if ((options.export === undefined) === (options.stack === undefined)) {
        throw new UsageError("give exactly one of --export <file> or --stack <name>");
    }
    if ([options.export, options.stack, options["stack-dir"], options.config].includes("")) {
        throw new UsageError("option values must not be empty");
    }
    if (options.json && options.markdown) throw new UsageError("give at most one of --json and --markdown");
    if (options["stack-dir"] !== undefined && options.stack === undefined) {
        throw new UsageError("--stack-dir goes with --stack <name>");
    }
    // The policy config: --config, else policies/config/<stack>.json when planning a stack that has one.
    const stackConfig = options.stack === undefined ? undefined : stackPolicyConfigFile(options.stack);
    const configFile = options.config ?? stackConfig;
    const config = configFile === undefined ? undefined : readJsonFile(configFile, "policy config");
    const exported =
        options.export !== undefined
            ? readJsonFile(options.export, "stack export")
            : await plannedExport(options.stack ?? "", options["stack-dir"], io);
    // Loaded once the arguments are known to be good: the pack and the Pulumi SDK take seconds to load.
    const { evaluateStackExport } = require("../policy-eval/evaluate") as typeof import("../policy-eval/evaluate");
    const { formatVerdicts, failsCheck } = require("../policy-eval/report") as typeof import("../policy-eval/report");
    const verdicts = await evaluateStackExport(exported, config, {
        onWarning: (w) => io.stderr(`policy:check: warning: ${w}\n`),
    });
    const resourceCount = countResources(exported);
    const check = { strict: options.strict === true };
    if (options.json) io.stdout(`${JSON.stringify(verdicts)}\n`);
    else if (options.markdown) {
        const { verdictsMarkdown } = require("./markdown") as typeof import("./markdown");
        io.stdout(verdictsMarkdown(verdicts, { stack: options.stack, resourceCount }, check));
    } else io.stdout(formatVerdicts(verdicts, resourceCount, check));
    return failsCheck(verdicts, check) ? ExitCode.failed : ExitCode.ok;
}

/** Plans the stack in-process (tools/plan/plan.ts); the program's own console output goes to stderr. */
async function plannedExport(stack: string, stackDir: string | undefined, io: CommandIo): Promise<unknown> {
    const saved = { log: console.log, info: console.info };
    console.log = console.info = (...args: unknown[]) => io.stderr(`${format(...args)}\n`);
    try {
        // Loaded lazily: planning loads the program and the provider SDKs, which `--export` does not need.
        const { planStack } = require("../plan/plan") as typeof import("../plan/plan");
        const plan = await planStack({ stack, stackDir: stackDir === undefined ? undefined : path.resolve(stackDir) });
        return plan.stackExport;
    } catch (e) {
        throw new InputError(`planning stack '${stack}' failed: ${firstLine(e)}`);
    } finally {
        Object.assign(console, saved);
    }
}

function countResources(exported: unknown): number {
    const resources = (exported as { deployment?: { resources?: unknown } } | undefined)?.deployment?.resources;
    return Array.isArray(resources) ? resources.length : 0;
}

/**
 * npm run plan -- --stack <name> [--out <file>]
 *
 * Plans the real program for a stack under mocks and prints the resource tree, counts by type and the outputs.
 * --out writes the planned resources as a `pulumi stack export` file.
 * Exit codes: 0 planned, 1 the stack's configuration or the program is invalid (nothing is written), 2 bad usage.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { InvalidConfigError } from "../../components/settings";
import { PlanResult, StackConfigError, planStack } from "../harness/plan";
import { UsageError, parseFlags } from "./cli-args";
import { formatPlanSummary } from "./plan-summary";

const USAGE = "usage: npm run plan -- --stack <name> [--out <stack-export.json>]";

async function main(argv: readonly string[]): Promise<number> {
    const flags = parseFlags(argv, { values: ["--stack", "--out"], switches: ["--help"] });
    if (flags.has("--help")) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const stack = flags.get("--stack");
    if (typeof stack !== "string") throw new UsageError("--stack is required");
    const out = flags.get("--out");

    let plan: PlanResult;
    try {
        plan = await planStack({ stack });
    } catch (e) {
        if (e instanceof InvalidConfigError || e instanceof StackConfigError) {
            process.stderr.write(`${e.message.split("\n").map((line) => `error: ${line.replace(/^invalid stack config: /, "")}`).join("\n")}\n`);
            return 1;
        }
        throw e;
    }
    process.stdout.write(`${formatPlanSummary(plan)}\n`);
    if (typeof out === "string") {
        const file = path.resolve(out);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, `${JSON.stringify(plan.stackExport, null, 2)}\n`);
        process.stdout.write(`\nWrote ${plan.stackExport.deployment.resources.length} resources as a stack export to ${out}\n`);
    }
    process.stdout.write(`\nPlanned in ${(plan.elapsedMs / 1000).toFixed(2)} s.\n`);
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (e: unknown) => {
        if (e instanceof UsageError) {
            process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
            process.exitCode = 2;
        } else {
            process.stderr.write(`error: the offline plan failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
            process.exitCode = 1;
        }
    },
);

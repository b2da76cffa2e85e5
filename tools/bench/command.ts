/**
 * `npm run bench`: generates a synthetic stack export (synthetic-export.ts), evaluates the policy pack against it
 * through the same offline evaluator as `policy:check`, and prints the evaluation time and resources per second.
 * The first (cold) run, which also pays for module loading and JIT warm-up, is shown apart; the median of the timed
 * runs is the figure reported as throughput. With --max-ms the exit status is 1 when the median exceeds the budget.
 */
import { CommandIo, ExitCode, parseOptions, UsageError } from "../cli";

export const BENCH_USAGE = "usage: npm run bench -- [--resources 5000] [--runs 5] [--max-ms <ms>]";

const DEV_CONFIG = { "single-az-node-pools": { exemptPools: ["spark-dev-system"] } };

const OPTIONS = {
    resources: { type: "string" },
    runs: { type: "string" },
    "max-ms": { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

function positiveInteger(value: string | undefined, fallback: number, flag: string): number {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) {
        throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
    }
    return n;
}

export async function benchCommand(argv: readonly string[], io: CommandIo): Promise<number> {
    const values = parseOptions(argv, OPTIONS);
    if (values.help) {
        io.stdout(`${BENCH_USAGE}\n`);
        return ExitCode.ok;
    }
    const total = positiveInteger(values.resources, 5000, "--resources");
    const runs = positiveInteger(values.runs, 5, "--runs");
    const budget = values["max-ms"] === undefined ? undefined : positiveInteger(values["max-ms"], 0, "--max-ms");

    // Loaded once the arguments are known to be good: the pack and the Pulumi SDK take seconds to load.
    const { evaluateStackExport } = require("../policy-eval/evaluate") as typeof import("../policy-eval/evaluate");
    const { syntheticStackExport } = require("./synthetic-export") as typeof import("./synthetic-export");
    const generated = syntheticStackExport(total);
    const text = JSON.stringify(generated);
    let started = process.hrtime.bigint();
    const parsed: unknown = JSON.parse(text);
    const parseMs = elapsedMs(started);

    started = process.hrtime.bigint();
    const warm = await evaluateStackExport(parsed, DEV_CONFIG);
    const coldMs = elapsedMs(started);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        started = process.hrtime.bigint();
        await evaluateStackExport(parsed, DEV_CONFIG);
        times.push(elapsedMs(started));
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const count = generated.deployment.resources.length;
    const megabytes = (text.length / 1e6).toFixed(1);
    io.stdout(`synthetic export: ${count} resources, ${megabytes} MB of JSON (parsed in ${parseMs.toFixed(0)} ms)\n`);
    io.stdout(`verdicts: ${warm.violations.length} violations, ${warm.notEvaluated.length} not evaluated\n`);
    io.stdout(
        `evaluation: median ${median.toFixed(0)} ms, best ${times[0].toFixed(0)} ms over ${runs} runs; ` +
            `first (cold) run ${coldMs.toFixed(0)} ms\n`,
    );
    io.stdout(`throughput: ${Math.round(count / (median / 1000)).toLocaleString("en-US")} resources/second\n`);
    if (budget !== undefined && median > budget) {
        io.stderr(`bench: median ${median.toFixed(0)} ms exceeds --max-ms ${budget}\n`);
        return ExitCode.failed;
    }
    return ExitCode.ok;
}

function elapsedMs(started: bigint): number {
    return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * `npm run bench -- [--resources 5000] [--runs 5] [--max-ms <ms>]`
 *
 * Generates a synthetic stack export (tools/bench/synthetic-export.ts), evaluates the policy pack against it through
 * the same offline evaluator as `policy:check`, and prints the evaluation time and resources per second. The first
 * (cold) run, which also pays for module loading and JIT warm-up, is shown apart; the median of the timed runs is
 * the figure reported as throughput.
 * With --max-ms the exit status is 1 when the median exceeds the budget (for CI).
 */
import { parseArgs } from "node:util";
import { evaluateStackExport } from "../policy-check/evaluate";
import { syntheticStackExport } from "./synthetic-export";

const DEV_CONFIG = { "single-az-node-pools": { exemptPools: ["spark-dev-system"] } };

function positiveInteger(value: string | undefined, fallback: number, flag: string): number {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
    return n;
}

async function main(): Promise<number> {
    const { values } = parseArgs({ options: { resources: { type: "string" }, runs: { type: "string" }, "max-ms": { type: "string" } }, strict: true });
    const total = positiveInteger(values.resources, 5000, "--resources");
    const runs = positiveInteger(values.runs, 5, "--runs");
    const budget = values["max-ms"] === undefined ? undefined : positiveInteger(values["max-ms"], 0, "--max-ms");

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
    console.log(`synthetic export: ${count} resources, ${(text.length / 1e6).toFixed(1)} MB of JSON (parsed in ${parseMs.toFixed(0)} ms)`);
    console.log(`verdicts: ${warm.violations.length} violations, ${warm.notEvaluated.length} not evaluated`);
    console.log(`evaluation: median ${median.toFixed(0)} ms, best ${times[0].toFixed(0)} ms over ${runs} runs; first (cold) run ${coldMs.toFixed(0)} ms`);
    console.log(`throughput: ${Math.round(count / (median / 1000)).toLocaleString("en-US")} resources/second`);
    if (budget !== undefined && median > budget) {
        console.error(`bench: median ${median.toFixed(0)} ms exceeds --max-ms ${budget}`);
        return 1;
    }
    return 0;
}

function elapsedMs(started: bigint): number {
    return Number(process.hrtime.bigint() - started) / 1e6;
}

main().then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
        console.error(`bench: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
        process.exitCode = 2;
    },
);

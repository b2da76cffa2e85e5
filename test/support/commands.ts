/**
 * Runs the offline CLIs (plan, policy:check, bench, drift:report, preflight) the two ways tests need: in-process through their exported
 * command functions (fast; what almost every test uses), and as a separate node process, as `npm run` does, for
 * the few tests of the process boundary itself (exit status, stream draining).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { BENCH_USAGE, benchCommand } from "../../tools/bench/command";
import { Command, invokeCommand } from "../../tools/cli";
import { PLAN_USAGE, planCommand } from "../../tools/plan/command";
import { PROJECT_DIR } from "../../tools/plan/plan";
import { USAGE as DRIFT_REPORT_USAGE, driftReport } from "../../tools/drift-report/command";
import { POLICY_CHECK_USAGE, policyCheckCommand } from "../../tools/policy-check/command";

export interface CliResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

type InProcessTool = "plan" | "policy-check" | "bench" | "drift-report";
/** Every folder under tools/ with a cli.ts (preflight and smoke need AWS clients, so tests hand theirs mocked ones). */
type Tool = InProcessTool | "preflight" | "smoke";

const TOOLS: Record<InProcessTool, { name: string; usage: string; command: Command }> = {
    plan: { name: "plan", usage: PLAN_USAGE, command: planCommand },
    "policy-check": { name: "policy:check", usage: POLICY_CHECK_USAGE, command: policyCheckCommand },
    bench: { name: "bench", usage: BENCH_USAGE, command: benchCommand },
    "drift-report": { name: "drift:report", usage: DRIFT_REPORT_USAGE, command: driftReport },
};

/** The tool's command in this process, its errors reported exactly as `runCommand` reports them. */
export function runInProcess(tool: InProcessTool, args: readonly string[]): Promise<CliResult> {
    const { name, usage, command } = TOOLS[tool];
    return runCommandInProcess(name, usage, command, args);
}

/** Any command in this process (e.g. with its real AWS clients), reported as `runCommand` reports it. */
export async function runCommandInProcess(
    name: string,
    usage: string,
    command: Command,
    args: readonly string[],
): Promise<CliResult> {
    const out: string[] = [];
    const err: string[] = [];
    const status = await invokeCommand(name, usage, command, args, {
        stdout: (text) => out.push(text),
        stderr: (text) => err.push(text),
    });
    return { status, stdout: out.join(""), stderr: err.join("") };
}

/** The tool as a user runs it: `node --import tsx tools/<tool>/cli.ts …` from the project folder. */
export function runProcess(tool: Tool, args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliResult {
    const cli = path.join(PROJECT_DIR, "tools", tool, "cli.ts");
    const result = spawnSync(process.execPath, ["--import", "tsx", cli, ...args], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        timeout: 120_000,
        env,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

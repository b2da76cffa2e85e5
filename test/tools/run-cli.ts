/** Runs one of the offline CLIs as a user would (a separate node process), for end-to-end tests. */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_DIR } from "../../tools/plan/plan";

export interface CliResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

export function runCli(tool: string, args: readonly string[]): CliResult {
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "tools", tool, "cli.ts"), ...args], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

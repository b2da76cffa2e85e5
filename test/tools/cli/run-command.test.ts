/**
 * `runCommand`, the process entry point every tool's cli.ts goes through: the whole report reaches a pipe before the
 * process exits, the exit code is the command's, and open handles do not keep the process alive.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

function runChatty(lines: number, code: number) {
    return spawnSync(
        process.execPath,
        ["--import", "tsx", path.join(__dirname, "chatty-cli.ts"), `${lines}`, `${code}`],
        {
            encoding: "utf8",
            timeout: 60_000,
            maxBuffer: 64 * 1024 * 1024,
        },
    );
}

describe("runCommand (every tool's process entry point)", function () {
    this.timeout(60_000);

    it("exits with the command's code once the whole report has drained to a pipe, despite open handles", () => {
        // About 2 MB: far more than a pipe holds, so exiting before stdout drains would cut it short.
        const lines = 20_000;
        for (const code of [0, 3]) {
            const result = runChatty(lines, code);
            assert.equal(result.signal, null, "the process hung on its open handle and was killed");
            assert.equal(result.status, code, result.stderr);
            const out = result.stdout.split("\n");
            assert.equal(out.length, lines + 2, `all ${lines} lines and the end marker, got ${out.length - 2}`);
            assert.equal(out[lines], "end of report");
        }
    });
});

/**
 * The one process-level check: `tools/drift-report/cli.ts` as CI runs it, so the exit status (3 for drift, 1 for a
 * failed preview) and stderr reach the shell through runCommand.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runProcess } from "../../support/commands";
import { digest, ROLE, state, updateStep } from "./fixtures";

describe("drift:report as a process", function () {
    this.timeout(120_000);

    it("must exit 3 on drift with nothing on stderr, and 1 with one stderr line on a failed preview", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-report-cli-"));
        try {
            const write = (name: string, content: string) => {
                fs.writeFileSync(path.join(dir, name), content);
                return path.join(dir, name);
            };
            const ignore = write("ignore.yaml", "ignore: []\n");
            const drift = write(
                "drift.json",
                JSON.stringify(
                    digest([
                        updateStep(state(ROLE, { name: "a" }), state(ROLE, { name: "b" }), {
                            name: { kind: "update", inputDiff: true },
                        }),
                    ]),
                ),
            );
            const failed = write(
                "failed.json",
                JSON.stringify(
                    digest([], { diagnostics: [{ message: "error: preview failed\n", severity: "error" }] }),
                ),
            );

            const d = runProcess("drift-report", ["--preview", drift, "--ignore", ignore]);
            assert.equal(d.status, 3, d.stderr);
            assert.equal(d.stderr, "");
            assert.match(d.stdout, /^## Drift check in stack `dev`: 1 resource drifted/);

            const f = runProcess("drift-report", ["--preview", failed, "--ignore", ignore]);
            assert.equal(f.status, 1, f.stderr);
            assert.equal(f.stderr, "drift:report: the preview failed: preview failed\n");
            assert.match(f.stdout, /the preview failed/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

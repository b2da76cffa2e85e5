/**
 * Runs `npm run drift:report` in-process on files a test writes into a temporary directory of its own (made before
 * the suite, removed after it).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { driftReport } from "../../../tools/drift-report/command";
import { DriftReport } from "../../../tools/drift-report/report";

export interface Run {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export interface Harness {
    /** The temporary directory (only valid inside the suite's tests). */
    dir: () => string;
    /** Writes `content` (JSON unless a string) to a new file and returns its path. */
    file: (content: unknown, ext?: string) => string;
    /** An ignore file without rules. */
    noIgnores: () => string;
    run: (...argv: string[]) => Promise<Run>;
    /** Both outputs of one preview: the JSON report and the Markdown, with the exit code they share. */
    report: (
        preview: unknown,
        options?: { events?: string; ignore?: string },
    ) => Promise<{ code: number; json: DriftReport; markdown: string; stderr: string }>;
}

/** Call inside a `describe`: registers the hooks that make and remove the directory. */
export function reportHarness(prefix: string): Harness {
    let dir: string | undefined;
    let counter = 0;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    });
    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });
    const harness: Harness = {
        dir: () => {
            if (dir === undefined) throw new Error("the harness directory exists only inside the suite's tests");
            return dir;
        },
        file: (content, ext = "json") => {
            const target = path.join(harness.dir(), `f${counter++}.${ext}`);
            fs.writeFileSync(target, typeof content === "string" ? content : JSON.stringify(content, null, 4));
            return target;
        },
        noIgnores: () => harness.file("ignore: []\n", "yaml"),
        run: async (...argv) => {
            let stdout = "";
            let stderr = "";
            const code = await driftReport(argv, {
                stdout: (t) => {
                    stdout += t;
                },
                stderr: (t) => {
                    stderr += t;
                },
            });
            return { code, stdout, stderr };
        },
        report: async (preview, options = {}) => {
            const args = ["--preview", harness.file(preview), "--ignore", options.ignore ?? harness.noIgnores()];
            if (options.events !== undefined) args.push("--events", harness.file(options.events, "jsonl"));
            const json = await harness.run(...args, "--json");
            const markdown = await harness.run(...args);
            assert.equal(json.code, markdown.code);
            return {
                code: json.code,
                json: JSON.parse(json.stdout) as DriftReport,
                markdown: markdown.stdout,
                stderr: json.stderr,
            };
        },
    };
    return harness;
}

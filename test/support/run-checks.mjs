// `npm test`: the type check with the lint, the import rules, the formatting and the mocha suite, run side by side
// (they are independent: tsx runs the tests without waiting for tsc). While they run it prints a line as each check
// ends and the mocha reporter's progress (a line per finished test file); once all have ended, each check's full
// output in a fixed order. Exit status is non-zero when any check fails.
//
// `npm run test:timing` (--timing) first times `tsc --noEmit -p .` alone, then the suite, and prints the ratio
// with the load average at the start: the suite is meant to stay within 4× one type check on the same machine.
import { spawn } from "node:child_process";
import { loadavg } from "node:os";

const checks = [
    { name: "type check and lint", command: ["node", "test/support/check-types-and-lint.mjs"] },
    { name: "imports", command: ["npm", "run", "--silent", "lint:imports"] },
    { name: "format", command: ["npm", "run", "--silent", "lint:format"] },
    { name: "tests", command: ["npx", "mocha"], stream: true },
];

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs a command; with `stream`, each whole line of its stdout is also printed as it comes. */
function run({ name, command, stream = false }) {
    return new Promise((resolve) => {
        const started = Date.now();
        const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: process.env });
        // Everything it writes, in order, for the report at the end; a streamed check's stdout is shown as it comes
        // and left out of that report.
        const chunks = [];
        let stdout = "";
        let partial = "";
        child.stdout.on("data", (c) => {
            stdout += c.toString("utf8");
            if (!stream) return chunks.push(c);
            const lines = (partial + c.toString("utf8")).split("\n");
            partial = lines.pop();
            for (const line of lines) process.stdout.write(`  ${name} │ ${line}\n`);
        });
        child.stderr.on("data", (c) => chunks.push(c));
        const done = (code, output) => {
            const ms = Date.now() - started;
            if (partial) process.stdout.write(`  ${name} │ ${partial}\n`);
            process.stdout.write(`── ${name}: ${code === 0 ? "ok" : "FAILED"} (${seconds(ms)})\n`);
            resolve({ name, code, output, stdout, ms });
        };
        child.on("error", (error) => done(1, `${error.message}\n`));
        child.on("close", (code, signal) => done(code ?? (signal ? 1 : 0), Buffer.concat(chunks).toString("utf8")));
    });
}

const timing = process.argv.includes("--timing");
const load = loadavg()[0].toFixed(2);
let tscMs;
if (timing) {
    const tsc = await run({
        name: "tsc --noEmit alone (for the ratio)",
        command: ["npx", "tsc", "--noEmit", "-p", "."],
    });
    if (tsc.code !== 0) process.stdout.write(tsc.output);
    tscMs = tsc.ms;
}

const started = Date.now();
const results = await Promise.all(checks.map(run));
const totalMs = Date.now() - started;
let failed = 0;
for (const result of results) {
    process.stdout.write(`\n── ${result.name} (${seconds(result.ms)}): ${result.code === 0 ? "ok" : "FAILED"}\n`);
    process.stdout.write(result.output);
    if (result.code !== 0) failed++;
}
process.stdout.write(`\n${failed === 0 ? "all checks passed" : `${failed} check(s) failed`} in ${seconds(totalMs)}\n`);
if (tscMs !== undefined) {
    process.stdout.write(
        `timing: suite ${seconds(totalMs)} = ${(totalMs / tscMs).toFixed(1)} × tsc --noEmit alone ` +
            `(${seconds(tscMs)}); load average at start ${load} on this machine\n`,
    );
}
// The mocha reporter's closing line ("N passed, N failed, N skipped") stays the last line a reader sees.
const tests = results.find((r) => r.name === "tests");
const closing = tests?.stdout.trimEnd().split("\n").pop() ?? "";
process.stdout.write(`${closing}\n`);
process.exitCode = failed === 0 ? 0 : 1;

// `npm test`: the type check, the lint and the mocha suite, run side by side (they are independent: tsx runs the
// tests without waiting for tsc), each one's output printed whole once it ends, in a fixed order. Exit status is
// non-zero when any of them fails. On a 2-core CI machine this keeps the pull-request loop to the longest check
// instead of the sum of all three.
import { spawn } from "node:child_process";

const checks = [
    { name: "type check", command: ["npx", "tsc", "--noEmit", "-p", "."] },
    { name: "lint", command: ["npm", "run", "--silent", "lint"] },
    { name: "tests", command: ["npx", "mocha"] },
];

function run({ name, command }) {
    return new Promise((resolve) => {
        const started = Date.now();
        const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: process.env });
        const chunks = [];
        child.stdout.on("data", (c) => chunks.push(c));
        child.stderr.on("data", (c) => chunks.push(c));
        child.on("error", (error) => resolve({ name, code: 1, output: `${error.message}\n`, seconds: 0 }));
        child.on("close", (code, signal) =>
            resolve({
                name,
                code: code ?? (signal ? 1 : 0),
                output: Buffer.concat(chunks).toString("utf8"),
                seconds: (Date.now() - started) / 1000,
            }),
        );
    });
}

const results = await Promise.all(checks.map(run));
let failed = 0;
for (const result of results) {
    process.stdout.write(
        `\n── ${result.name} (${result.seconds.toFixed(1)} s): ${result.code === 0 ? "ok" : "FAILED"}\n`,
    );
    process.stdout.write(result.output);
    if (result.code !== 0) failed++;
}
// The mocha reporter's closing line ("N passed, N failed, N skipped") stays the last line a reader sees.
const tests = results.find((r) => r.name === "tests");
const closing = tests?.output.trimEnd().split("\n").pop() ?? "";
process.stdout.write(`\n${failed === 0 ? "all checks passed" : `${failed} check(s) failed`}\n${closing}\n`);
process.exitCode = failed === 0 ? 0 : 1;

// `npm test`: the type check with the lint, the import rules, the formatting and the mocha suite, in three lanes
// that run side by side: the mocha suite (tsx runs the tests without waiting for tsc) in one; the type check with
// the lint, the longest single check, in another; and in the third the few test files whose subject is a child
// process, in a mocha of their own, then the import rules and the formatting. The suite is CPU-bound on a 2-core
// machine: two lanes that keep a core busy each finish sooner than five checks sharing two cores, where the longest
// ones would be slowed from the start. The child-process tests mostly wait (for a child to type-check or plan, for
// a script's timers), which in the main suite left a core idle; in their own lane that wait overlaps the other two.
// While the checks run it prints a line as each one ends and the mocha reporters' progress (a line per finished test
// file); once all have ended, each check's full output in a fixed order, and the tests' closing line with both
// mochas' counts added up. Exit status is non-zero when any check fails.
//
// The checks run package.json's own scripts (lint:imports, lint:format) and binaries as `npm run` would, through the
// shell with node_modules/.bin on the PATH, but without an npm or npx process in front of each: those cost about half
// a second of CPU apiece on a 2-core machine where every check competes for CPU.
//
// `npm run test:timing` (--timing) times `tsc --noEmit -p .` alone before the suite and again after it, and prints
// the suite's ratio to their mean, to each, and the load average at the start: the suite is meant to stay within 4×
// one type check on the same machine. Timing tsc on both sides keeps a shared machine's drift during the run (other
// tenants' load comes and goes over a minute) from being charged to the suite or to tsc alone. Where /proc exists
// (Linux) it also reports the CPU time (user + system, of every process each check started), which such load
// inflates less than the wall time.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");
const { scripts } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
// One GC thread: spare cores are the other lanes'. (The young generation's size makes no difference here: the
// checker's objects live as long as its program, and V8's scavenges cost the same from 16 to 128 MB.)
const typeCheckAndLint = "node --single-threaded-gc test/support/check-types-and-lint.mjs";
/**
 * Test files whose subject is a child process, and which load little of the program: the program under the Pulumi
 * CLI's TypeScript loader, runCommand's exit status and draining, the Fluent Bit wrapper scripts and the retention
 * policy script. Plain `npx mocha` runs them with the rest (.mocharc.json's spec covers every test file).
 */
const CHILD_PROCESS_TESTS = [
    "test/pulumi-runtime.test.ts",
    "test/tools/cli/run-command.test.ts",
    "test/components/logging/wrapper-scripts.test.ts",
    "test/components/logging/apply-retention-policy.test.ts",
];
const lanes = [
    [{ name: "tests", command: `mocha ${CHILD_PROCESS_TESTS.map((f) => `--ignore ${f}`).join(" ")}`, stream: true }],
    [
        {
            name: "child-process tests",
            command: `mocha ${mochaFlags()} ${CHILD_PROCESS_TESTS.join(" ")}`,
            stream: true,
        },
        { name: "imports", command: scripts["lint:imports"] },
        { name: "format", command: scripts["lint:format"] },
    ],
    [{ name: "type check and lint", command: typeCheckAndLint }],
];
/** The order of the full report at the end. */
const REPORT_ORDER = ["type check and lint", "imports", "format", "child-process tests", "tests"];
const env = {
    ...process.env,
    PATH: [path.join(root, "node_modules", ".bin"), process.env.PATH].filter(Boolean).join(path.delimiter),
};

/**
 * .mocharc.json's options other than its spec, as command-line flags after --no-config: mocha adds the files named
 * on its command line to the config's spec instead of replacing it.
 */
function mochaFlags() {
    const config = JSON.parse(readFileSync(path.join(root, ".mocharc.json"), "utf8"));
    const flags = ["--no-config"];
    for (const [key, value] of Object.entries(config)) {
        if (key === "spec") continue;
        if (value === true || value === false) flags.push(value ? `--${key}` : `--no-${key}`);
        else for (const one of [value].flat()) flags.push(`--${key}`, JSON.stringify(String(one)));
    }
    return flags.join(" ");
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * CPU time (ms, user + system) of this process's children that have ended and been waited for, their own children
 * included (Linux: /proc/self/stat's cutime and cstime, in clock ticks of 10 ms); undefined elsewhere. Read as each
 * check exits, the increase since the previous read is that check's CPU time.
 */
const childrenCpuMs = () => {
    if (!existsSync("/proc/self/stat")) return undefined;
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
};
let cpuSeen = childrenCpuMs();
const cpuOf = () => {
    const now = childrenCpuMs();
    const used = now === undefined || cpuSeen === undefined ? undefined : now - cpuSeen;
    cpuSeen = now;
    return used;
};
const cpuNote = (ms) => (ms === undefined ? "" : `, CPU ${seconds(ms)}`);

/** Runs a command; with `stream`, each whole line of its stdout is also printed as it comes. */
function run({ name, command, stream = false }) {
    return new Promise((resolve) => {
        const started = Date.now();
        const child = spawn(command, { cwd: root, shell: true, stdio: ["ignore", "pipe", "pipe"], env });
        let cpuMs;
        child.on("exit", () => (cpuMs = cpuOf()));
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
            process.stdout.write(`── ${name}: ${code === 0 ? "ok" : "FAILED"} (${seconds(ms)}${cpuNote(cpuMs)})\n`);
            resolve({ name, code, output, stdout, ms, cpuMs });
        };
        child.on("error", (error) => done(1, `${error.message}\n`));
        child.on("close", (code, signal) => done(code ?? (signal ? 1 : 0), Buffer.concat(chunks).toString("utf8")));
    });
}

const timing = process.argv.includes("--timing");
const load = loadavg()[0].toFixed(2);
const timeTsc = async (when) => {
    const tsc = await run({
        name: `tsc --noEmit alone, ${when} the suite (for the ratio)`,
        command: "tsc --noEmit -p .",
    });
    if (tsc.code !== 0) process.stdout.write(tsc.output);
    return tsc;
};
const tscBefore = timing ? await timeTsc("before") : undefined;

const runLane = async (lane) => {
    const done = [];
    for (const check of lane) done.push(await run(check));
    return done;
};
const started = Date.now();
const results = (await Promise.all(lanes.map(runLane)))
    .flat()
    .sort((a, b) => REPORT_ORDER.indexOf(a.name) - REPORT_ORDER.indexOf(b.name));
const totalMs = Date.now() - started;
let failed = 0;
for (const result of results) {
    process.stdout.write(
        `\n── ${result.name} (${seconds(result.ms)}${cpuNote(result.cpuMs)}): ${result.code === 0 ? "ok" : "FAILED"}\n`,
    );
    process.stdout.write(result.output);
    if (result.code !== 0) failed++;
}
process.stdout.write(`\n${failed === 0 ? "all checks passed" : `${failed} check(s) failed`} in ${seconds(totalMs)}\n`);
const tscAfter = timing ? await timeTsc("after") : undefined;
if (tscBefore !== undefined && tscAfter !== undefined) {
    const ratio = (of, to) => `${(of / to).toFixed(1)} ×`;
    const mean = (tscBefore.ms + tscAfter.ms) / 2;
    process.stdout.write(
        `timing: suite ${seconds(totalMs)} = ${ratio(totalMs, mean)} tsc --noEmit alone (${seconds(mean)}, the mean of ` +
            `${seconds(tscBefore.ms)} before and ${seconds(tscAfter.ms)} after: ${ratio(totalMs, tscBefore.ms)} and ` +
            `${ratio(totalMs, tscAfter.ms)}); load average at start ${load} on this machine\n`,
    );
    const suiteCpuMs = results.reduce(
        (sum, r) => (sum === undefined || r.cpuMs === undefined ? undefined : sum + r.cpuMs),
        0,
    );
    if (suiteCpuMs !== undefined && tscBefore.cpuMs !== undefined && tscAfter.cpuMs !== undefined) {
        const meanCpu = (tscBefore.cpuMs + tscAfter.cpuMs) / 2;
        process.stdout.write(
            `timing: CPU time of the suite ${seconds(suiteCpuMs)} = ${ratio(suiteCpuMs, meanCpu)} tsc's ` +
                `(${seconds(meanCpu)}, the mean of ${seconds(tscBefore.cpuMs)} and ${seconds(tscAfter.cpuMs)})\n`,
        );
    }
}
// The tests' closing line ("N passed, N failed, N skipped", both mochas' counts added up) stays the last line a
// reader sees; a mocha that ended without one (it crashed) is named instead.
const counts = [0, 0, 0];
const missing = [];
for (const tests of results.filter((r) => r.name.endsWith("tests"))) {
    const closing = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(tests.stdout.trimEnd().split("\n").pop() ?? "");
    if (closing) closing.slice(1).forEach((n, i) => (counts[i] += Number(n)));
    else missing.push(tests.name);
}
const crashed = missing.length > 0 ? ` (${missing.join(" and ")}: no count, see above)` : "";
process.stdout.write(`${counts[0]} passed, ${counts[1]} failed, ${counts[2]} skipped${crashed}\n`);
process.exitCode = failed === 0 ? 0 : 1;

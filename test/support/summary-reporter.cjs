// Mocha's reporter for `npm test`: a progress line per finished test file while the suite runs, each failure as it
// happens, then the failures in full, the slowest tests (a single test over 20 s is a bug: see the README's
// developers' notes), and one plain closing line ("N passed, N failed, N skipped") that CI systems read.
"use strict";
const Mocha = require("mocha");

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
const SLOW_LIMIT_MS = 20_000;
const SLOWEST_SHOWN = 5;

class Progress extends Mocha.reporters.Base {
    constructor(runner, options) {
        super(runner, options);
        const started = Date.now();
        const tests = [];
        let current; // { file, passed, failed, pending, ms }
        let files = 0;
        const finishFile = () => {
            if (!current) return;
            files++;
            const counts = [`${current.passed} passed`];
            if (current.failed) counts.push(`${current.failed} FAILED`);
            if (current.pending) counts.push(`${current.pending} skipped`);
            const elapsed = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
            process.stdout.write(
                `${elapsed} s  file ${String(files).padStart(3)}  ${current.file}: ${counts.join(", ")} ` +
                    `(${(current.ms / 1000).toFixed(1)} s)\n`,
            );
            current = undefined;
        };
        const record = (test, outcome) => {
            const file = relative(test.file);
            if (current && current.file !== file) finishFile();
            current ??= { file, passed: 0, failed: 0, pending: 0, ms: 0 };
            current[outcome]++;
            current.ms += test.duration ?? 0;
            tests.push({ file, title: test.fullTitle(), ms: test.duration ?? 0 });
        };
        runner.on(EVENT_TEST_PASS, (test) => record(test, "passed"));
        runner.on(EVENT_TEST_PENDING, (test) => record(test, "pending"));
        runner.on(EVENT_TEST_FAIL, (test, error) => {
            // A failing hook has no file of its own to count under; it is reported in the epilogue.
            if (test.type === "test") record(test, "failed");
            process.stdout.write(`  FAILED: ${test.fullTitle()}: ${String(error?.message ?? error).split("\n")[0]}\n`);
        });
        runner.once(EVENT_RUN_END, () => {
            finishFile();
            this.epilogue();
            const slowest = tests.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST_SHOWN);
            process.stdout.write("slowest tests:\n");
            for (const t of slowest) {
                const flag = t.ms > SLOW_LIMIT_MS ? "  OVER 20 s" : "";
                process.stdout.write(`  ${(t.ms / 1000).toFixed(1).padStart(5)} s  ${t.file}: ${t.title}${flag}\n`);
            }
            const { passes, failures, pending } = runner.stats;
            process.stdout.write(`\n${passes} passed, ${failures} failed, ${pending} skipped\n`);
        });
    }
}

function relative(file) {
    return file ? require("node:path").relative(process.cwd(), file) : "(no file)";
}

module.exports = Progress;

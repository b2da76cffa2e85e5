import * as assert from "node:assert/strict";
import { runInProcess, runProcess } from "../../support/commands";

describe("npm run bench", function () {
    this.timeout(120_000);

    it("must report the size, verdicts, timings and throughput of a small synthetic export", async () => {
        const run = await runInProcess("bench", ["--resources", "60", "--runs", "1"]);
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /^synthetic export: \d+ resources, [\d.]+ MB of JSON/);
        assert.match(run.stdout, /\nverdicts: \d+ violations, \d+ not evaluated\n/);
        assert.match(run.stdout, /\nthroughput: [\d,]+ resources\/second\n$/);
    });

    it("must exit 2 naming the option when a count is not a positive integer", async () => {
        const run = await runInProcess("bench", ["--runs", "0"]);
        assert.equal(run.status, 2);
        assert.match(run.stderr, /^bench: error: --runs must be a positive integer, got "0"\nusage: npm run bench/);
    });

    it("as a process, must exit 2 with the error and the usage on stderr for an unknown option", () => {
        const run = runProcess("bench", ["--fast"]);
        assert.equal(run.status, 2);
        assert.equal(run.stdout, "");
        assert.match(run.stderr, /^bench: error: Unknown option '--fast'\nusage: npm run bench/);
    });
});

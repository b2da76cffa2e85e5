/**
 * The program under the Pulumi CLI's own TypeScript setup (test/support/pulumi-typescript-loader.cjs): one child
 * process loads and plans index.ts that way, type checking on, and the tests below read what it reports. The child
 * type-checks every file it loads with Pulumi's vendored ts-node, so it is run once and shared.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

interface Loaded {
    tsnode: string;
    typescript: string;
    typeCheck: boolean;
    types: string[];
}

/** Runs the loader for a stack and resolves to what it printed; rejects with its stderr when it fails. */
function loadUnderPulumiRuntime(stack: string): Promise<Loaded> {
    const loader = path.join(__dirname, "support", "pulumi-typescript-loader.cjs");
    const cache = mkdtempSync(path.join(tmpdir(), "pulumi-ts-node-"));
    return new Promise<Loaded>((resolve, reject) => {
        const child = spawn(process.execPath, [loader, stack, cache], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        child.on("error", reject);
        child.on("close", (code) => {
            if (code === 0) resolve(JSON.parse(stdout) as Loaded);
            else reject(new Error(`the loader exited ${code}:\n${stderr}`));
        });
    }).finally(() => rmSync(cache, { recursive: true, force: true }));
}

describe("the program under the Pulumi CLI's Node runtime", function () {
    this.timeout(120_000);
    let loaded: Loaded;
    before(async () => {
        loaded = await loadUnderPulumiRuntime("prod");
    });

    it("compiles with Pulumi's vendored ts-node, type checking on", () => {
        assert.match(loaded.tsnode, /vendor[\\/]ts-node@7\.0\.1$/);
        assert.equal(loaded.typeCheck, true);
    });

    it("uses the project's TypeScript, not the CLI's vendored 3.8 fallback", () => {
        assert.match(loaded.typescript, /^5\./);
    });

    it("loads index.ts and plans the stack", () => {
        assert.ok(loaded.types.includes("aws:ec2/vpc:Vpc"));
        assert.ok(loaded.types.length > 20);
    });
});

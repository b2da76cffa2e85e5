/**
 * The program under the Pulumi CLI's own TypeScript setup (test/support/pulumi-typescript-loader.cjs registers
 * Pulumi's vendored ts-node with the project's TypeScript as the CLI does), in two child processes:
 *
 * - type checking on (the CLI's default) over the ground floor, components/vocabulary: the project's tsconfig is
 *   accepted by ts-node 7 with TypeScript 5.9, files are type-checked and emitted through its language service, and
 *   the emitted code runs;
 * - the whole program, index.ts planned for a fixture stack, with the CLI's PULUMI_NODEJS_TRANSPILE_ONLY=true.
 *
 * Type-checking the whole program under ts-node costs as much as another `tsc --noEmit` (ts-node's per-file
 * language service over every file it loads), and finds nothing that the type check of `npm test` does not: the same
 * TypeScript with the same tsconfig.json. So the type-checked load covers a small part, and the whole program is
 * loaded transpiled.
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
    partition?: string;
    types?: string[];
}

/** Runs the loader and resolves to what it printed; rejects with its stderr when it fails. */
function loadUnderPulumiRuntime(what: string, env: NodeJS.ProcessEnv = {}): Promise<Loaded> {
    const loader = path.join(__dirname, "support", "pulumi-typescript-loader.cjs");
    const cache = mkdtempSync(path.join(tmpdir(), "pulumi-ts-node-"));
    const childEnv = { ...process.env, ...env };
    return new Promise<Loaded>((resolve, reject) => {
        const child = spawn(process.execPath, [loader, cache, what], {
            stdio: ["ignore", "pipe", "pipe"],
            env: childEnv,
        });
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

    describe("type checking on (the CLI's default), over components/vocabulary", () => {
        let loaded: Loaded;
        before(async () => {
            loaded = await loadUnderPulumiRuntime("vocabulary", { PULUMI_NODEJS_TRANSPILE_ONLY: "" });
        });

        it("compiles with Pulumi's vendored ts-node, type checking on", () => {
            assert.match(loaded.tsnode, /vendor[\\/]ts-node@7\.0\.1$/);
            assert.equal(loaded.typeCheck, true);
        });

        it("uses the project's TypeScript, not the CLI's vendored 3.8 fallback", () => {
            assert.match(loaded.typescript, /^5\./);
        });

        it("runs what it emitted", () => {
            assert.equal(loaded.partition, "aws-us-gov");
        });
    });

    describe("the whole program (PULUMI_NODEJS_TRANSPILE_ONLY=true)", () => {
        it("loads index.ts and plans the stack", async () => {
            const loaded = await loadUnderPulumiRuntime("prod", { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
            assert.equal(loaded.typeCheck, false);
            assert.ok(loaded.types?.includes("aws:ec2/vpc:Vpc"));
            assert.ok((loaded.types?.length ?? 0) > 20);
        });
    });
});

import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

describe("the program under the Pulumi CLI's Node runtime", () => {
    it("loads index.ts through Pulumi's TypeScript setup (vendored ts-node, type checking on, our tsconfig)", function () {
        this.timeout(120_000);
        const loader = path.join(__dirname, "support", "pulumi-typescript-loader.cjs");
        const result = spawnSync(process.execPath, [loader, "prod"], { encoding: "utf8", timeout: 110_000 });
        assert.equal(result.status, 0, result.stderr);
        const loaded = JSON.parse(result.stdout) as { tsnode: string; typescript: string; types: string[] };
        // The CLI falls back to its vendored TypeScript 3.8 when the project has none; ours must be the one used.
        assert.match(loaded.tsnode, /vendor[\\/]ts-node@7\.0\.1$/);
        assert.match(loaded.typescript, /^5\./);
        assert.ok(loaded.types.includes("aws:ec2/vpc:Vpc"));
        assert.ok(loaded.types.length > 20);
    });
});

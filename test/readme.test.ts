/**
 * The README is what a new user reads first: its two opening commands exist, and its configuration table names
 * every key Pulumi.yaml declares (and nothing else), so a new setting cannot ship undocumented.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../tools/plan/plan";

const readme = readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");

describe("README", () => {
    it("opens with the offline plan of dev and the test command, both npm scripts that exist", () => {
        const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
        assert.deepEqual(firstBlock.trim().split("\n"), ["npm ci && npm run plan -- --stack dev", "npm test"]);
        const scripts = (
            JSON.parse(readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as {
                scripts: Record<string, string>;
            }
        ).scripts;
        assert.ok(scripts.plan && scripts.test);
    });

    it("documents every configuration key Pulumi.yaml declares, and no key it does not", () => {
        const declared = Object.keys(
            (parse(readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> })
                .config,
        );
        const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Using the platform"));
        const documented = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
        const objectKeys = ["aws:region", "aws:allowedAccountIds", "teams", "tags"];
        assert.deepEqual(documented.filter((k) => !objectKeys.includes(k)).sort(), [...declared].sort());
    });
});

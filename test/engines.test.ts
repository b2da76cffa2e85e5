/**
 * The Node.js versions the project says it runs on (package.json `engines`, the README, the workflows) are the ones
 * its dependencies say they run on: a range wider than a dependency's would promise what npm warns against.
 */
import * as assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import * as semver from "semver";
import { parse } from "yaml";
import { PROJECT_DIR } from "../tools/plan/plan";

const read = (file: string) => readFileSync(path.join(PROJECT_DIR, file), "utf8");
const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;

interface LockedPackage {
    dev?: boolean;
    engines?: { node?: string } | string[];
}
const locked = Object.entries(
    (JSON.parse(read("package-lock.json")) as { packages: Record<string, LockedPackage> }).packages,
).filter(([where]) => where !== "");

/**
 * Test-only packages that declare a narrower range than the project's, each with why that is acceptable: they run
 * only in `npm test`, which CI runs on Node 20 (so a break would show there), never under `pulumi up`.
 */
const TEST_ONLY_EXCEPTIONS = /(^|\/)(kubernetes-models|@kubernetes-models\/[\w-]+)$/;

describe("supported Node.js versions", () => {
    it("package.json's engines range is within every dependency's own (test-only exceptions named)", () => {
        assert.ok(semver.validRange(engines), engines);
        const checked = locked.filter(([, pkg]) => typeof (pkg.engines as { node?: string })?.node === "string");
        assert.ok(checked.length > 50, "the lockfile lists the engines of the dependencies");
        const narrower = checked
            .filter(
                ([where, pkg]) =>
                    !(pkg.dev === true && TEST_ONLY_EXCEPTIONS.test(where.replace(/^.*node_modules\//, ""))),
            )
            .filter(([, pkg]) => {
                const theirs = (pkg.engines as { node: string }).node;
                return semver.validRange(theirs) !== null && !semver.subset(engines, theirs);
            })
            .map(([where, pkg]) => `${where}: ${(pkg.engines as { node: string }).node}`);
        assert.deepEqual(narrower, [], `engines.node "${engines}" admits versions these do not`);
    });

    it("the README names the same range, and the workflows run a Node.js inside it", () => {
        const said = /Node\.js (\d+)\.(\d+) or a later \1, (\d+)\.(\d+) or a later\s+\3, or (\d+) and later/.exec(
            read("README.md"),
        );
        assert.ok(said, "the README says which Node.js versions it needs");
        assert.equal(`^${said[1]}.${said[2]}.0 || ^${said[3]}.${said[4]}.0 || >=${said[5]}.0.0`, engines);
        const workflows = path.join(PROJECT_DIR, ".github", "workflows");
        const versions = readdirSync(workflows)
            .flatMap((f) => [...readFileSync(path.join(workflows, f), "utf8").matchAll(/node-version: (.+)/g)])
            .map((m) => String(parse(m[1])));
        assert.ok(versions.length > 0);
        for (const v of versions) assert.ok(semver.intersects(v, engines), `node-version ${v} is outside ${engines}`);
    });
});

/**
 * The pack relies on @pulumi/policy 1.21.0 internals that are exported at runtime but not typed: the analyzer RPC
 * handlers, the unknown-value proxy and sentinels. These tests fail loudly if an SDK upgrade moves them.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { base36 } from "../../policies/irsa-scoped-roles/base36";
import {
    isUnknownValueError,
    NotEvaluableError,
    unknownCheckingProxy,
    unknownStringValue,
} from "../../policies/lib/sdk";
import { PACK_ENFORCEMENT_LEVEL, PACK_POLICIES } from "../../policies/pack";

const ROOT = path.resolve(__dirname, "..", "..");

describe("policy pack plumbing", () => {
    it("finds the analyzer handlers the offline check drives", () => {
        const server = require("@pulumi/policy/server") as Record<string, unknown>;
        assert.equal(typeof server.makeAnalyzeRpcFun, "function");
        assert.equal(typeof server.makeAnalyzeStackRpcFun, "function");
    });

    it("throws the SDK's UnknownValueError through the proxy, and NotEvaluableError is one", () => {
        const props = unknownCheckingProxy({ assumeRolePolicy: unknownStringValue });
        assert.throws(
            () => props.assumeRolePolicy,
            (e: unknown) =>
                isUnknownValueError(e) &&
                e.message === "string value at .assumeRolePolicy can't be known during preview",
        );
        const error = new NotEvaluableError("why");
        assert.ok(isUnknownValueError(error));
        assert.equal(error.message, "why");
    });

    it("keeps the three policies mandatory by default, with kebab-case names and a config schema", () => {
        assert.equal(PACK_ENFORCEMENT_LEVEL, "mandatory");
        assert.deepEqual(
            PACK_POLICIES.map((p) => p.name),
            ["single-az-node-pools", "non-root-pods", "irsa-scoped-roles"],
        );
        for (const policy of PACK_POLICIES) {
            assert.equal(policy.enforcementLevel, undefined, `${policy.name} must take the pack's level`);
            assert.ok(policy.description.length > 0 && !policy.description.includes("\n"));
            assert.ok(policy.configSchema?.properties, `${policy.name} has a config schema`);
        }
    });

    it("ships a pack manifest pinned to the repository's SDK versions", () => {
        const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "package.json"), "utf8"));
        const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        for (const dep of ["@pulumi/policy", "@pulumi/pulumi", "yaml"])
            assert.equal(pack.dependencies[dep], root.dependencies[dep], dep);
        assert.match(fs.readFileSync(path.join(ROOT, "policies", "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
    });

    it("keeps policies free of program and test imports, and index.ts the only PolicyPack", () => {
        const files = fs
            .readdirSync(path.join(ROOT, "policies"), { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".ts"));
        for (const file of files) {
            const text = fs.readFileSync(path.join(ROOT, "policies", file), "utf8");
            assert.doesNotMatch(text, /from "\.\.\/(\.\.\/)*(components|test|index)\b/, file);
            if (file !== "index.ts") assert.doesNotMatch(text, /new PolicyPack\(/, file);
        }
    });

    it("encodes role names in base36 as the AWS CLI does", () => {
        assert.equal(base36("emr-data-team-a"), "ued72w4tryiupgvsx3ewuox");
        assert.equal(base36("spark-dev-emr-exec"), "9llejrtts23j51ds6pams1oilysj");
        assert.equal(base36("myBlueprintExecRole"), "1sqkeeok2lu4eibkzrihz80gatcbxh");
        assert.equal(base36(""), "0");
    });
});

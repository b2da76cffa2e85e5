/**
 * The shipped stacks, planned offline under mocks (tools/plan/plan.ts), pass the pack with their shipped policy
 * config — with either node autoscaler, since each stack file picks one (dev: Karpenter, prod: Cluster Autoscaler).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { planStack } from "../../tools/plan/plan";
import { evaluateStackExport } from "../../tools/policy-check/evaluate";

const CONFIG_DIR = path.resolve(__dirname, "..", "..", "policies", "config");

describe("shipped stacks under the policy pack", function () {
    this.timeout(120_000);
    for (const stack of ["dev", "prod"]) {
        for (const autoscaler of ["karpenter", "cluster-autoscaler"]) {
            it(`${stack} with ${autoscaler}: no violation and nothing left unevaluated with policies/config/${stack}.json`, async () => {
                const plan = await planStack({ stack, configOverrides: { autoscaler } });
                const config: unknown = JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${stack}.json`), "utf8"));
                assert.deepEqual(await evaluateStackExport(plan.stackExport, config), { violations: [], notEvaluated: [] });
            });
        }
    }

    it("catches the multi-AZ system pool when the config does not exempt it", async () => {
        const plan = await planStack({ stack: "dev" });
        const verdicts = await evaluateStackExport(plan.stackExport);
        assert.deepEqual(verdicts.violations.map((v) => [v.policy, v.enforcementLevel]), [["single-az-node-pools", "mandatory"]]);
        assert.match(verdicts.violations[0].message, /^EKS node group 'spark-dev-system' spans 2 availability zones/);
    });
});

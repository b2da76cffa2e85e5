/**
 * The one test of the shipped stack files (Pulumi.dev.yaml, Pulumi.prod.yaml), which users fill with their own
 * account, roles and networks: whatever values they hold, each must parse, plan offline under mocks with the node
 * autoscaler it names (the fixture stacks cover both autoscalers of both stacks), and pass the policy pack with its shipped policy config (policies/config/<stack>.json) with no
 * mandatory violation. No assertion here depends on the values in those files.
 */
import * as assert from "node:assert/strict";
import { readJsonFile, stackPolicyConfigFile } from "../tools/cli";
import { listStacks } from "../tools/plan/stack-config";
import { PROJECT_DIR, planStack } from "../tools/plan/plan";
import { evaluateStackExport } from "../tools/policy-eval/evaluate";

describe("shipped stack files", function () {
    this.timeout(120_000);

    it("must include dev and prod, each with a shipped policy config", () => {
        for (const stack of ["dev", "prod"]) {
            assert.ok(listStacks(PROJECT_DIR).includes(stack), `no Pulumi.${stack}.yaml`);
            assert.ok(stackPolicyConfigFile(stack), `no policies/config/${stack}.json`);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack} must plan and pass the pack with no mandatory violation`, async () => {
            const plan = await planStack({ stack });
            assert.ok(plan.stackExport.deployment.resources.some((r) => r.type === "eks:index:Cluster"));
            const configFile = stackPolicyConfigFile(stack);
            const config = configFile === undefined ? undefined : readJsonFile(configFile, "policy config");
            const verdicts = await evaluateStackExport(plan.stackExport, config);
            const mandatory = verdicts.violations.filter((v) => v.enforcementLevel === "mandatory");
            assert.deepEqual(
                mandatory.map((v) => `${v.policy}: ${v.message}`),
                [],
            );
        });
    }
});

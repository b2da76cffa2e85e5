/**
 * The Spark components added to the fixture stacks (dev and prod, both autoscaler modes) keep the policy pack at
 * zero violations. Until index.ts wires them, the stack's plan and the components' plan (same project, stack,
 * region, teams, zones and release) are joined into one export, which the pack judges as a whole.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseSettings } from "../../../components/settings";
import type { StackExport } from "../../../tools/stack-export";
import { evaluateStackExport } from "../../../tools/policy-check/evaluate";
import { fixtureStackConfig } from "../../support/fixture-stacks";
import { MODES, STACKS, planOf } from "../cluster/plan-fixtures";
import { planSpark } from "./spark-plan";

const CONFIG_DIR = path.resolve(__dirname, "..", "..", "..", "policies", "config");

describe("fixture stacks with the Spark components, under the policy pack", function () {
    this.timeout(180_000);
    for (const stack of STACKS) {
        for (const mode of MODES) {
            it(`${stack} with ${mode}: no violation and nothing left unevaluated`, async () => {
                const settings = parseSettings(fixtureStackConfig(stack), "spark-platform", stack);
                const platform = await planOf(stack, mode);
                const spark = await planSpark({
                    project: "spark-platform",
                    stack,
                    region: settings.aws.region,
                    accountId: settings.aws.allowedAccountIds[0],
                    teams: [...settings.teams],
                    zones: [...settings.spark.zones],
                    emrReleaseLabel: settings.spark.emrRelease.label,
                });
                const sparkExport = spark.stackExport as StackExport;
                const seen = new Set(platform.stackExport.deployment.resources.map((r) => r.urn));
                const added = sparkExport.deployment.resources.filter((r) => !seen.has(r.urn));
                assert.ok(added.some((r) => r.type === "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication"));
                const joined: StackExport = {
                    ...platform.stackExport,
                    deployment: {
                        ...platform.stackExport.deployment,
                        resources: [...platform.stackExport.deployment.resources, ...added],
                    },
                };
                const config: unknown = JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${stack}.json`), "utf8"));
                assert.deepEqual(await evaluateStackExport(joined, config), { violations: [], notEvaluated: [] });
            });
        }
    }
});

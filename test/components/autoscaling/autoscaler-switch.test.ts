/**
 * Properties that must hold whichever autoscaler a stack picks: both modes plan for both stacks, every Spark pool
 * lives in exactly one zone, the system node group is the only multi-zone pool, and switching autoscaler changes
 * nothing outside the autoscaler component.
 */
import * as assert from "node:assert/strict";
import { ZONE_LABEL, buildPoolContract } from "../../../components/vocabulary";
import type { PlanResult } from "../../../tools/plan/plan";
import {
    AUTOSCALER_COMPONENTS,
    MODES,
    STACKS,
    allPlans,
    belongsToAutoscaler,
    planOf,
    subnetZones,
} from "../../support/plan-fixtures";
import { ofType } from "../../support/plan-queries";

/** Every node pool in a plan (NodePools and node groups) with the zones it may place nodes in. */
function poolZones(plan: PlanResult): Map<string, Set<string>> {
    const pools = new Map<string, Set<string>>();
    for (const np of ofType(plan, "kubernetes:karpenter.sh/v1:NodePool")) {
        const spec = np.inputs.spec as {
            template: { spec: { requirements: { key: string; operator: string; values?: string[] }[] } };
        };
        const zones = spec.template.spec.requirements
            .filter((r) => r.key === ZONE_LABEL && r.operator === "In")
            .flatMap((r) => r.values ?? []);
        pools.set((np.inputs.metadata as { name: string }).name, new Set(zones.length > 0 ? zones : ["<any zone>"]));
    }
    const subnets = subnetZones(plan);
    for (const ng of ofType(plan, "aws:eks/nodeGroup:NodeGroup")) {
        pools.set(
            String(ng.inputs.nodeGroupName),
            new Set((ng.inputs.subnetIds as string[]).map((s) => subnets.get(s) ?? `<unknown subnet ${s}>`)),
        );
    }
    return pools;
}

/** Resources of the metrics pipeline that watch the autoscaler, by URN suffix, and the inputs that name it. */
const AUTOSCALER_WATCHERS: [string, string[]][] = [
    ["aws:amp/scraper:Scraper::spark-metrics-collector", ["scrapeConfiguration"]],
    ["aws:amp/ruleGroupNamespace:RuleGroupNamespace::spark-metrics-rules", ["data"]],
    [
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::spark-metrics-from-collector-autoscaler",
        ["fromPort", "toPort", "description"],
    ],
    [
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::spark-metrics-to-autoscaler",
        ["fromPort", "toPort", "description"],
    ],
];

describe("switching autoscaler", () => {
    for (const stack of STACKS) {
        for (const mode of MODES) {
            it(`plans ${stack} with ${mode}, creating that autoscaler and not the other`, async () => {
                const plan = await planOf(stack, mode);
                const present = AUTOSCALER_COMPONENTS.filter((t) => ofType(plan, t).length > 0);
                assert.deepEqual(present, [
                    mode === "karpenter" ? "spark:autoscaling:Karpenter" : "spark:autoscaling:ClusterAutoscaler",
                ]);
                assert.equal(plan.outputs.autoscaler, mode);
            });
        }
    }

    it("gives every Spark pool exactly one zone, its own, in both modes", async () => {
        for (const { stack, mode, plan } of await allPlans()) {
            const pools = poolZones(plan);
            for (const pool of buildPoolContract(plan.outputs.sparkZones as string[]).pools) {
                const name = mode === "karpenter" ? pool.name : `spark-${stack}-${pool.role}-${pool.zone}`;
                assert.deepEqual([...(pools.get(name) ?? [])], [pool.zone], `${stack}/${mode} ${name}`);
            }
        }
    });

    it("leaves the system node group as the only pool spanning several zones", async () => {
        for (const { stack, mode, plan } of await allPlans()) {
            const multiZone = [...poolZones(plan)].filter(([, zones]) => zones.size !== 1).map(([name]) => name);
            assert.deepEqual(multiZone, [`spark-${stack}-system`], `${stack}/${mode}`);
        }
    });

    for (const stack of STACKS) {
        it(`changes no input of any resource outside the autoscaler (${stack}, compared by URN)`, async () => {
            const [karpenter, ca] = await Promise.all(MODES.map((m) => planOf(stack, m)));
            const outside = (plan: PlanResult) =>
                new Map(plan.resources.filter((r) => !belongsToAutoscaler(plan, r)).map((r) => [r.urn, r]));
            const a = outside(karpenter);
            const b = outside(ca);
            assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
            assert.ok(a.size > 40, `${a.size} resources compared`);
            for (const [urn, r] of a) {
                // Kubecost's spot-share report reads the capacity-type label, which each autoscaler names its own
                // way; only its values differ, and only in that label.
                if (urn.endsWith("spark:cost:Kubecost$kubernetes:helm.sh/v4:Chart::kubecost")) {
                    const label = (inputs: unknown) =>
                        JSON.stringify(inputs)
                            .replace(/karpenter_sh_capacity_type|eks_amazonaws_com_capacityType/g, "CAPACITY_TYPE")
                            .replace(
                                /karpenter\.sh\/capacity-type|eks\.amazonaws\.com\/capacityType/g,
                                "CAPACITY_TYPE",
                            );
                    assert.equal(label(b.get(urn)!.serializedInputs), label(r.serializedInputs), urn);
                    assert.notDeepEqual(b.get(urn)!.serializedInputs, r.serializedInputs, urn);
                    continue;
                }
                // The metrics collector scrapes the autoscaler and its rules watch it: only what names it differs.
                const watching = AUTOSCALER_WATCHERS.find(([suffix]) => urn.endsWith(suffix));
                if (watching) {
                    const rest = (inputs: Record<string, unknown>) =>
                        Object.fromEntries(Object.entries(inputs).filter(([k]) => !watching[1].includes(k)));
                    assert.deepEqual(rest(b.get(urn)!.inputs), rest(r.inputs), urn);
                    assert.notDeepEqual(b.get(urn)!.inputs, r.inputs, urn);
                    continue;
                }
                assert.deepEqual(b.get(urn)!.serializedInputs, r.serializedInputs, urn);
                assert.deepEqual([...b.get(urn)!.dependencies].sort(), [...r.dependencies].sort(), urn);
            }
        });

        it(`exports the same Spark pool contract with either autoscaler (${stack})`, async () => {
            const [karpenter, ca] = await Promise.all(MODES.map((m) => planOf(stack, m)));
            assert.deepEqual(ca.outputs.sparkPools, karpenter.outputs.sparkPools);
            const { autoscaler: _k, ...restK } = karpenter.outputs;
            const { autoscaler: _c, ...restC } = ca.outputs;
            assert.deepEqual(restC, restK, "only the autoscaler output differs");
        });
    }
});

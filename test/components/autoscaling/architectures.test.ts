/**
 * Graviton pools: the fixture stack planned with each architecture choice ([amd64], [arm64], [arm64, amd64]) under
 * both autoscalers. Karpenter keeps one NodePool per pool whose arch requirement lists the pool's architectures;
 * Cluster Autoscaler gets one node group per pool and architecture with the AL2023 AMI type of that architecture,
 * and the priority expander prefers the first architecture's group.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { autoScalingGroupPattern } from "../../../components/autoscaling/cluster-autoscaler";
import { ARCH_LABEL, type Architecture, INSTANCE_FAMILIES } from "../../../components/vocabulary";
import type { CapturedResource } from "../../../tools/plan/capture";
import type { PlanResult } from "../../../tools/plan/plan";
import { packVerdicts } from "../../../tools/policy-eval/evaluate";
import { planFixture } from "../../support/fixture-stacks";
import { nonEmpty } from "../../support/non-empty";
import { ofType, one } from "../../support/plan-queries";
import { withoutSecretWrappers } from "../../support/secrets";
import { type Mode, MODES } from "../../support/plan-fixtures";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const ASG_TAG = "aws:autoscaling/tag:Tag";

type Choice = "amd64" | "arm64" | "arm64,amd64";
const CHOICES: readonly Choice[] = ["amd64", "arm64", "arm64,amd64"];

/** Config of each choice on the dev fixture: Spark pools (and, for arm64 alone, the system nodes) on it. */
const OVERRIDES: Readonly<Record<Choice, Record<string, unknown>>> = {
    amd64: {},
    arm64: {
        systemNodeArchitectures: ["arm64"],
        systemNodeInstanceTypes: ["m7g.large", "m6g.large"],
        sparkDriverArchitectures: ["arm64"],
        sparkDriverInstanceFamilies: ["m7g", "m6g"],
        sparkExecutorArchitectures: ["arm64"],
        sparkExecutorInstanceFamilies: ["r7gd", "r6gd"],
    },
    "arm64,amd64": {
        sparkDriverArchitectures: ["arm64", "amd64"],
        sparkDriverInstanceFamilies: ["m7g", "m7i"],
        sparkExecutorArchitectures: ["arm64", "amd64"],
        sparkExecutorInstanceFamilies: ["r8gd", "r7gd", "r6id"],
    },
};
const architecturesOf = (choice: Choice) => choice.split(",") as Architecture[];

function planWith(choice: Choice, mode: Mode): Promise<PlanResult> {
    return planFixture({ stack: "dev", configOverrides: { autoscaler: mode, ...OVERRIDES[choice] } });
}

interface Requirement {
    key: string;
    operator: string;
    values?: string[];
}
const requirements = (np: CapturedResource) =>
    (np.inputs.spec as { template: { spec: { requirements: Requirement[] } } }).template.spec.requirements;
const valuesOf = (np: CapturedResource, key: string) => requirements(np).find((r) => r.key === key)?.values;
const archOfFamily = (family: string) => INSTANCE_FAMILIES[family].architecture;

describe("Spark pools by architecture", () => {
    const plans = new Map<string, PlanResult>();
    before(async () => {
        for (const choice of CHOICES)
            for (const mode of MODES) plans.set(`${choice}/${mode}`, await planWith(choice, mode));
    });
    const planOf = (choice: Choice, mode: Mode) => plans.get(`${choice}/${mode}`)!;

    describe("Karpenter", () => {
        for (const choice of CHOICES) {
            it(`[${choice}]: one NodePool per pool, requiring exactly the pool's architectures and families of them`, () => {
                const pools = nonEmpty(ofType(planOf(choice, "karpenter"), NODE_POOL), "NodePool");
                assert.deepEqual(
                    pools.map((np) => (np.inputs.metadata as { name: string }).name).sort(),
                    ["spark-driver-us-west-2a", "spark-executor-us-west-2a"],
                    "the pool names, and so the NodePools, stay what they were",
                );
                for (const np of pools) {
                    assert.deepEqual(valuesOf(np, ARCH_LABEL), architecturesOf(choice));
                    const families = valuesOf(np, "karpenter.k8s.aws/instance-family")!;
                    assert.deepEqual(
                        [...new Set(families.map(archOfFamily))].sort(),
                        [...architecturesOf(choice)].sort(),
                    );
                    assert.deepEqual(valuesOf(np, "topology.kubernetes.io/zone"), ["us-west-2a"], "still one zone");
                }
            });

            it(`[${choice}]: NodePools validate against Karpenter's v1 schema`, async () => {
                // ESM-only subpath of @kubernetes-models/karpenter: imported, not required.
                const { NodePool } = await import("@kubernetes-models/karpenter/karpenter.sh/v1/NodePool");
                for (const np of nonEmpty(ofType(planOf(choice, "karpenter"), NODE_POOL), `${choice} NodePool`)) {
                    assert.doesNotThrow(() => new NodePool(withoutSecretWrappers(np.inputs) as never).validate());
                }
            });
        }

        it("shares one EC2NodeClass whose dated al2023 alias resolves an AMI for each architecture", () => {
            const [amd, both] = (["amd64", "arm64,amd64"] as const).map(
                (c) => one(planOf(c, "karpenter"), "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").inputs.spec,
            );
            // Karpenter resolves `al2023@<version>` through the SSM parameters of both x86_64 and arm64
            // (karpenter-provider-aws pkg/providers/amifamily/al2023.go), so nothing changes in the class.
            assert.deepEqual(both, amd);
            assert.deepEqual((both as { amiSelectorTerms: unknown }).amiSelectorTerms, [{ alias: "al2023@v20260903" }]);
        });
    });

    describe("Cluster Autoscaler", () => {
        const sparkGroups = (plan: PlanResult) =>
            nonEmpty(
                ofType(plan, NODE_GROUP).filter((g) => g.name.startsWith("cluster-autoscaler-spark-")),
                "Spark node group",
            );

        for (const choice of CHOICES) {
            it(`[${choice}]: one node group per pool and architecture, with that architecture's AMI type and families`, () => {
                const groups = sparkGroups(planOf(choice, "cluster-autoscaler"));
                const expected = ["driver", "executor"].flatMap((role) =>
                    architecturesOf(choice).map((a) => `spark-dev-${role}-us-west-2a${a === "amd64" ? "" : `-${a}`}`),
                );
                assert.deepEqual(groups.map((g) => g.inputs.nodeGroupName).sort(), expected.sort());
                for (const g of groups) {
                    const arch: Architecture = String(g.inputs.nodeGroupName).endsWith("-arm64") ? "arm64" : "amd64";
                    assert.equal(
                        g.inputs.amiType,
                        arch === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
                    );
                    const types = g.inputs.instanceTypes as string[];
                    assert.ok(types.length > 0);
                    for (const t of types) assert.equal(archOfFamily(t.split(".")[0]), arch, `${g.name}: ${t}`);
                }
            });
        }

        it("tells the autoscaler an arm64 group's architecture for scale from zero", () => {
            const plan = planOf("arm64,amd64", "cluster-autoscaler");
            const archTags = ofType(plan, ASG_TAG)
                .map((t) => ({ name: t.name, tag: t.inputs.tag as { key: string; value: string } }))
                .filter((t) => t.tag.key === `k8s.io/cluster-autoscaler/node-template/label/${ARCH_LABEL}`);
            assert.deepEqual(archTags.map((t) => [t.name.replace(/-label-.*$/, ""), t.tag.value]).sort(), [
                ["cluster-autoscaler-spark-driver-us-west-2a-arm64", "arm64"],
                ["cluster-autoscaler-spark-executor-us-west-2a-arm64", "arm64"],
            ]);
        });

        it("prefers the arm64 groups of a two-architecture pool through the priority expander, and only then", () => {
            const valuesOfChart = (choice: Choice) =>
                one(planOf(choice, "cluster-autoscaler"), "kubernetes:helm.sh/v4:Chart", "cluster-autoscaler").inputs
                    .values as { extraArgs: Record<string, unknown>; expanderPriorities?: Record<string, string[]> };
            for (const choice of ["amd64", "arm64"] as const) {
                assert.equal(valuesOfChart(choice).extraArgs.expander, "least-waste", choice);
                assert.equal(valuesOfChart(choice).expanderPriorities, undefined, choice);
            }
            const both = valuesOfChart("arm64,amd64");
            assert.equal(both.extraArgs.expander, "priority,least-waste");
            const priorities = both.expanderPriorities!;
            assert.deepEqual(priorities["10"], [".*"]);
            const preferred = priorities["50"].map((p) => new RegExp(p));
            // EKS names a managed node group's Auto Scaling group eks-<node group name>-<node group UUID>.
            const asg = (nodeGroup: string) => `eks-${nodeGroup}-4ec7a1b2-1c3d-4e5f-8a9b-0c1d2e3f4a5b`;
            for (const name of ["spark-dev-driver-us-west-2a-arm64", "spark-dev-executor-us-west-2a-arm64"])
                assert.ok(
                    preferred.some((p) => p.test(asg(name))),
                    name,
                );
            for (const name of ["spark-dev-driver-us-west-2a", "spark-dev-executor-us-west-2a", "spark-dev-system"])
                assert.ok(!preferred.some((p) => p.test(asg(name))), name);
        });

        it("escapes a node group name in its Auto Scaling group pattern", () => {
            assert.ok(!new RegExp(autoScalingGroupPattern("a.b")).test("eks-axb-4ec7a1b2-1c3d-4e5f-8a9b-0c1d2e3f4a5b"));
        });
    });

    describe("the policy pack", () => {
        const devPolicyConfig = JSON.parse(
            readFileSync(path.resolve(__dirname, "..", "..", "..", "policies", "config", "dev.json"), "utf8"),
        ) as unknown;
        for (const choice of CHOICES.filter((c) => c !== "amd64")) {
            for (const mode of MODES) {
                it(`finds no violation in the [${choice}] plan with ${mode}: every arm64 pool stays in one zone`, async () => {
                    assert.deepEqual(await packVerdicts(planOf(choice, mode).stackExport, devPolicyConfig), {
                        violations: [],
                        notEvaluated: [],
                    });
                });
            }
        }
    });

    describe("system nodes", () => {
        for (const mode of MODES) {
            it(`boot the AL2023 AMI of their architecture (${mode})`, () => {
                const system = (choice: Choice) =>
                    ofType(planOf(choice, mode), NODE_GROUP).find(
                        (g) => g.inputs.nodeGroupName === "spark-dev-system",
                    )!;
                assert.equal(system("amd64").inputs.amiType, "AL2023_x86_64_STANDARD");
                assert.equal(system("arm64").inputs.amiType, "AL2023_ARM_64_STANDARD");
                assert.deepEqual(system("arm64").inputs.instanceTypes, ["m7g.large", "m6g.large"]);
            });
        }
    });
});

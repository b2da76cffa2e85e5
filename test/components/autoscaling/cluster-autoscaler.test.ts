import * as assert from "node:assert/strict";
import { buildPoolContract } from "../../../components/vocabulary";
import { chartSupportProblem, kubernetesRangeIncludes, readChartPin } from "../../../components/charts";
import {
    CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
    clusterAutoscalerPolicy,
    maxNodes,
    nodeTemplateTags,
} from "../../../components/autoscaling/cluster-autoscaler";
import type { CapturedResource } from "../../../tools/plan/capture";
import type { PlanResult } from "../../../tools/plan/plan";
import { STACKS, planOf, subnetZones } from "../../support/plan-fixtures";
import { jsonInput, ofType, one } from "../../support/plan-queries";
import { nonEmpty } from "../../support/non-empty";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const isSpark = (r: CapturedResource) => r.name.startsWith("cluster-autoscaler-spark-");

describe("Cluster Autoscaler", () => {
    const plans: Record<string, PlanResult> = {};
    before(async () => {
        for (const stack of STACKS) plans[stack] = await planOf(stack, "cluster-autoscaler");
    });
    const groups = (stack: string) =>
        nonEmpty(ofType(plans[stack], NODE_GROUP).filter(isSpark), `${stack} Spark node group`);
    const contractOf = (stack: string) => buildPoolContract(plans[stack].outputs.sparkZones as string[]);
    const groupOf = (stack: string, pool: string) =>
        groups(stack).find((g) => g.name === `cluster-autoscaler-${pool}`)!;

    describe("Spark node groups", () => {
        it("exist per Spark zone: an on-demand driver group and a spot executor group", () => {
            for (const stack of STACKS) {
                const contract = contractOf(stack);
                assert.equal(groups(stack).length, contract.pools.length);
                for (const pool of contract.pools) {
                    const g = groupOf(stack, pool.name);
                    assert.ok(g, `${stack}: node group for ${pool.name}`);
                    assert.equal(g.inputs.capacityType, pool.role === "driver" ? "ON_DEMAND" : "SPOT");
                    assert.equal(g.inputs.nodeGroupName, `spark-${stack}-${pool.role}-${pool.zone}`);
                }
            }
        });

        it("each sit in the single private subnet of their zone", () => {
            for (const stack of STACKS) {
                const zones = subnetZones(plans[stack]);
                for (const pool of contractOf(stack).pools) {
                    const subnets = groupOf(stack, pool.name).inputs.subnetIds as string[];
                    assert.equal(subnets.length, 1, pool.name);
                    assert.deepEqual(
                        subnets.map((s) => zones.get(s)),
                        [pool.zone],
                        `${pool.name} resolves to its zone through the captured subnets`,
                    );
                }
            }
        });

        it("scale from zero up to the vCPU budget, and ignore desiredSize so scaling never shows as drift", () => {
            for (const g of groups("prod")) {
                const scaling = g.inputs.scalingConfig as Record<string, number>;
                assert.equal(scaling.minSize, 0);
                assert.equal(scaling.desiredSize, 0);
                assert.deepEqual(g.ignoreChanges, ["scalingConfig.desiredSize"]);
            }
            assert.equal(
                (groupOf("prod", "spark-driver-us-west-2a").inputs.scalingConfig as Record<string, number>).maxSize,
                1024 / 4,
            );
            assert.equal(
                (groupOf("prod", "spark-executor-us-west-2a").inputs.scalingConfig as Record<string, number>).maxSize,
                1024 / 16,
            );
            assert.equal(maxNodes({ families: ["m7i"], sizes: ["48xlarge"] }, 64), 1, "at least one node");
        });

        it("mix only instance types of one size, as the autoscaler's capacity model requires", () => {
            assert.deepEqual(groupOf("prod", "spark-executor-us-west-2b").inputs.instanceTypes, [
                "r6id.4xlarge",
                "r6idn.4xlarge",
                "r5d.4xlarge",
                "r5dn.4xlarge",
            ]);
            assert.deepEqual(groupOf("dev", "spark-driver-us-west-2a").inputs.instanceTypes, [
                "m7i.xlarge",
                "m6i.xlarge",
            ]);
        });

        it("label and taint their nodes as the pool contract says", () => {
            for (const pool of contractOf("prod").pools) {
                const g = groupOf("prod", pool.name).inputs;
                assert.deepEqual(g.labels, pool.nodeLabels);
                assert.deepEqual(
                    g.taints,
                    pool.taints.map((t) => ({ key: t.key, value: t.value, effect: "NO_SCHEDULE" })),
                );
            }
        });

        it("describe their future nodes with node-template label and taint tags (zone included)", () => {
            const pool = contractOf("prod").pools.find((p) => p.name === "spark-executor-us-west-2c")!;
            const expected = {
                "k8s.io/cluster-autoscaler/node-template/label/spark-platform/role": "executor",
                "k8s.io/cluster-autoscaler/node-template/label/spark-platform/pool": "spark-executor-us-west-2c",
                "k8s.io/cluster-autoscaler/node-template/label/topology.kubernetes.io/zone": "us-west-2c",
                "k8s.io/cluster-autoscaler/node-template/taint/spark-platform/role": "executor:NoSchedule",
            };
            assert.deepEqual(nodeTemplateTags(pool), expected);
            assert.deepEqual(groupOf("prod", pool.name).inputs.tags, expected);
        });

        it("copy every node-template tag onto the group's Auto Scaling group, which EKS does not do", () => {
            const tags = ofType(plans.prod, "aws:autoscaling/tag:Tag");
            for (const g of groups("prod")) {
                const asg = (g.outputs.resources as { autoscalingGroups: { name: string }[] }[])[0].autoscalingGroups[0]
                    .name;
                const onAsg = tags
                    .filter((t) => t.inputs.autoscalingGroupName === asg)
                    .map((t) => t.inputs.tag as { key: string; value: string; propagateAtLaunch: boolean });
                assert.deepEqual(Object.fromEntries(onAsg.map((t) => [t.key, t.value])), g.inputs.tags, g.name);
                for (const t of onAsg) assert.equal(t.propagateAtLaunch, false);
            }
        });

        it("launch nodes with IMDSv2 hop limit 1, an encrypted gp3 root and local NVMe as RAID0", () => {
            const template = one(plans.prod, "aws:ec2/launchTemplate:LaunchTemplate", "cluster-autoscaler-spark");
            for (const g of groups("prod")) assert.equal((g.inputs.launchTemplate as { id: string }).id, template.id);
            assert.deepEqual(template.inputs.metadataOptions, {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
                instanceMetadataTags: "disabled",
            });
            assert.equal(
                (template.inputs.blockDeviceMappings as { ebs: { encrypted: string; volumeType: string } }[])[0].ebs
                    .encrypted,
                "true",
            );
            assert.match(Buffer.from(String(template.inputs.userData), "base64").toString(), /strategy: RAID0/);
        });
    });

    describe("controller", () => {
        const ctx = { partition: "aws", accountId: "123456789012", region: "us-west-2", clusterName: "spark-prod" };
        type Statement = {
            Sid: string;
            Action: string | string[];
            Resource: string;
            Condition?: Record<string, Record<string, string>>;
        };
        const statements = () => clusterAutoscalerPolicy(ctx).Statement as Statement[];

        it("may resize and terminate only in Auto Scaling groups this cluster owns", () => {
            const scale = statements().find((s) => [s.Action].flat().includes("autoscaling:SetDesiredCapacity"))!;
            assert.deepEqual(scale.Action, [
                "autoscaling:SetDesiredCapacity",
                "autoscaling:TerminateInstanceInAutoScalingGroup",
            ]);
            assert.deepEqual(scale.Condition, {
                StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/spark-prod": "owned" },
            });
            assert.equal(
                scale.Resource,
                "arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:*:autoScalingGroupName/*",
            );
        });

        it("leaves every other action read-only", () => {
            for (const s of nonEmpty(
                statements().filter((x) => x.Sid !== "ScaleOwnGroupsOnly"),
                "other statement",
            )) {
                for (const action of [s.Action].flat()) assert.match(action, /:(Describe|Get)/, s.Sid);
            }
            assert.equal(
                statements().find((s) => s.Action === "eks:DescribeNodegroup")!.Resource,
                "arn:aws:eks:us-west-2:123456789012:nodegroup/spark-prod/*/*",
            );
        });

        it("runs with an IRSA role for kube-system:cluster-autoscaler holding that policy", () => {
            const role = ofType(plans.prod, "aws:iam/role:Role").find(
                (r) => r.name === "cluster-autoscaler-controller-role",
            )!;
            assert.match(
                String(role.inputs.assumeRolePolicy),
                new RegExp(`system:serviceaccount:kube-system:${CLUSTER_AUTOSCALER_SERVICE_ACCOUNT}"`),
            );
            const policy = ofType(plans.prod, "aws:iam/rolePolicy:RolePolicy").find(
                (p) => p.name === "cluster-autoscaler-controller-scale-own-node-groups",
            )!;
            assert.deepEqual(
                jsonInput(policy, "policy"),
                clusterAutoscalerPolicy({ ...ctx, accountId: "222222222222" }),
            );
        });

        it("installs the chart pinned for the cluster's Kubernetes minor, with auto-discovery, least-waste and fast scale-down", () => {
            const pin = readChartPin("cluster-autoscaler");
            assert.ok(kubernetesRangeIncludes(pin.kubernetes, "1.34"));
            const chart = one(plans.prod, "kubernetes:helm.sh/v4:Chart", "cluster-autoscaler").inputs;
            assert.deepEqual(
                [chart.chart, chart.version, chart.namespace, chart.name],
                ["cluster-autoscaler", pin.version, "kube-system", "cluster-autoscaler"],
            );
            assert.deepEqual(chart.repositoryOpts, { repo: "https://kubernetes.github.io/autoscaler" });
            const values = chart.values as Record<string, Record<string, unknown>>;
            assert.deepEqual(values.autoDiscovery, {
                clusterName: "spark-prod",
                tags: ["k8s.io/cluster-autoscaler/enabled", "k8s.io/cluster-autoscaler/spark-prod"],
            });
            assert.equal(values.awsRegion, "us-west-2");
            assert.equal(values.extraArgs.expander, "least-waste");
            assert.equal(values.extraArgs["balance-similar-node-groups"], false, "never spread a job across zones");
            assert.equal(values.extraArgs["skip-nodes-with-local-storage"], false);
            assert.equal(values.extraArgs["scale-down-unneeded-time"], "2m");
            const role = ofType(plans.prod, "aws:iam/role:Role").find(
                (r) => r.name === "cluster-autoscaler-controller-role",
            )!;
            assert.deepEqual((values.rbac as { serviceAccount: unknown }).serviceAccount, {
                create: true,
                name: "cluster-autoscaler",
                annotations: { "eks.amazonaws.com/role-arn": role.outputs.arn },
            });
            assert.deepEqual(values.nodeSelector, { "spark-platform/pool": "system" });
        });

        it("refuses a Kubernetes minor the pinned chart was not built for, naming the pin to change", () => {
            const pin = readChartPin("cluster-autoscaler");
            assert.equal(chartSupportProblem(pin, "1.34"), undefined);
            assert.equal(
                chartSupportProblem(pin, "1.35"),
                `the pinned cluster-autoscaler chart ${pin.version} supports Kubernetes 1.34-1.34, not 1.35; pin a matching chart in charts/cluster-autoscaler/pin.yaml`,
            );
            assert.equal(kubernetesRangeIncludes("1.29-1.36", "1.30"), true);
            assert.equal(kubernetesRangeIncludes("1.29-1.36", "1.37"), false);
            assert.equal(kubernetesRangeIncludes("1.34", "1.34"), true);
        });
    });
});

import * as assert from "node:assert/strict";
import { ZONE_LABEL, buildPoolContract, findPool } from "../../../components/vocabulary";
import {
    INTERRUPTION_EVENTS,
    KARPENTER_SERVICE_ACCOUNT,
    interruptionQueueName,
    karpenterControllerPolicies,
} from "../../../components/autoscaling/karpenter";
import { readChartPin } from "../../../components/charts";
import type { CapturedResource } from "../../../tools/plan/capture";
import type { PlanResult } from "../../../tools/plan/plan";
import { STACKS, belongsToAutoscaler, planOf } from "../../support/plan-fixtures";
import { nonEmpty } from "../../support/non-empty";
import { jsonInput, ofType, one } from "../../support/plan-queries";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

interface Requirement {
    key: string;
    operator: string;
    values?: string[];
}
interface NodePoolSpec {
    template: {
        metadata: { labels: Record<string, string> };
        spec: {
            requirements: Requirement[];
            taints: unknown[];
            expireAfter: string;
            terminationGracePeriod?: string;
            nodeClassRef: Record<string, string>;
        };
    };
    disruption: {
        consolidationPolicy: string;
        consolidateAfter: string;
        budgets: { nodes: string; reasons?: string[] }[];
    };
    limits: Record<string, string>;
}
const specOf = (r: CapturedResource) => r.inputs.spec as NodePoolSpec;
const metaName = (r: CapturedResource) => (r.inputs.metadata as { name: string }).name;
const requirement = (r: CapturedResource, key: string) =>
    specOf(r).template.spec.requirements.filter((q) => q.key === key);

describe("Karpenter", () => {
    const plans: Record<string, PlanResult> = {};
    before(async () => {
        for (const stack of STACKS) plans[stack] = await planOf(stack, "karpenter");
    });
    const zonesOf = (stack: string) => plans[stack].outputs.sparkZones as string[];
    const pools = (stack: string) => nonEmpty(ofType(plans[stack], NODE_POOL), `${stack} NodePool`);
    /** Karpenter's own resources: other parts of the stack (a team's) may have queues too. */
    const karpenters = (stack: string) => plans[stack].resources.filter((r) => belongsToAutoscaler(plans[stack], r));

    describe("NodePools", () => {
        it("exist once per Spark zone and role, named after the pool contract", () => {
            for (const stack of STACKS) {
                const expected = buildPoolContract(zonesOf(stack)).pools.map((p) => p.name);
                assert.deepEqual(pools(stack).map(metaName).sort(), [...expected].sort());
            }
        });

        it("each pin their nodes to exactly one zone, the pool's", () => {
            for (const stack of STACKS) {
                const contract = buildPoolContract(zonesOf(stack));
                for (const np of pools(stack)) {
                    const pool = contract.pools.find((p) => p.name === metaName(np))!;
                    assert.deepEqual(
                        requirement(np, ZONE_LABEL),
                        [{ key: ZONE_LABEL, operator: "In", values: [pool.zone] }],
                        metaName(np),
                    );
                    assert.deepEqual(
                        requirement(np, "topology.k8s.aws/zone-id"),
                        [],
                        "no second zone key that could widen the pool",
                    );
                }
            }
        });

        it("carry the contract's labels and taints", () => {
            const contract = buildPoolContract(zonesOf("prod"));
            for (const np of pools("prod")) {
                const pool = contract.pools.find((p) => p.name === metaName(np))!;
                assert.deepEqual(specOf(np).template.metadata.labels, pool.nodeLabels);
                assert.deepEqual(specOf(np).template.spec.taints, pool.taints);
            }
        });

        it("run drivers on on-demand capacity, consolidated only when empty and never replaced for drift", () => {
            const driver = pools("prod").find((np) => metaName(np) === "spark-driver-us-west-2b")!;
            assert.deepEqual(requirement(driver, "karpenter.sh/capacity-type")[0].values, ["on-demand"]);
            assert.equal(specOf(driver).disruption.consolidationPolicy, "WhenEmpty");
            assert.deepEqual(specOf(driver).disruption.budgets, [
                { nodes: "10%" },
                { nodes: "0", reasons: ["Drifted"] },
            ]);
            assert.equal(specOf(driver).template.spec.expireAfter, "720h");
            assert.equal(specOf(driver).template.spec.terminationGracePeriod, "24h");
        });

        it("run executors on spot across several families and sizes, consolidated when empty or underutilized", () => {
            const executor = pools("prod").find((np) => metaName(np) === "spark-executor-us-west-2c")!;
            assert.deepEqual(requirement(executor, "karpenter.sh/capacity-type")[0].values, ["spot"]);
            assert.deepEqual(requirement(executor, "karpenter.k8s.aws/instance-family")[0].values, [
                "r6id",
                "r6idn",
                "r5d",
                "r5dn",
            ]);
            assert.deepEqual(requirement(executor, "karpenter.k8s.aws/instance-size")[0].values, [
                "4xlarge",
                "8xlarge",
            ]);
            assert.equal(specOf(executor).disruption.consolidationPolicy, "WhenEmptyOrUnderutilized");
            assert.deepEqual(specOf(executor).disruption.budgets, [{ nodes: "10%" }]);
            assert.equal(specOf(executor).template.spec.expireAfter, "168h");
        });

        it("limit each pool to the configured vCPU and memory per zone", () => {
            for (const np of pools("dev")) assert.deepEqual(specOf(np).limits, { cpu: "64", memory: "256Gi" });
            for (const np of pools("prod")) assert.deepEqual(specOf(np).limits, { cpu: "1024", memory: "4096Gi" });
        });

        it("use the shared EC2NodeClass and are created after the chart that installs their CRDs", () => {
            const chart = one(plans.prod, "kubernetes:helm.sh/v4:Chart", "karpenter");
            for (const r of [...pools("prod"), one(plans.prod, NODE_CLASS)]) {
                assert.ok(r.dependencies.includes(chart.urn), `${r.name} depends on the chart`);
            }
            for (const np of pools("prod")) {
                assert.deepEqual(specOf(np).template.spec.nodeClassRef, {
                    group: "karpenter.k8s.aws",
                    kind: "EC2NodeClass",
                    name: "spark",
                });
            }
        });
    });

    describe("EC2NodeClass", () => {
        const nodeClass = (stack: string) => one(plans[stack], NODE_CLASS).inputs.spec as Record<string, unknown>;

        it("boots a pinned AL2023 release, never a moving alias", () => {
            assert.deepEqual(nodeClass("prod").amiSelectorTerms, [{ alias: "al2023@v20260903" }]);
        });

        it("finds subnets and security groups by the cluster's discovery tag", () => {
            assert.deepEqual(nodeClass("prod").subnetSelectorTerms, [
                { tags: { "karpenter.sh/discovery": "spark-prod" } },
            ]);
            assert.deepEqual(nodeClass("prod").securityGroupSelectorTerms, [
                { tags: { "karpenter.sh/discovery": "spark-prod" } },
            ]);
            const privateSubnets = ofType(plans.prod, "aws:ec2/subnet:Subnet").filter(
                (s) => (s.inputs.tags as Record<string, string>)["karpenter.sh/discovery"],
            );
            assert.equal(privateSubnets.length, 3, "one private subnet per zone carries the tag");
            const tag = one(plans.prod, "aws:ec2/tag:Tag");
            assert.deepEqual(
                { key: tag.inputs.key, value: tag.inputs.value },
                { key: "karpenter.sh/discovery", value: "spark-prod" },
            );
            const eks = one(plans.prod, "eks:index:Cluster").outputs.eksCluster as {
                vpcConfig: { clusterSecurityGroupId: string };
            };
            assert.equal(tag.inputs.resourceId, eks.vpcConfig.clusterSecurityGroupId, "the EKS cluster security group");
        });

        it("requires IMDSv2 with hop limit 1, an encrypted gp3 root, and RAID0 over local NVMe", () => {
            assert.deepEqual(nodeClass("dev").metadataOptions, {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
            });
            assert.deepEqual(nodeClass("dev").blockDeviceMappings, [
                {
                    deviceName: "/dev/xvda",
                    rootVolume: true,
                    ebs: { volumeSize: "100Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true },
                },
            ]);
            assert.equal(nodeClass("dev").instanceStorePolicy, "RAID0");
        });

        it("launches nodes as the Karpenter node role, which joins through an EC2_LINUX access entry", () => {
            const role = ofType(plans.prod, "aws:iam/role:Role").find((r) => r.name === "karpenter-node-role")!;
            assert.equal(nodeClass("prod").role, role.outputs.name);
            const entry = one(plans.prod, "aws:eks/accessEntry:AccessEntry", "karpenter-node");
            assert.deepEqual(
                {
                    principalArn: entry.inputs.principalArn,
                    type: entry.inputs.type,
                    clusterName: entry.inputs.clusterName,
                },
                { principalArn: role.outputs.arn, type: "EC2_LINUX", clusterName: "spark-prod" },
            );
            assert.ok(
                one(plans.prod, NODE_CLASS).dependencies.includes(entry.urn),
                "nodes launch only once they can join",
            );
        });
    });

    describe("interruption handling", () => {
        it("uses an encrypted queue named per stack", () => {
            for (const stack of STACKS) {
                const queue = one(karpenters(stack), "aws:sqs/queue:Queue");
                assert.equal(queue.inputs.name, interruptionQueueName(`spark-${stack}`));
                assert.equal(queue.inputs.sqsManagedSseEnabled, true);
                assert.equal(queue.inputs.messageRetentionSeconds, 300);
            }
        });

        it("lets EventBridge send to the queue and denies every request without TLS", () => {
            const queue = one(karpenters("prod"), "aws:sqs/queue:Queue");
            const policy = jsonInput<{ Statement: Record<string, unknown>[] }>(
                one(karpenters("prod"), "aws:sqs/queuePolicy:QueuePolicy"),
                "policy",
            );
            assert.deepEqual(
                policy.Statement.map((s) => [s.Effect, s.Action, s.Resource]),
                [
                    ["Allow", "sqs:SendMessage", queue.outputs.arn],
                    ["Deny", "sqs:*", queue.outputs.arn],
                ],
            );
            assert.deepEqual(policy.Statement[0].Principal, { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] });
            assert.deepEqual(policy.Statement[1].Condition, { Bool: { "aws:SecureTransport": "false" } });
        });

        it("routes all five interruption event kinds to the queue", () => {
            const queue = one(karpenters("prod"), "aws:sqs/queue:Queue");
            // Karpenter's own rules (the stack has other rules, e.g. its alerts').
            const rules = ofType(plans.prod, "aws:cloudwatch/eventRule:EventRule").filter((r) =>
                belongsToAutoscaler(plans.prod, r),
            );
            const targets = ofType(plans.prod, "aws:cloudwatch/eventTarget:EventTarget");
            const patterns = rules.map(
                (r) => JSON.parse(String(r.inputs.eventPattern)) as { source: string[]; "detail-type": string[] },
            );
            assert.deepEqual(patterns.map((p) => `${p.source.join()}/${p["detail-type"].join()}`).sort(), [
                "aws.ec2/EC2 Capacity Reservation Instance Interruption Warning",
                "aws.ec2/EC2 Instance Rebalance Recommendation",
                "aws.ec2/EC2 Instance State-change Notification",
                "aws.ec2/EC2 Spot Instance Interruption Warning",
                "aws.health/AWS Health Event",
            ]);
            assert.equal(INTERRUPTION_EVENTS.length, 5);
            for (const rule of rules) {
                const forRule = targets.filter((t) => t.inputs.rule === rule.outputs.name);
                assert.equal(forRule.length, 1, `${rule.name} has one target`);
                assert.equal(forRule[0].inputs.arn, queue.outputs.arn, `${rule.name} targets the queue`);
            }
        });
    });

    describe("controller", () => {
        const ctx = {
            partition: "aws",
            accountId: "123456789012",
            region: "us-west-2",
            clusterName: "spark-prod",
            nodeRoleArn: "arn:aws:iam::123456789012:role/node",
            interruptionQueueArn: "arn:aws:sqs:us-west-2:123456789012:q",
        };
        type Statement = {
            Sid: string;
            Action: string | string[];
            Resource: string | string[];
            Condition?: Record<string, Record<string, unknown>>;
        };
        const statements = () =>
            Object.values(karpenterControllerPolicies(ctx)).flatMap((d) => d.Statement as Statement[]);

        it("scopes every mutating EC2 action to resources tagged for this cluster", () => {
            const mutating = statements().filter((x) => /Tagging|WithTags|LaunchTemplateAccess|Deletion/.test(x.Sid));
            assert.equal(mutating.length, 5);
            for (const s of mutating) {
                const conditions = JSON.stringify(s.Condition);
                assert.match(conditions, /kubernetes\.io\/cluster\/spark-prod"?:"owned"/, s.Sid);
            }
        });

        it("may pass only the node role, only to EC2", () => {
            const pass = statements().find((s) => s.Action === "iam:PassRole")!;
            assert.equal(pass.Resource, ctx.nodeRoleArn);
            assert.deepEqual(pass.Condition, {
                StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] },
            });
        });

        it("reads and deletes messages of its own queue only, and describes only its own cluster", () => {
            assert.equal(
                statements().find((s) => s.Sid === "AllowInterruptionQueueActions")!.Resource,
                ctx.interruptionQueueArn,
            );
            assert.equal(
                statements().find((s) => s.Sid === "AllowAPIServerEndpointDiscovery")!.Resource,
                "arn:aws:eks:us-west-2:123456789012:cluster/spark-prod",
            );
        });

        it('leaves Resource "*" only to read-only actions', () => {
            const readOnly =
                /^(ec2:Describe|pricing:GetProducts|iam:ListInstanceProfiles|arc-zonal-shift:GetManagedResource)/;
            for (const s of nonEmpty(
                statements().filter((x) => x.Resource === "*"),
                'statement on Resource "*"',
            )) {
                for (const action of [s.Action].flat()) assert.match(action, readOnly, s.Sid);
            }
        });

        it("fits IAM's 10,240-character inline policy budget even for the longest stack name", () => {
            const longest = {
                ...ctx,
                partition: "aws-us-gov",
                clusterName: `spark-${"x".repeat(20)}`,
                region: "us-gov-west-1",
            };
            const total = Object.values(karpenterControllerPolicies(longest)).reduce(
                (n, d) => n + JSON.stringify(d).length,
                0,
            );
            assert.ok(total < 10_240, `${total} characters`);
        });

        it("runs with an IRSA role holding the six controller policies", () => {
            const policies = ofType(plans.prod, "aws:iam/rolePolicy:RolePolicy").filter((p) =>
                p.name.startsWith("karpenter-controller-"),
            );
            assert.deepEqual(policies.map((p) => p.inputs.name).sort(), [
                "eks-integration",
                "iam-integration",
                "interruption",
                "node-lifecycle",
                "resource-discovery",
            ]);
            const role = ofType(plans.prod, "aws:iam/role:Role").find((r) => r.name === "karpenter-controller-role")!;
            assert.match(
                String(role.inputs.assumeRolePolicy),
                new RegExp(`system:serviceaccount:kube-system:${KARPENTER_SERVICE_ACCOUNT}"`),
            );
        });

        it("installs the pinned 1.14 chart from public ECR with the stack's settings", () => {
            const pin = readChartPin("karpenter");
            assert.match(pin.version, /^1\.14\.\d+$/);
            const chart = one(plans.prod, "kubernetes:helm.sh/v4:Chart", "karpenter").inputs;
            assert.deepEqual(
                [chart.chart, chart.version, chart.namespace, chart.name],
                ["oci://public.ecr.aws/karpenter/karpenter", pin.version, "kube-system", "karpenter"],
            );
            const values = chart.values as Record<string, Record<string, unknown>>;
            const queue = one(karpenters("prod"), "aws:sqs/queue:Queue");
            const role = ofType(plans.prod, "aws:iam/role:Role").find((r) => r.name === "karpenter-controller-role")!;
            assert.equal(values.settings.clusterName, "spark-prod");
            assert.equal(values.settings.interruptionQueue, queue.outputs.name);
            assert.deepEqual(values.serviceAccount, {
                create: true,
                name: "karpenter",
                annotations: { "eks.amazonaws.com/role-arn": role.outputs.arn },
            });
            assert.deepEqual(values.nodeSelector, { "kubernetes.io/os": "linux", "spark-platform/pool": "system" });
            assert.equal(values.replicas, 2, "base values from charts/karpenter/values.yaml");
        });
    });

    it("keeps the single dev pool pair in dev's one Spark zone", () => {
        const contract = buildPoolContract(zonesOf("dev"));
        assert.equal(findPool(contract, "us-west-2a", "executor").name, "spark-executor-us-west-2a");
        assert.equal(pools("dev").length, 2);
    });
});

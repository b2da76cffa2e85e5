import * as assert from "node:assert/strict";
import { singleAzNodePools } from "../../../policies/single-az-node-pools";
import {
    assertCompliant,
    assertNotApplicable,
    assertUnknown,
    assertViolations,
    Outcome,
    runResourcePolicy,
    runStackPolicy,
    StackResourceSpec,
    unknownArrayValue,
    unknownStringValue,
    urnOf,
} from "../util";

const SUBNET = "aws:ec2/subnet:Subnet";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const ASG = "aws:autoscaling/group:Group";
const ZONE = "topology.kubernetes.io/zone";
const EXEMPT_HINT = "or list it in single-az-node-pools.exemptPools if it is meant to span zones (the system pool)";
const ONE_AZ = `Spark node pools must sit in exactly one AZ — give it the subnets of a single zone, ${EXEMPT_HINT}`;
const IN_ONE = "a Spark pool must be pinned to exactly one zone; use operator In with a single zone";
const ADD_ZONE = "add {key: topology.kubernetes.io/zone, operator: In, values: [<one zone>]}";

const subnet = (name: string, az: string): StackResourceSpec => ({
    type: SUBNET,
    name,
    props: { id: `subnet-${name}`, availabilityZone: az, vpcId: "vpc-1" },
});
const SUBNETS = [subnet("a", "us-west-2a"), subnet("a2", "us-west-2a"), subnet("b", "us-west-2b")];
const subnetUrn = (name: string) => urnOf(SUBNET, name);

const nodeGroup = (
    name: string,
    props: Record<string, unknown>,
    extra: Partial<StackResourceSpec> = {},
): StackResourceSpec => ({
    type: NODE_GROUP,
    name,
    props: { clusterName: "spark-dev", nodeGroupName: name, ...props },
    ...extra,
});

const requirement = (operator: string, values?: string[], key = ZONE) => ({
    key,
    operator,
    ...(values ? { values } : {}),
});
const nodePool = (name: string, requirements: unknown, version = "v1"): StackResourceSpec => ({
    type: `kubernetes:karpenter.sh/${version}:NodePool`,
    name,
    props: {
        metadata: { name },
        spec: {
            template: {
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "spark" },
                    requirements,
                },
            },
        },
    },
});

const run = (resources: StackResourceSpec[], config?: Record<string, unknown>) =>
    runStackPolicy(singleAzNodePools, [...SUBNETS, ...resources], config);
const first = (outcome: Outcome) =>
    outcome.kind === "evaluated" ? outcome.violations[0]?.message : JSON.stringify(outcome);

describe("single-az-node-pools: Karpenter", () => {
    // Karpenter pools are judged one at a time on their inputs, as the engine analyzes a resource before creating it.
    const run = (pools: [StackResourceSpec], config?: Record<string, unknown>) =>
        runResourcePolicy(singleAzNodePools, pools[0], config);
    const REQ = "spec.template.spec.requirements";
    it("passes a NodePool pinned to one zone", async () => {
        assertCompliant(
            await run([
                nodePool("spark-exec-a", [
                    requirement("In", ["us-west-2a"]),
                    requirement("In", ["on-demand"], "karpenter.sh/capacity-type"),
                ]),
            ]),
        );
    });

    it("intersects requirements on the same key (In ∩ In, In minus NotIn)", async () => {
        assertCompliant(
            await run([
                nodePool("p1", [requirement("In", ["us-west-2a", "us-west-2b"]), requirement("NotIn", ["us-west-2b"])]),
            ]),
        );
        assertCompliant(
            await run([
                nodePool("p2", [
                    requirement("In", ["us-west-2a", "us-west-2b"]),
                    requirement("In", ["us-west-2b", "us-west-2c"]),
                ]),
            ]),
        );
    });

    it("normalizes the deprecated failure-domain.beta.kubernetes.io/zone onto topology.kubernetes.io/zone, as Karpenter does", async () => {
        const BETA = "failure-domain.beta.kubernetes.io/zone";
        // Two spellings of one key: their requirements intersect to one zone.
        assertCompliant(
            await run([
                nodePool("p", [
                    requirement("In", ["us-west-2a", "us-west-2b"]),
                    requirement("In", ["us-west-2a", "us-west-2c"], BETA),
                ]),
            ]),
        );
        assertCompliant(
            await run([
                nodePool("p", [
                    requirement("In", ["us-west-2a", "us-west-2b"], BETA),
                    requirement("NotIn", ["us-west-2b"]),
                ]),
            ]),
        );
        assertCompliant(await run([nodePool("p", [requirement("In", ["us-west-2a"], BETA)])]));
        // Still two zones together, and the message names the key Karpenter uses.
        assertViolations(
            await run([
                nodePool("p", [
                    requirement("In", ["us-west-2a", "us-west-2b"], BETA),
                    requirement("In", ["us-west-2a", "us-west-2b"]),
                ]),
            ]),
            [
                `Karpenter NodePool 'p' ${REQ}: ${ZONE} allows 2 zones (us-west-2a, us-west-2b) — ${IN_ONE}; ${EXEMPT_HINT}`,
            ],
        );
        // A beta pin whose intersection with the stable key is empty matches no zone.
        assert.match(
            first(
                await run([
                    nodePool("p", [requirement("In", ["us-west-2a"], BETA), requirement("In", ["us-west-2b"])]),
                ]),
            ) ?? "",
            /leave no zone/,
        );
    });

    it("accepts a pin by zone id, also when the zone name allows more", async () => {
        assertCompliant(await run([nodePool("p", [requirement("In", ["usw2-az1"], "topology.k8s.aws/zone-id")])]));
        assertCompliant(
            await run([
                nodePool("p", [
                    requirement("In", ["us-west-2a", "us-west-2b"]),
                    requirement("In", ["usw2-az1"], "topology.k8s.aws/zone-id"),
                ]),
            ]),
        );
    });

    it("rejects a NodePool widened to two zones", async () => {
        const outcome = await run([nodePool("spark-exec-a", [requirement("In", ["us-west-2a", "us-west-2b"])])]);
        assertViolations(outcome, [
            `Karpenter NodePool 'spark-exec-a' ${REQ}: ${ZONE} allows 2 zones (us-west-2a, us-west-2b) — ${IN_ONE}; ${EXEMPT_HINT}`,
        ]);
    });

    it("rejects a NodePool without a zone requirement", async () => {
        assert.equal(
            first(await run([nodePool("p", [requirement("In", ["on-demand"], "karpenter.sh/capacity-type")])])),
            `Karpenter NodePool 'p' ${REQ} has no topology.kubernetes.io/zone or topology.k8s.aws/zone-id requirement, so the pool can launch ` +
                `nodes in every zone of its subnets; ${ADD_ZONE}; ${EXEMPT_HINT}`,
        );
        assert.equal(
            first(await run([nodePool("p", undefined)])),
            `Karpenter NodePool 'p' ${REQ} is not set, so nothing pins the pool to a zone; ${ADD_ZONE}; ${EXEMPT_HINT}`,
        );
    });

    it("treats NotIn alone and Exists as unbounded", async () => {
        assert.equal(
            first(await run([nodePool("p", [requirement("NotIn", ["us-west-2c"])])])),
            `Karpenter NodePool 'p' ${REQ}: ${ZONE} only excludes zones (NotIn us-west-2c), leaving every other zone open — ${IN_ONE}; ${EXEMPT_HINT}`,
        );
        assert.equal(
            first(await run([nodePool("p", [requirement("Exists")])])),
            `Karpenter NodePool 'p' ${REQ}: ${ZONE} Exists allows any zone — ${IN_ONE}; ${EXEMPT_HINT}`,
        );
    });

    it("rejects zone sets that match nothing (DoesNotExist, Gt, empty intersection)", async () => {
        assert.equal(
            first(await run([nodePool("p", [requirement("DoesNotExist")])])),
            `Karpenter NodePool 'p' ${REQ}: ${ZONE} DoesNotExist (every node carries a zone label) matches no zone, so the pool can launch no node; ${ADD_ZONE}; ${EXEMPT_HINT}`,
        );
        assert.match(
            first(await run([nodePool("p", [requirement("Gt", ["1"])])])) ?? "",
            /Gt \(zone names are not integers\) matches no zone/,
        );
        assert.equal(
            first(
                await run([nodePool("p", [requirement("In", ["us-west-2a"]), requirement("NotIn", ["us-west-2a"])])]),
            ),
            `Karpenter NodePool 'p' ${REQ}: the requirements on ${ZONE} leave no zone (In minus NotIn is empty); ${ADD_ZONE}; ${EXEMPT_HINT}`,
        );
    });

    it("rejects minValues above one on a zone key", async () => {
        assert.match(
            first(await run([nodePool("p", [{ ...requirement("In", ["us-west-2a"]), minValues: 2 }])])) ?? "",
            /minValues 2 on topology\.kubernetes\.io\/zone requires at least 2 zones/,
        );
    });

    it("reads v1beta1 NodePools and v1alpha5 Provisioners (spec.requirements)", async () => {
        assert.match(
            first(await run([nodePool("p", [requirement("Exists")], "v1beta1")])) ?? "",
            /^Karpenter NodePool 'p' spec\.template\.spec\.requirements:/,
        );
        const provisioner: StackResourceSpec = {
            type: "kubernetes:karpenter.sh/v1alpha5:Provisioner",
            name: "legacy",
            props: {
                metadata: { name: "legacy" },
                spec: { requirements: [requirement("In", ["us-west-2a", "us-west-2b"])] },
            },
        };
        assert.match(
            first(await run([provisioner])) ?? "",
            /^Karpenter Provisioner 'legacy' spec\.requirements: topology\.kubernetes\.io\/zone allows 2 zones/,
        );
    });

    it("judges a NodePoolPatch only when it sets requirements", async () => {
        const patch = (requirements?: unknown): StackResourceSpec => ({
            type: "kubernetes:karpenter.sh/v1:NodePoolPatch",
            name: "patch",
            props: {
                metadata: { name: "spark-exec-a" },
                spec: { limits: { cpu: 64 }, ...(requirements ? { template: { spec: { requirements } } } : {}) },
            },
        });
        assertCompliant(await run([patch()]));
        assert.match(first(await run([patch([requirement("Exists")])])) ?? "", /^Karpenter NodePool 'spark-exec-a'/);
    });

    it("exempts pools named in exemptPools (by metadata.name or resource name)", async () => {
        const system = nodePool("spark-dev-system", [requirement("Exists")]);
        assertCompliant(await run([system], { exemptPools: ["spark-dev-system"] }));
        assertCompliant(await run([{ ...system, name: "system-pool" }], { exemptPools: ["system-pool"] }));
        assert.match(
            first(await run([system], { exemptPools: ["spark-prod-system"] })) ?? "",
            /^Karpenter NodePool 'spark-dev-system'/,
        );
    });

    it("never passes a zone requirement unknown during preview", async () => {
        const outcome = await run([nodePool("p", [requirement("In", [unknownStringValue])])]);
        assertUnknown(
            outcome,
            "string value at .spec.template.spec.requirements.0.values.0 can't be known during preview",
        );
    });

    it("judges pools before they are created: per resource, and not again in the stack validation", async () => {
        assertNotApplicable(await runResourcePolicy(singleAzNodePools, nodeGroup("ng", { subnetIds: ["subnet-a"] })));
        const widened = nodePool("p", [requirement("In", ["us-west-2a", "us-west-2b"])]);
        assertNotApplicable(
            await runStackPolicy(singleAzNodePools, [...SUBNETS, widened]),
            "The stack has no EKS node groups, Auto Scaling groups or CloudFormation stacks",
        );
    });
});

describe("single-az-node-pools: node groups and Auto Scaling groups", () => {
    it("passes a node group in one subnet, or several subnets of one zone", async () => {
        assertCompliant(
            await run([
                nodeGroup("spark-exec-a", { subnetIds: ["subnet-a"] }),
                nodeGroup("spark-exec-a2", { subnetIds: ["subnet-a", "subnet-a2"] }),
            ]),
        );
    });

    it("rejects a node group spanning two zones", async () => {
        const outcome = await run([nodeGroup("spark-dev-exec", { subnetIds: ["subnet-a", "subnet-b"] })]);
        assertViolations(outcome, [
            `EKS node group 'spark-dev-exec' spans 2 availability zones (us-west-2a, us-west-2b) through subnetIds; ${ONE_AZ}`,
        ]);
    });

    it("rejects subnets that are not in the stack", async () => {
        assert.equal(
            first(await run([nodeGroup("g", { subnetIds: ["subnet-a", "subnet-elsewhere"] })])),
            "EKS node group 'g' uses 'subnet-elsewhere' through subnetIds, which is not an aws:ec2/subnet:Subnet of this stack, so its availability " +
                `zone cannot be proven; use subnets managed in this stack, all in one zone, ${EXEMPT_HINT}`,
        );
    });

    it("follows property dependencies when subnet ids are unknown at first preview", async () => {
        const pending = (deps: string[]) =>
            nodeGroup(
                "g",
                { subnetIds: unknownArrayValue },
                { propertyDependencies: { subnetIds: deps.map(subnetUrn) } },
            );
        assertCompliant(await run([pending(["a", "a2"])]));
        assert.equal(
            first(await run([pending(["a", "b"])])),
            `EKS node group 'g' spans 2 availability zones (us-west-2a, us-west-2b) through subnetIds (from its property dependencies); ${ONE_AZ}`,
        );
    });

    it("lets the unknown surface when property dependencies are not subnets", async () => {
        const vpc: StackResourceSpec = { type: "awsx:ec2:Vpc", name: "vpc", props: {} };
        const outcome = await run([
            vpc,
            nodeGroup(
                "g",
                { subnetIds: unknownArrayValue },
                { propertyDependencies: { subnetIds: [urnOf("awsx:ec2:Vpc", "vpc")] } },
            ),
        ]);
        assertUnknown(
            outcome,
            `1 node pool(s) cannot be placed yet: [${urnOf(NODE_GROUP, "g")}] Array value at .subnetIds can't be known during preview`,
        );
    });

    it("still reports the other pools when one cannot be placed yet", async () => {
        const outcome = await run([
            nodeGroup("pending", { subnetIds: unknownArrayValue }),
            nodeGroup("wide", { subnetIds: ["subnet-a", "subnet-b"] }),
        ]);
        assert.equal(outcome.kind, "unknown");
        assert.equal(outcome.kind === "unknown" && outcome.violations.length, 1);
    });

    it("makes a node group without subnets inherit its cluster's subnets", async () => {
        const cluster: StackResourceSpec = {
            type: "aws:eks/cluster:Cluster",
            name: "spark-dev",
            props: { name: "spark-dev", vpcConfig: { subnetIds: ["subnet-a", "subnet-b"] } },
        };
        const outcome = await run([cluster, nodeGroup("g", { subnetIds: undefined })]);
        assertViolations(outcome, [
            "EKS node group 'g' spans 2 availability zones (us-west-2a, us-west-2b) through the subnets it inherits from cluster " +
                `'spark-dev' (vpcConfig.subnetIds); ${ONE_AZ}`,
        ]);
    });

    describe("pulumi-eks node groups without subnets inherit them as pulumi-eks 4.3.0 does", () => {
        const CLUSTER = "eks:index:Cluster";
        const cluster = (props: Record<string, unknown>): StackResourceSpec => ({
            type: CLUSTER,
            name: "spark",
            props,
        });
        const group = (type: string, name: string, props: Record<string, unknown> = {}): StackResourceSpec => ({
            type,
            name,
            props,
            propertyDependencies: { cluster: [urnOf(CLUSTER, "spark")] },
        });
        const managed = group("eks:index:ManagedNodeGroup", "managed", { nodeGroupName: "spark-dev-managed" });
        const selfManaged = group("eks:index:NodeGroupV2", "v2");
        const verdicts = async (clusterProps: Record<string, unknown>) => {
            const outcome = await run([cluster(clusterProps), managed, selfManaged]);
            assert.equal(outcome.kind, "evaluated", JSON.stringify(outcome));
            return outcome.kind === "evaluated" ? outcome.violations : [];
        };

        it("a ManagedNodeGroup takes core.subnetIds: the public and private subnets together", async () => {
            // Private subnets in one zone, a public one in another: the managed group spans both, the V2 group does not.
            const violations = await verdicts({
                privateSubnetIds: ["subnet-a", "subnet-a2"],
                publicSubnetIds: ["subnet-b"],
            });
            assert.deepEqual(
                violations.map((v) => v.urn),
                [urnOf("eks:index:ManagedNodeGroup", "managed")],
            );
            assert.match(
                violations[0].message,
                /^EKS managed node group 'spark-dev-managed' spans 2 availability zones \(us-west-2a, us-west-2b\) through the subnets it inherits from cluster 'spark' \(publicSubnetIds \+ privateSubnetIds\); Spark node pools must sit in exactly one AZ/,
            );
        });

        it("a NodeGroupV2 takes the cluster's privateSubnetIds, never its nodeSubnetIds", async () => {
            // nodeSubnetIds feed only the cluster's default node group; the others use subnetIds.
            const violations = await verdicts({ subnetIds: ["subnet-a", "subnet-b"], nodeSubnetIds: ["subnet-a"] });
            assert.deepEqual(
                violations.map((v) => [
                    v.urn,
                    /through the subnets it inherits from cluster 'spark' \(subnetIds\)/.test(v.message),
                ]),
                [
                    [urnOf("eks:index:ManagedNodeGroup", "managed"), true],
                    [urnOf("eks:index:NodeGroupV2", "v2"), true],
                ],
            );
            assert.deepEqual(await verdicts({ privateSubnetIds: ["subnet-a2"], publicSubnetIds: ["subnet-a"] }), []);
        });

        it("reads the cluster's core output, and a CoreData object given as the cluster", async () => {
            const core = {
                subnetIds: ["subnet-b", "subnet-a"],
                privateSubnetIds: ["subnet-a"],
                publicSubnetIds: ["subnet-b"],
            };
            assert.deepEqual(
                (await verdicts({ core })).map((v) => v.message.match(/\(core\.\w+\)/)?.[0]),
                ["(core.subnetIds)"],
            );
            const fromCoreData = await run([
                { type: "eks:index:NodeGroupV2", name: "v2", props: { cluster: core } },
                { type: "eks:index:ManagedNodeGroup", name: "m", props: { cluster: core, nodeGroupName: "m" } },
            ]);
            assert.deepEqual(
                fromCoreData.kind === "evaluated" ? fromCoreData.violations.map((v) => v.urn) : fromCoreData,
                [urnOf("eks:index:ManagedNodeGroup", "m")],
            );
        });

        it("judges a group's own subnets before anything it could inherit", async () => {
            const own = group("eks:index:ManagedNodeGroup", "own", { subnetIds: ["subnet-b"] });
            assertCompliant(await run([cluster({ subnetIds: ["subnet-a", "subnet-b"] }), own]));
        });
    });

    it("judges a component's concrete child node group instead of the component", async () => {
        const component: StackResourceSpec = { type: "eks:index:ManagedNodeGroup", name: "exec", props: {} };
        const child = nodeGroup(
            "exec",
            { subnetIds: ["subnet-a", "subnet-b"] },
            { parent: urnOf("eks:index:ManagedNodeGroup", "exec") },
        );
        const outcome = await run([component, child]);
        assert.equal(outcome.kind === "evaluated" && outcome.violations.length, 1);
        assert.equal(
            outcome.kind === "evaluated" && outcome.violations[0].urn,
            urnOf(NODE_GROUP, "exec", "eks:index:ManagedNodeGroup"),
        );
    });

    it("reads a pulumi-eks NodeGroup's subnets from its CloudFormation template", async () => {
        const component: StackResourceSpec = { type: "eks:index:NodeGroup", name: "legacy", props: {} };
        const templateBody =
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  NodeGroup:\n    Type: AWS::AutoScaling::AutoScalingGroup\n" +
            '    Properties:\n      VPCZoneIdentifier: ["subnet-a", "subnet-b"]\n';
        const stack: StackResourceSpec = {
            type: "aws:cloudformation/stack:Stack",
            name: "legacy-nodes",
            props: { templateBody },
            parent: urnOf("eks:index:NodeGroup", "legacy"),
        };
        assert.match(
            first(await run([component, stack])) ?? "",
            /spans 2 availability zones .* through the VPCZoneIdentifier of .NodeGroup. in its CloudFormation template/,
        );
    });

    it("places Auto Scaling groups by vpcZoneIdentifiers, else availabilityZones", async () => {
        const asg = (name: string, props: Record<string, unknown>): StackResourceSpec => ({
            type: ASG,
            name,
            props: { name, ...props },
        });
        assertCompliant(
            await run([
                asg("one", { vpcZoneIdentifiers: ["subnet-b"] }),
                asg("zones", { vpcZoneIdentifiers: [], availabilityZones: ["us-west-2b"] }),
            ]),
        );
        assert.equal(
            first(await run([asg("wide", { availabilityZones: ["us-west-2a", "us-west-2b"] })])),
            `Auto Scaling group 'wide' spans 2 availability zones (us-west-2a, us-west-2b) through availabilityZones; ${ONE_AZ}`,
        );
        assert.equal(
            first(await run([asg("none", {})])),
            "Auto Scaling group 'none' sets neither vpcZoneIdentifiers nor availabilityZones; give it the subnet of exactly one AZ",
        );
    });

    // Zero zones is not one zone: an empty placement must never pass as "at most one".
    it("rejects an Auto Scaling group whose subnets and zones are both empty lists, and passes one zone", async () => {
        const asg = (name: string, availabilityZones: string[]): StackResourceSpec => ({
            type: ASG,
            name,
            props: { name, vpcZoneIdentifiers: [], availabilityZones },
        });
        assertViolations(await run([asg("empty", [])]), [
            `Auto Scaling group 'empty' has no subnets or availability zones through availabilityZones; ${ONE_AZ}`,
        ]);
        assertCompliant(await run([asg("one-zone", ["us-west-2a"])]));
    });

    it("rejects a node group without subnets whose cluster has none either, and passes one whose cluster has one zone", async () => {
        const cluster = (subnetIds: string[]): StackResourceSpec => ({
            type: "aws:eks/cluster:Cluster",
            name: "spark-dev",
            props: { name: "spark-dev", vpcConfig: { subnetIds } },
        });
        assertViolations(await run([cluster([]), nodeGroup("g", { subnetIds: [] })]), [
            "EKS node group 'g' has no subnets or availability zones through the subnets it inherits from cluster " +
                `'spark-dev' (vpcConfig.subnetIds); ${ONE_AZ}`,
        ]);
        assertCompliant(await run([cluster(["subnet-a", "subnet-a2"]), nodeGroup("g", { subnetIds: [] })]));
    });

    it("exempts pools by physical name, resource name, or their component parent's name", async () => {
        const wide = { subnetIds: ["subnet-a", "subnet-b"] };
        assertCompliant(await run([nodeGroup("spark-dev-system", wide)], { exemptPools: ["spark-dev-system"] }));
        assertCompliant(
            await run([{ ...nodeGroup("sys", wide), props: { ...wide, nodeGroupName: "random-123" } }], {
                exemptPools: ["sys"],
            }),
        );
        const parent: StackResourceSpec = { type: "eks:index:NodeGroupV2", name: "system", props: {} };
        const child: StackResourceSpec = {
            type: ASG,
            name: "system-asg",
            props: { vpcZoneIdentifiers: ["subnet-a", "subnet-b"] },
            parent: urnOf("eks:index:NodeGroupV2", "system"),
        };
        assertCompliant(await run([parent, child], { exemptPools: ["system"] }));
        assert.match(first(await run([parent, child])) ?? "", /^Auto Scaling group/);
    });

    it("is not applicable to a stack without node groups or Auto Scaling groups", async () => {
        assertNotApplicable(
            await run([]),
            "The stack has no EKS node groups, Auto Scaling groups or CloudFormation stacks",
        );
    });
});

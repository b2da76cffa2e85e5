/**
 * single-az-node-pools holds every resource type that can create a node pool to the same rule: the Cloud Control
 * provider's node groups and Auto Scaling groups, pools declared in CloudFormation templates, and pulumi-eks
 * components judged on their inputs; known subnet ids are judged as they are, property dependencies only stand in
 * for unknown ones.
 */
import * as assert from "node:assert/strict";
import { singleAzNodePools } from "../../../policies/single-az-node-pools";
import {
    assertCompliant,
    assertUnknown,
    Outcome,
    runStackPolicy,
    StackResourceSpec,
    unknownArrayValue,
    urnOf,
} from "../util";

const NATIVE_SUBNET = "aws-native:ec2:Subnet";
const subnet = (name: string, az: string): StackResourceSpec => ({
    type: "aws:ec2/subnet:Subnet",
    name,
    props: { id: `subnet-${name}`, availabilityZone: az },
});
const nativeSubnet = (name: string, az: string): StackResourceSpec => ({
    type: NATIVE_SUBNET,
    name,
    props: { subnetId: `subnet-n${name}`, availabilityZone: az },
});
const SUBNETS = [
    subnet("a", "us-west-2a"),
    subnet("a2", "us-west-2a"),
    subnet("b", "us-west-2b"),
    nativeSubnet("a", "us-west-2a"),
    nativeSubnet("b", "us-west-2b"),
];
const run = (resources: StackResourceSpec[], config?: Record<string, unknown>) =>
    runStackPolicy(singleAzNodePools, [...SUBNETS, ...resources], config);
const messages = (outcome: Outcome) =>
    outcome.kind === "evaluated" ? outcome.violations.map((v) => v.message) : [JSON.stringify(outcome)];

describe("single-az-node-pools: every provider that creates a pool", () => {
    describe("aws-native:eks:Nodegroup (subnets)", () => {
        const group = (name: string, props: Record<string, unknown>): StackResourceSpec => ({
            type: "aws-native:eks:Nodegroup",
            name,
            props: { clusterName: "spark-dev", nodegroupName: name, ...props },
        });

        it("passes one zone, whether its subnets come from either provider", async () => {
            assertCompliant(
                await run([
                    group("exec-a", { subnets: ["subnet-a", "subnet-a2"] }),
                    group("exec-na", { subnets: ["subnet-na"] }),
                ]),
            );
        });

        it("rejects a node group spanning two zones", async () => {
            assert.match(
                messages(await run([group("wide", { subnets: ["subnet-a", "subnet-nb"] })]))[0],
                /^EKS node group 'wide' spans 2 availability zones \(us-west-2a, us-west-2b\) through subnets;/,
            );
        });

        it("inherits an aws-native:eks:Cluster's subnets when it sets none", async () => {
            const cluster: StackResourceSpec = {
                type: "aws-native:eks:Cluster",
                name: "spark-dev",
                props: { name: "spark-dev", resourcesVpcConfig: { subnetIds: ["subnet-a", "subnet-b"] } },
            };
            assert.match(
                messages(await run([cluster, group("g", {})]))[0],
                /spans 2 availability zones .* inherits from cluster 'spark-dev' \(resourcesVpcConfig\.subnetIds\)/,
            );
        });

        it("exempts it by nodegroupName", async () => {
            assertCompliant(
                await run([group("spark-dev-system", { subnets: ["subnet-a", "subnet-b"] })], {
                    exemptPools: ["spark-dev-system"],
                }),
            );
        });
    });

    describe("aws-native:autoscaling:AutoScalingGroup (vpcZoneIdentifier, availabilityZones)", () => {
        const asg = (name: string, props: Record<string, unknown>): StackResourceSpec => ({
            type: "aws-native:autoscaling:AutoScalingGroup",
            name,
            props: { autoScalingGroupName: name, ...props },
        });

        it("passes one subnet or one zone", async () => {
            assertCompliant(
                await run([
                    asg("one", { vpcZoneIdentifier: ["subnet-b"] }),
                    asg("zone", { availabilityZones: ["us-west-2b"] }),
                ]),
            );
        });

        it("rejects two zones by subnets or by availabilityZones", async () => {
            assert.match(
                messages(await run([asg("wide", { vpcZoneIdentifier: ["subnet-a", "subnet-b"] })]))[0],
                /^Auto Scaling group 'wide' spans 2 availability zones/,
            );
            assert.match(
                messages(await run([asg("zones", { availabilityZones: ["us-west-2a", "us-west-2b"] })]))[0],
                /spans 2 availability zones \(us-west-2a, us-west-2b\) through availabilityZones/,
            );
        });
    });

    describe("pulumi-eks components, judged on their inputs when no concrete child is in the stack", () => {
        for (const [type, key] of [
            ["eks:index:ManagedNodeGroup", "subnetIds"],
            ["eks:index:NodeGroup", "nodeSubnetIds"],
            ["eks:index:NodeGroupV2", "nodeSubnetIds"],
        ] as const) {
            it(`${type} (${key})`, async () => {
                assertCompliant(await run([{ type, name: "one", props: { [key]: ["subnet-a"] } }]));
                assert.match(
                    messages(await run([{ type, name: "wide", props: { [key]: ["subnet-a", "subnet-b"] } }]))[0],
                    /spans 2 availability zones/,
                );
            });
        }
    });

    describe("pools declared in CloudFormation templates", () => {
        const stack = (
            resources: Record<string, unknown>,
            type = "aws:cloudformation/stack:Stack",
        ): StackResourceSpec => ({
            type,
            name: "pools",
            props: { templateBody: JSON.stringify({ Resources: resources }) },
        });

        for (const type of [
            "aws:cloudformation/stack:Stack",
            "aws:cloudformation/stackSet:StackSet",
            "aws-native:cloudformation:Stack",
            "aws-native:cloudformation:StackSet",
        ]) {
            it(`judges AWS::EKS::Nodegroup and AWS::AutoScaling::AutoScalingGroup in a ${type}`, async () => {
                assertCompliant(
                    await run([
                        stack({ Ng: { Type: "AWS::EKS::Nodegroup", Properties: { Subnets: ["subnet-a"] } } }, type),
                    ]),
                );
                const wide = await run([
                    stack(
                        {
                            Ng: {
                                Type: "AWS::EKS::Nodegroup",
                                Properties: { NodegroupName: "wide-ng", Subnets: ["subnet-a", "subnet-b"] },
                            },
                            Asg: {
                                Type: "AWS::AutoScaling::AutoScalingGroup",
                                Properties: { VPCZoneIdentifier: "subnet-a,subnet-b" },
                            },
                        },
                        type,
                    ),
                ]);
                assert.deepEqual(
                    messages(wide).map((m) => m.split(" through ")[0]),
                    [
                        "Auto Scaling group 'Asg' of CloudFormation stack 'pools' spans 2 availability zones (us-west-2a, us-west-2b)",
                        "EKS node group 'wide-ng' of CloudFormation stack 'pools' spans 2 availability zones (us-west-2a, us-west-2b)",
                    ],
                );
            });
        }

        it("judges a template given as an object (aws-native's templateBody), never passing it unread", async () => {
            const objectStack = (subnets: string[]): StackResourceSpec => ({
                type: "aws-native:cloudformation:Stack",
                name: "pools",
                props: {
                    templateBody: {
                        Resources: {
                            Ng: { Type: "AWS::EKS::Nodegroup", Properties: { NodegroupName: "ng", Subnets: subnets } },
                        },
                    },
                },
            });
            assertCompliant(await run([objectStack(["subnet-a"])]));
            assert.match(
                messages(await run([objectStack(["subnet-a", "subnet-b"])]))[0],
                /^EKS node group 'ng' of CloudFormation stack 'pools' spans 2 availability zones/,
            );
        });

        it("reports placements computed by CloudFormation functions as not evaluated", async () => {
            const computed = stack({
                Asg: {
                    Type: "AWS::AutoScaling::AutoScalingGroup",
                    Properties: { VPCZoneIdentifier: { Ref: "Subnets" } },
                },
            });
            assertUnknown(await run([computed]), "is computed by a CloudFormation function");
        });

        it("exempts a template pool by its logical id or physical name", async () => {
            const wide = stack({
                System: {
                    Type: "AWS::EKS::Nodegroup",
                    Properties: { NodegroupName: "spark-dev-system", Subnets: ["subnet-a", "subnet-b"] },
                },
            });
            assertCompliant(await run([wide], { exemptPools: ["spark-dev-system"] }));
            assertCompliant(await run([wide], { exemptPools: ["System"] }));
        });

        it("ignores a template that declares no pool", async () => {
            assertCompliant(await run([stack({ Topic: { Type: "AWS::SNS::Topic" } })]));
        });
    });

    describe("known values beat inference", () => {
        const nodeGroup = (props: Record<string, unknown>, deps: string[] = []): StackResourceSpec => ({
            type: "aws:eks/nodeGroup:NodeGroup",
            name: "g",
            props: { clusterName: "spark-dev", nodeGroupName: "g", ...props },
            propertyDependencies: { subnetIds: deps.map((n) => urnOf("aws:ec2/subnet:Subnet", n)) },
        });

        it("judges known subnet ids even when the property dependencies name one zone", async () => {
            assert.match(
                messages(await run([nodeGroup({ subnetIds: ["subnet-a", "subnet-b"] }, ["a"])]))[0],
                /spans 2 availability zones/,
            );
            assert.match(
                messages(await run([nodeGroup({ subnetIds: ["subnet-a", "subnet-elsewhere"] }, ["a", "a2"])]))[0],
                /'subnet-elsewhere' .* not an aws:ec2\/subnet:Subnet/,
            );
        });

        it("counts one subnet as one zone, even when that subnet is not in this stack", async () => {
            assertCompliant(await run([nodeGroup({ subnetIds: ["subnet-0123456789abcdef0"] })]));
            assertCompliant(
                await run([nodeGroup({ subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef0"] })]),
            );
        });

        it("uses the property dependencies only for unknown ids", async () => {
            assertCompliant(await run([nodeGroup({ subnetIds: unknownArrayValue }, ["a", "a2"])]));
            assert.match(
                messages(await run([nodeGroup({ subnetIds: unknownArrayValue }, ["a", "b"])]))[0],
                /from its property dependencies/,
            );
        });
    });
});

/**
 * What a first `pulumi up` against a real account depends on, checked on the captured plans: the API is reachable
 * from the configured runners, access entries cannot collide with the creator's, the CNI runs on its own role,
 * log groups are encrypted, IRSA consumers wait for their policies, and the dependency graph keeps its critical
 * path. Each of these regressed silently once; every test here fails when its property does.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { karpenterControllerPolicies } from "../../components/autoscaling/karpenter";
import { deployerListedProblem } from "../../components/cluster";
import type { CapturedResource } from "../../tools/plan/capture";
import { type PlanResult, planStack } from "../../tools/plan/plan";
import { FIXTURE_STACKS_DIR, exclusively, planFixture } from "../support/fixture-stacks";
import { waitsFor } from "../support/plan-graph";
import { MODES, STACKS, allPlans, planOf } from "../support/plan-fixtures";
import { nonEmpty } from "../support/non-empty";
import { jsonInput, ofType, one } from "../support/plan-queries";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const INLINE = "aws:iam/rolePolicy:RolePolicy";
const ROLE = "aws:iam/role:Role";
const SPOT_ROLE = "aws:iam/serviceLinkedRole:ServiceLinkedRole";
const CNI_POLICY = /:iam::aws:policy\/AmazonEKS_CNI_Policy$/;

const eksCluster = (plan: PlanResult) => one(plan, "eks:index:Cluster");
const byUrn = (plan: PlanResult) => new Map(plan.resources.map((r) => [r.urn, r]));

/**
 * The cluster security group's ingress rules for API access by deployers and runners (the log domain's group has
 * rules of its own; the metrics collector's rules are the metrics tests').
 */
function apiRules(plan: PlanResult): CapturedResource[] {
    const groupId = (eksCluster(plan).outputs.eksCluster as { vpcConfig: { clusterSecurityGroupId: string } }).vpcConfig
        .clusterSecurityGroupId;
    return ofType(plan, INGRESS).filter(
        (r) => r.inputs.securityGroupId === groupId && !r.parent?.endsWith("spark:metrics:SparkMetrics::spark-metrics"),
    );
}

const childrenOf = (plan: PlanResult, parent: CapturedResource) =>
    plan.resources.filter((r) => r.parent === parent.urn);

describe("deployable for real", () => {
    describe("API reachability of a private cluster", () => {
        it("opens 443 on the cluster security group to exactly the configured runner networks and groups", async () => {
            const plan = await planOf("prod", "karpenter");
            const groupId = (eksCluster(plan).outputs.eksCluster as { vpcConfig: { clusterSecurityGroupId: string } })
                .vpcConfig.clusterSecurityGroupId;
            const rules = apiRules(plan);
            assert.deepEqual(rules.map((r) => r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId).sort(), [
                "10.40.0.0/24",
                "sg-0123456789abcdef0",
            ]);
            for (const r of rules) {
                assert.deepEqual(
                    [r.inputs.securityGroupId, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort],
                    [groupId, "tcp", 443, 443],
                    r.name,
                );
            }
        });

        it("lets nothing in the cluster use the Kubernetes provider before the API rules exist", async () => {
            const plan = await planOf("prod", "karpenter");
            const provider = one(plan, "pulumi:providers:kubernetes");
            for (const r of nonEmpty(apiRules(plan), "API ingress rule"))
                assert.ok(provider.dependencies.includes(r.urn), r.name);
        });

        it("opens nothing when no runner source is configured (dev reaches the public endpoint)", async () => {
            assert.deepEqual(apiRules(await planOf("dev", "karpenter")), []);
        });
    });

    describe("the deployer's own access entry", () => {
        it("names the listed principal, the deployer and the fix, with sessions resolved to their role", () => {
            const problem = deployerListedProblem(
                "arn:aws:iam::111111111111:role/ops/ci-deployer",
                "adminPrincipals",
                "arn:aws:sts::111111111111:assumed-role/ci-deployer/run-7",
            );
            assert.match(
                problem ?? "",
                /^spark-platform:adminPrincipals: "arn:aws:iam::111111111111:role\/ops\/ci-deployer" is the principal running/,
            );
            assert.match(problem ?? "", /remove it from adminPrincipals, or deploy with another principal$/);
            assert.ok(!(problem ?? "").includes("\n"));
            assert.equal(
                deployerListedProblem(
                    "arn:aws:iam::111111111111:role/ci-deployer",
                    "adminPrincipals",
                    "arn:aws:iam::222222222222:role/ci-deployer",
                ),
                undefined,
            );
        });

        for (const key of ["adminPrincipals", "viewerPrincipals"]) {
            it(`stops before the cluster exists, with a one-line error, when the deployer is in ${key}`, async () => {
                // The mocks answer GetCallerIdentity as role/ci-deployer of the stack's account.
                const registrations: CapturedResource[] = [];
                // The failure surfaces inside an Output, so the plan itself never settles; uncaughtErrorsOf does,
                // and no other plan of this process runs meanwhile.
                const errors = await exclusively(() =>
                    uncaughtErrorsOf(() =>
                        planStack({
                            stack: "dev",
                            stackDir: FIXTURE_STACKS_DIR,
                            configOverrides: { [key]: ["arn:aws:iam::111111111111:role/ci-deployer"] },
                            registrations,
                        }),
                    ),
                );
                assert.ok(errors.length > 0, "expected the run to fail");
                for (const e of errors) {
                    // A ResourceError that hides its stack: the language host prints its message alone.
                    assert.ok(pulumi.ResourceError.isInstance(e) && e.hideStack === true, String(e));
                    assert.match(e.message, new RegExp(`spark-platform:${key}: .* is the principal running pulumi up`));
                    assert.ok(!e.message.includes("\n"));
                }
                assert.deepEqual(
                    registrations.filter((r) => r.type.startsWith("eks:") || r.type.startsWith("aws:eks/")),
                    [],
                );
            });
        }
    });

    describe("VPC CNI", () => {
        it("runs on an IRSA role of kube-system:aws-node that holds the CNI policy", async () => {
            for (const { stack, mode, plan } of await allPlans()) {
                const addon = one(plan, "aws:eks/addon:Addon", "cluster-vpc-cni");
                const role = one(plan, ROLE, "cluster-vpc-cni-role");
                assert.equal(addon.inputs.serviceAccountRoleArn, role.outputs.arn, `${stack}/${mode}`);
                const trust = jsonInput<{ Statement: { Condition: { StringEquals: Record<string, string> } }[] }>(
                    role,
                    "assumeRolePolicy",
                );
                assert.ok(
                    Object.values(trust.Statement[0].Condition.StringEquals).includes(
                        "system:serviceaccount:kube-system:aws-node",
                    ),
                );
                const attached = ofType(plan, ATTACHMENT).filter((a) => a.inputs.role === role.outputs.name);
                assert.ok(
                    attached.some((a) => CNI_POLICY.test(String(a.inputs.policyArn))),
                    `${stack}/${mode}`,
                );
            }
        });

        it("is attached to no node role", async () => {
            for (const { stack, mode, plan } of await allPlans()) {
                const nodeRoles = ofType(plan, ROLE).filter((r) =>
                    String(r.inputs.assumeRolePolicy).includes("ec2.amazonaws.com"),
                );
                assert.ok(nodeRoles.length >= 2, `${stack}/${mode}: system and Spark node roles`);
                const names = new Set(nodeRoles.map((r) => r.outputs.name));
                const cni = ofType(plan, ATTACHMENT).filter(
                    (a) => names.has(a.inputs.role as string) && CNI_POLICY.test(String(a.inputs.policyArn)),
                );
                assert.deepEqual(
                    cni.map((a) => a.name),
                    [],
                    `${stack}/${mode}`,
                );
            }
        });
    });

    describe("hardening", () => {
        it("keeps the cluster on the STANDARD upgrade policy, never billed extended support", async () => {
            for (const stack of STACKS) {
                assert.deepEqual(eksCluster(await planOf(stack, "karpenter")).inputs.upgradePolicy, {
                    supportType: "STANDARD",
                });
            }
        });

        it("protects the prod cluster from deletion, and not dev", async () => {
            assert.equal(eksCluster(await planOf("prod", "karpenter")).inputs.deletionProtection, true);
            assert.equal(eksCluster(await planOf("dev", "karpenter")).inputs.deletionProtection, false);
        });

        it("encrypts every log group with the stack's platform key", async () => {
            for (const { stack, mode, plan } of await allPlans()) {
                const key = one(plan, "aws:kms/key:Key", "platform-key-key");
                const groups = ofType(plan, "aws:cloudwatch/logGroup:LogGroup");
                assert.ok(groups.length >= (stack === "prod" ? 2 : 1));
                for (const g of groups) assert.equal(g.inputs.kmsKeyId, key.outputs.arn, `${stack}/${mode} ${g.name}`);
            }
        });

        it("grants Karpenter no zonal-shift permission the chart does not use", async () => {
            const plan = await planOf("dev", "karpenter");
            const actions = ofType(plan, INLINE).flatMap((p) =>
                jsonInput<{ Statement: { Action: string | string[] }[] }>(p, "policy").Statement.flatMap(
                    (s) => s.Action,
                ),
            );
            assert.deepEqual(
                actions.filter((a) => a.startsWith("arc-zonal-shift:")),
                [],
            );
        });
    });

    describe("IRSA consumers", () => {
        it("wait for every policy attached to the role they use, not just the role", async () => {
            for (const { stack, mode, plan } of await allPlans()) {
                for (const irsa of nonEmpty(ofType(plan, "spark:iam:IrsaRole"), `${stack}/${mode} IRSA role`)) {
                    const children = childrenOf(plan, irsa);
                    const role = children.find((c) => c.type === ROLE)!;
                    const policies = children
                        .filter((c) => c.type === ATTACHMENT || c.type === INLINE)
                        .map((c) => c.urn);
                    assert.ok(policies.length > 0, `${irsa.name} has policies`);
                    const consumers = plan.resources.filter(
                        (r) => r.parent !== irsa.urn && r.dependencies.includes(role.urn) && r.type !== INLINE,
                    );
                    assert.ok(consumers.length > 0, `${stack}/${mode}: ${irsa.name} has a consumer`);
                    for (const c of consumers) {
                        const missing = policies.filter((p) => !c.dependencies.includes(p));
                        assert.deepEqual(
                            missing,
                            [],
                            `${stack}/${mode}: ${c.name} uses ${irsa.name} before these are attached`,
                        );
                    }
                }
            }
        });
    });

    describe("Karpenter controller instance profiles", () => {
        const MUTATING = /^iam:(Create|Tag|Untag|AddRoleTo|RemoveRoleFrom|Delete)InstanceProfile$/;
        type Statement = {
            Sid?: string;
            Action: string | string[];
            Resource: string | string[];
            Condition?: Record<string, Record<string, unknown>>;
        };

        /** Statements that let the controller change an instance profile without this cluster's ownership tag. */
        function unownedProfileStatements(documents: { Statement: Statement[] }[], clusterName: string): string[] {
            const tag = `kubernetes.io/cluster/${clusterName}`;
            return documents
                .flatMap((d) => d.Statement)
                .filter((s) => {
                    const actions = typeof s.Action === "string" ? [s.Action] : s.Action;
                    if (!actions.some((a) => MUTATING.test(a))) return false;
                    const equals = s.Condition?.StringEquals ?? {};
                    const owned =
                        equals[`aws:ResourceTag/${tag}`] === "owned" || equals[`aws:RequestTag/${tag}`] === "owned";
                    return !owned;
                })
                .map((s) => s.Sid ?? JSON.stringify(s.Action));
        }

        it("condition every mutating iam:*InstanceProfile statement on this cluster's ownership tag", async () => {
            const plan = await planOf("dev", "karpenter");
            const documents = ofType(plan, INLINE)
                .filter((p) => String(p.parent).includes("karpenter-controller"))
                .map((p) => jsonInput<{ Statement: Statement[] }>(p, "policy"));
            const profileStatements = documents
                .flatMap((d) => d.Statement)
                .filter((s) => [s.Action].flat().some((a) => MUTATING.test(a)));
            assert.ok(profileStatements.length >= 3);
            assert.deepEqual(unownedProfileStatements(documents, "spark-dev"), []);
        });

        it("would catch a statement without the condition, whatever its Sid and Resource shape", () => {
            const policies = karpenterControllerPolicies({
                partition: "aws",
                accountId: "111111111111",
                region: "us-west-2",
                clusterName: "c",
                nodeRoleArn: "arn:aws:iam::111111111111:role/n",
                interruptionQueueArn: "arn:aws:sqs:us-west-2:111111111111:q",
            });
            const documents = Object.values(policies) as unknown as { Statement: Statement[] }[];
            assert.deepEqual(unownedProfileStatements(documents, "c"), []);
            const loose: Statement = { Sid: "Renamed", Action: "iam:DeleteInstanceProfile", Resource: "*" };
            const listed: Statement = {
                Action: ["iam:ListInstanceProfiles", "iam:AddRoleToInstanceProfile"],
                Resource: ["*"],
                Condition: { StringEquals: { "aws:ResourceTag/other": "owned" } },
            };
            assert.deepEqual(unownedProfileStatements([...documents, { Statement: [loose, listed] }], "c"), [
                "Renamed",
                JSON.stringify(listed.Action),
            ]);
        });
    });

    describe("Spark nodes", () => {
        it("boot the AL2023 AMI the NVMe RAID0 user data is written for, in every group and class", async () => {
            for (const stack of STACKS) {
                const groups = ofType(await planOf(stack, "cluster-autoscaler"), "aws:eks/nodeGroup:NodeGroup");
                assert.ok(groups.length >= 3, stack);
                for (const g of groups) assert.equal(g.inputs.amiType, "AL2023_x86_64_STANDARD", `${stack} ${g.name}`);
                const classes = ofType(
                    await planOf(stack, "karpenter"),
                    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
                );
                assert.ok(classes.length > 0);
                for (const c of classes) {
                    const spec = c.inputs.spec as {
                        amiSelectorTerms: { alias: string }[];
                        instanceStorePolicy: string;
                    };
                    assert.ok(
                        spec.amiSelectorTerms.every((t) => t.alias.startsWith("al2023@")),
                        `${stack} ${c.name}`,
                    );
                    assert.equal(spec.instanceStorePolicy, "RAID0");
                }
            }
        });

        it("consolidate executor nodes after the delay the settings give, drivers unchanged", async () => {
            const pools = async (delay?: string) => {
                const plan = await planFixture({
                    stack: "dev",
                    configOverrides: delay ? { sparkExecutorConsolidateAfter: delay } : {},
                });
                return ofType(plan, "kubernetes:karpenter.sh/v1:NodePool").map((p) => ({
                    role: (p.inputs.metadata as { name: string }).name.split("-")[1],
                    after: (p.inputs.spec as { disruption: { consolidateAfter: string } }).disruption.consolidateAfter,
                }));
            };
            const configured = await pools("7m");
            assert.deepEqual(
                configured.filter((p) => p.role === "executor").map((p) => p.after),
                ["7m"],
            );
            assert.deepEqual(
                configured.filter((p) => p.role === "driver").map((p) => p.after),
                ["5m"],
            );
            assert.deepEqual(
                (await pools()).filter((p) => p.role === "executor").map((p) => p.after),
                ["2m"],
            );
        });
    });

    describe("Spot service-linked role", () => {
        it("is created only when the stack asks for it, and waits for nothing", async () => {
            assert.deepEqual(ofType(await planOf("dev", "karpenter"), SPOT_ROLE), []);
            const plan = await planFixture({ stack: "dev", configOverrides: { createSpotServiceLinkedRole: true } });
            const role = one(plan, SPOT_ROLE, "spot");
            assert.equal(role.inputs.awsServiceName, "spot.amazonaws.com");
            assert.equal(role.dependencies.length, 0);
        });
    });

    describe("critical path", () => {
        it("creates the platform key, the network and the Spot role without waiting for the cluster", async () => {
            const plan = await planFixture({ stack: "prod", configOverrides: { createSpotServiceLinkedRole: true } });
            const cluster = eksCluster(plan).urn;
            const independent = [
                one(plan, "aws:kms/key:Key", "platform-key-key"),
                one(plan, SPOT_ROLE, "spot"),
                ...nonEmpty(
                    plan.resources.filter((r) => r.type.startsWith("aws:ec2/") && r.parent?.endsWith("::network")),
                    "network resource",
                ),
            ];
            for (const r of independent) assert.ok(!waitsFor(plan, r).has(cluster), `${r.name} waits for the cluster`);
        });

        it("starts the control plane after network, keys and log group only, never an add-on or node", async () => {
            for (const mode of MODES) {
                const plan = await planOf("prod", mode);
                const index = byUrn(plan);
                const upstream = [...waitsFor(plan, eksCluster(plan))].map((urn) => index.get(urn)!.type);
                const allowed =
                    /^(aws:ec2\/|aws:kms\/|aws:cloudwatch\/logGroup|pulumi:providers:aws|spark:(network|encryption):)/;
                assert.deepEqual(
                    upstream.filter((t) => !allowed.test(t)),
                    [],
                    mode,
                );
            }
        });

        it("opens the API rules right after the cluster, without waiting for nodes or add-ons", async () => {
            const plan = await planOf("prod", "karpenter");
            const index = byUrn(plan);
            for (const rule of nonEmpty(ofType(plan, INGRESS), "API ingress rule")) {
                const upstream = [...waitsFor(plan, rule)].map((urn) => index.get(urn)!.type);
                assert.deepEqual(
                    upstream.filter((t) => t.startsWith("aws:eks/") || t.startsWith("kubernetes:")),
                    [],
                    rule.name,
                );
            }
        });

        it("lets the system nodes wait for the VPC CNI, never the CNI for the nodes", async () => {
            const plan = await planOf("prod", "karpenter");
            const cni = one(plan, "aws:eks/addon:Addon", "cluster-vpc-cni");
            const nodes = one(plan, "aws:eks/nodeGroup:NodeGroup", "cluster-system");
            assert.ok(waitsFor(plan, nodes).has(cni.urn));
            assert.ok(!waitsFor(plan, cni).has(nodes.urn));
        });
    });
});

/**
 * Runs a plan whose program fails inside an Output (as a guard on a resource input does) and returns what reached
 * the process's uncaught handlers, which is where the Pulumi language host reports such errors. Mocha's own
 * handlers are set aside meanwhile and put back afterwards.
 */
async function uncaughtErrorsOf(run: () => Promise<unknown>): Promise<unknown[]> {
    const savedRejection = process.listeners("unhandledRejection");
    const savedException = process.listeners("uncaughtException");
    process.removeAllListeners("unhandledRejection");
    process.removeAllListeners("uncaughtException");
    const caught: unknown[] = [];
    let settle: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (settle = resolve));
    const record = (e: unknown) => {
        caught.push(e);
        settle();
    };
    process.on("unhandledRejection", record);
    process.on("uncaughtException", record);
    // Cleared once the first error arrives: a pending timer would keep the test process alive after the last test.
    let giveUp: NodeJS.Timeout | undefined;
    try {
        void run().catch(record);
        await Promise.race([first, new Promise((resolve) => (giveUp = setTimeout(resolve, 20_000)))]);
        await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
        clearTimeout(giveUp);
        process.removeAllListeners("unhandledRejection");
        process.removeAllListeners("uncaughtException");
        for (const l of savedRejection) process.on("unhandledRejection", l);
        for (const l of savedException) process.on("uncaughtException", l);
    }
    return caught;
}

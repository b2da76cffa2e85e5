/**
 * The whole program (index.ts) planned for the fixture stacks in both autoscaler modes: the Spark platform is
 * wired end to end, the policy pack passes, the log domain overlaps the EKS cluster, every role that trusts a
 * service account is evaluated by an independent IAM engine, and other regions plan too.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { SPARK_ROLES } from "../../components/vocabulary";
import { base36 } from "../../components/emr";
import { serviceAccountSubject } from "../../components/iam";
import { parseSettings } from "../../stack-config";
import type { CapturedResource } from "../../tools/plan/capture";
import type { PlanResult } from "../../tools/plan/plan";
import { packVerdicts } from "../../tools/policy-eval/evaluate";
import { fixtureStackConfig, planFixture } from "../support/fixture-stacks";
import { MODES, STACKS, allPlans, planOf } from "../support/plan-fixtures";
import { jsonInput, ofType } from "../support/plan-queries";
import { assumeWithWebIdentity } from "../support/iam-simulation";

const CONFIG_DIR = path.resolve(__dirname, "..", "..", "policies", "config");
const policyConfig = (stack: string): unknown =>
    JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${stack}.json`), "utf8"));

interface TrustStatement {
    Principal: { Federated?: string };
    Condition?: Record<string, Record<string, string>>;
}

/** Every URN `urn` waits for, directly or through what it waits for (dependencies and property dependencies). */
function transitiveDependencies(plan: PlanResult, urn: string): Set<string> {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const queue = [urn];
    while (queue.length > 0) {
        const r = byUrn.get(queue.pop()!);
        if (!r) continue;
        for (const dep of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) {
            if (!seen.has(dep)) {
                seen.add(dep);
                queue.push(dep);
            }
        }
    }
    return seen;
}

const isEksCluster = (urn: string) => urn.endsWith("eks:index:Cluster::cluster-eks") || /::cluster$/.test(urn);

/** A captured output that must be a string (ARNs, names). */
function text(value: unknown): string {
    assert.equal(typeof value, "string", `${JSON.stringify(value)} is not a string`);
    return value as string;
}

function settingsOf(stack: string) {
    return parseSettings(fixtureStackConfig(stack), "spark-platform", stack);
}

describe("the whole platform (index.ts planned for the fixture stacks)", function () {
    this.timeout(300_000);

    for (const stack of STACKS) {
        for (const mode of MODES) {
            it(`${stack} with ${mode}: the policy pack finds no violation and leaves nothing unevaluated`, async () => {
                const plan = await planOf(stack, mode);
                assert.deepEqual(await packVerdicts(plan.stackExport, policyConfig(stack)), {
                    violations: [],
                    notEvaluated: [],
                });
            });
        }
    }

    it("must not make the log domain wait for the EKS cluster (only its ingress rule and access policy do)", async () => {
        for (const { stack, mode, plan } of await allPlans()) {
            const clusterUrns = ofType(plan, "eks:index:Cluster").map((r) => r.urn);
            assert.equal(clusterUrns.length, 1);
            const [domain] = ofType(plan, "aws:opensearch/domain:Domain");
            const domainDeps = transitiveDependencies(plan, domain.urn);
            assert.ok(domainDeps.size > 0, "the domain waits for its key, subnets and log groups");
            assert.ok(!domainDeps.has(clusterUrns[0]), `${stack}/${mode}: the domain waits for the EKS cluster`);
            assert.ok(![...domainDeps].some(isEksCluster), `${stack}/${mode}: ${[...domainDeps].join("\n")}`);
            const byParent = (type: string) => ofType(plan, type).filter((r) => r.parent?.endsWith("LogDomain::logs"));
            const [ingress] = byParent("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
            assert.ok(
                transitiveDependencies(plan, ingress.urn).has(clusterUrns[0]),
                "the rule waits for the cluster SG",
            );
            assert.equal(byParent("aws:opensearch/domainPolicy:DomainPolicy").length, 1);
        }
    });

    it("has one AMP workspace and one Kubecost release, with IRSA roles naming the workspace's ARN", async () => {
        for (const { stack, mode, plan } of await allPlans()) {
            const workspaces = ofType(plan, "aws:amp/workspace:Workspace");
            assert.equal(workspaces.length, 1, `${stack}/${mode}`);
            const charts = ofType(plan, "kubernetes:helm.sh/v4:Chart").filter((c) => c.name === "kubecost");
            assert.equal(charts.length, 1, `${stack}/${mode}`);
            const ampPolicies = ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) =>
                String(p.inputs.name).startsWith("amp-"),
            );
            assert.equal(ampPolicies.length, 2);
            for (const p of ampPolicies) assert.ok(String(p.inputs.policy).includes(text(workspaces[0].outputs.arn)));
            assert.deepEqual((plan.outputs.ampWorkspace as { arn: string }).arn, workspaces[0].outputs.arn);
        }
    });

    it("gives each team one virtual cluster, one execution role and a driver and executor template per zone", async () => {
        for (const { stack, mode, plan } of await allPlans()) {
            const settings = settingsOf(stack);
            const outputs = plan.outputs.sparkTeamOutputs as Record<string, Record<string, unknown>>;
            assert.deepEqual(Object.keys(outputs).sort(), settings.teams.map((t) => t.name).sort());
            for (const team of settings.teams) {
                const mine = (r: CapturedResource) => r.parent?.endsWith(`SparkTeamJobs::${team.name}-emr`) ?? false;
                const clusters = ofType(plan, "aws:emrcontainers/virtualCluster:VirtualCluster").filter(mine);
                assert.equal(clusters.length, 1, `${stack}/${mode} ${team.name}`);
                const roles = ofType(plan, "aws:iam/role:Role").filter(
                    (r) => r.inputs.name === `spark-${stack}-${team.name}-emr-job`,
                );
                assert.equal(roles.length, 1);
                const objects = ofType(plan, "aws:s3/bucketObjectv2:BucketObjectv2").filter(mine);
                const templates = objects.filter((o) => String(o.inputs.key).startsWith("pod-templates/"));
                // Beside the templates, only the team's event-log directory marker.
                assert.deepEqual(
                    objects.filter((o) => !templates.includes(o)).map((o) => o.inputs.key),
                    [`spark-events/${team.name}/`],
                );
                assert.deepEqual(
                    templates.map((t) => String(t.inputs.key)).sort(),
                    settings.spark.zones
                        .flatMap((z) => SPARK_ROLES.map((role) => `pod-templates/${team.name}/${z}/${role}.yaml`))
                        .sort(),
                );
                // The wiring in index.ts gives both roles the log sidecar: every driver and every executor template
                // runs a container named fluent-bit beside Spark (a volume named fluent-bit-… is not one).
                for (const t of templates) {
                    const pod = parseYaml(String(t.inputs.content)) as { spec: { containers: { name: string }[] } };
                    assert.ok(
                        pod.spec.containers.some((c) => c.name === "fluent-bit"),
                        `${stack}/${mode} ${String(t.inputs.key)}: no fluent-bit container`,
                    );
                }
                const out = outputs[team.name];
                assert.equal(out.namespace, team.namespace);
                assert.equal(out.executionRoleArn, roles[0].outputs.arn);
                assert.equal(out.virtualClusterId, clusters[0].id);
                assert.equal(out.logIndexPrefix, `spark-logs-${team.name}`);
                // The service account names the same role the job runs as: one role per team.
                const [sa] = ofType(plan, "kubernetes:core/v1:ServiceAccount").filter(
                    (r) => (r.inputs.metadata as { namespace: string }).namespace === team.namespace,
                );
                assert.equal(
                    (sa.inputs.metadata as { annotations: Record<string, string> }).annotations[
                        "eks.amazonaws.com/role-arn"
                    ],
                    roles[0].outputs.arn,
                );
                // The virtual cluster is created once the namespace exists.
                const namespace = ofType(plan, "kubernetes:core/v1:Namespace").find(
                    (r) => (r.inputs.metadata as { name: string }).name === team.namespace,
                )!;
                assert.ok(transitiveDependencies(plan, clusters[0].urn).has(namespace.urn));
                // The role may write to its own log index only.
                const write = ofType(plan, "aws:iam/rolePolicy:RolePolicy").find(
                    (p) => p.parent === roles[0].parent && p.inputs.name === "log-index-write",
                )!;
                assert.match(
                    String(write.inputs.policy),
                    new RegExp(`domain/spark-${stack}-logs/spark-logs-${team.name}`),
                );
            }
        }
    });

    it("lets every role that trusts a service account be assumed by exactly its service accounts (IAM simulation)", async () => {
        for (const { stack, mode, plan } of await allPlans()) {
            const providerArn = String(plan.outputs.oidcProviderArn);
            const issuer = providerArn.split(":oidc-provider/")[1];
            const accountId = plan.account.accountId;
            const settings = settingsOf(stack);
            let evaluated = 0;
            for (const role of ofType(plan, "aws:iam/role:Role")) {
                const trust = jsonInput<{ Statement: TrustStatement[] }>(role, "assumeRolePolicy");
                if (!trust.Statement.some((s) => s.Principal.Federated !== undefined)) continue;
                const roleArn = text(role.outputs.arn);
                const assume = (sub: string, aud?: string) =>
                    assumeWithWebIdentity({ trustPolicy: trust, providerArn, issuer, sub, roleArn, aud });
                const label = `${stack}/${mode} ${role.name}`;
                const roleName = text(role.outputs.name);
                const team = settings.teams.find((t) => roleName === `spark-${stack}-${t.name}-emr-job`);
                let allowed: string[];
                let denied: string[];
                if (team) {
                    const other = settings.teams.find((t) => t !== team)?.namespace ?? "spark-other";
                    const emrSa = `emr-containers-sa-spark-driver-${accountId}-${base36(roleName)}`;
                    allowed = [
                        serviceAccountSubject(team.namespace, `${team.name}-spark`),
                        serviceAccountSubject(team.namespace, emrSa),
                    ];
                    denied = [
                        serviceAccountSubject(team.namespace, "default"),
                        serviceAccountSubject(other, `${team.name}-spark`),
                        serviceAccountSubject(other, emrSa),
                        serviceAccountSubject(
                            team.namespace,
                            `emr-containers-sa-spark-driver-${accountId}-${base36("other")}`,
                        ),
                    ];
                } else {
                    const sub = trust.Statement[0].Condition!.StringEquals[`${issuer}:sub`];
                    const [, , namespace, serviceAccount] = sub.split(":");
                    allowed = [sub];
                    denied = [
                        serviceAccountSubject(namespace, "default"),
                        serviceAccountSubject("default", serviceAccount),
                    ];
                }
                for (const sub of allowed) assert.equal(await assume(sub), "Allowed", `${label}: ${sub}`);
                for (const sub of denied) assert.equal(await assume(sub), "ImplicitlyDenied", `${label}: ${sub}`);
                assert.equal(
                    await assume(allowed[0], "sts.amazonaws.com.evil"),
                    "ImplicitlyDenied",
                    `${label}: audience`,
                );
                evaluated++;
            }
            // Per team an EMR job role and its History Server's; Kubecost's two; the VPC CNI's; the EBS CSI driver's;
            // the autoscaler's; and the log retention Job's.
            assert.equal(evaluated, 2 * settings.teams.length + 6, `${stack}/${mode}`);
        }
    });

    for (const { region, zones, admin } of [
        {
            region: "eu-west-1",
            zones: ["eu-west-1a", "eu-west-1b"],
            admin: "arn:aws:iam::111111111111:role/platform-admin",
        },
        {
            region: "us-gov-west-1",
            zones: ["us-gov-west-1a", "us-gov-west-1b"],
            admin: "arn:aws-us-gov:iam::111111111111:role/platform-admin",
        },
    ]) {
        it(`plans in ${region} with the samples deployed, the policy pack passing and only that partition's ARNs`, async () => {
            const plan = await planFixture({
                stack: "dev",
                configOverrides: {
                    "aws:region": region,
                    availabilityZones: zones,
                    sparkZones: [zones[0]],
                    adminPrincipals: [admin],
                    // The samples too, so the pack judges the SparkApplications the operator would run.
                    deploySparkSamples: true,
                },
            });
            assert.equal(ofType(plan, "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication").length, 1);
            assert.deepEqual(await packVerdicts(plan.stackExport, policyConfig("dev")), {
                violations: [],
                notEvaluated: [],
            });
            const partition = admin.split(":")[1];
            const chart = ofType(plan, "kubernetes:helm.sh/v4:Chart").find((c) => c.name === "spark-operator")!;
            assert.match(
                String(chart.inputs.chart),
                new RegExp(`\\.dkr\\.ecr\\.${region}\\.amazonaws\\.com/spark-operator$`),
            );
            if (partition !== "aws") {
                for (const r of plan.resources) {
                    const text = JSON.stringify(r.inputs);
                    assert.ok(
                        !text.includes("arn:aws:"),
                        `${r.type} ${r.name}: ${/.{0,60}arn:aws:.{0,40}/.exec(text)?.[0]}`,
                    );
                }
            }
            const out = plan.outputs.sparkTeamOutputs as Record<string, { executionRoleArn: string }>;
            assert.match(out["data-eng"].executionRoleArn, new RegExp(`^arn:${partition}:iam::`));
        });
    }

    it("publishes the exact command that puts the stack's cluster into ~/.kube/config", async () => {
        for (const { stack, mode, plan } of await allPlans()) {
            const name = text(plan.outputs.clusterName);
            assert.ok(name.length > 0, `${stack}/${mode}`);
            assert.equal(
                plan.outputs.updateKubeconfigCommand,
                `aws eks update-kubeconfig --region ${settingsOf(stack).aws.region} --name ${name} --alias ${name}`,
                `${stack}/${mode}`,
            );
        }
    });
});

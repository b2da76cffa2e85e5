/**
 * The Spark components planned under the plan's mocks with a hand-made ClusterContext: what they register, every
 * Kubernetes object schema-valid, the policy pack at zero violations. The team's job role is the EMR job
 * execution role (test/components/emr), whose trust is evaluated by an independent IAM engine there and in the
 * whole-stack plan (test/program).
 */
import * as assert from "node:assert/strict";
import {
    EMR_ON_EKS_ECR_ACCOUNTS,
    EmrReleaseLabel,
    dnsSuffixOf,
    parseEmrReleaseLabel,
} from "../../../components/vocabulary";
import { PUBLIC_GALLERY_CHART, SPARK_PRIORITY_CLASSES, SparkOperator } from "../../../components/spark";
import type { CapturedResource } from "../../../tools/plan/capture";
import { packVerdicts } from "../../../tools/policy-eval/evaluate";
import { SECRET_SIG, SPECIAL_SIG_KEY } from "../../../tools/stack-export";
import { withoutSecretWrappers } from "../../support/secrets";
import { SPARK_APPLICATION_CRD, crdValidator, schemaErrors } from "./crd-validator";
import { SparkPlan, TEAMS, jobRoleArnOf, planSpark } from "./spark-plan";
import { handMadeCluster } from "../../support/cluster-context";
import { ofType } from "../../support/plan-queries";
import { planProgram } from "../../../tools/plan/plan";
import * as pulumi from "@pulumi/pulumi";
import { nonEmpty } from "../../support/non-empty";

const CHART = "kubernetes:helm.sh/v4:Chart";
const SPARK_APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";
const metaOf = (r: CapturedResource) =>
    r.inputs.metadata as {
        name: string;
        namespace?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
    };
const byNamespace = (rs: CapturedResource[], namespace: string) => rs.filter((r) => metaOf(r).namespace === namespace);

interface Validatable {
    validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** kubernetes-models class of a `kubernetes:<group>/<version>:<Kind>` type token. */
async function coreModel(type: string): Promise<ModelClass> {
    const m = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
    if (!m) throw new Error(`${type} is not a Kubernetes type token`);
    const [, group, version, kind] = m;
    const module =
        group === "core" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
    const loaded = (await import(module)) as Record<string, ModelClass | undefined>;
    const model = loaded[kind];
    if (!model) throw new Error(`${module} exports no ${kind}`);
    return model;
}

function modelErrors(model: ModelClass, data: unknown): string | undefined {
    try {
        new model(data).validate();
        return undefined;
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    }
}

describe("Spark components (planned under mocks)", function () {
    this.timeout(120_000);
    let plan: SparkPlan;
    before(async () => {
        plan = await planSpark();
    });

    describe("Spark Operator", () => {
        it("installs the chart from the region's registry at the release's version, with that registry's token", () => {
            const [chart] = ofType(plan, CHART);
            assert.equal(chart.inputs.chart, "oci://895885662937.dkr.ecr.us-west-2.amazonaws.com/spark-operator");
            assert.equal(chart.inputs.version, "7.12.0");
            assert.deepEqual([chart.inputs.name, chart.inputs.namespace], ["spark-operator", "spark-operator"]);
            assert.deepEqual(plan.invokes, [
                {
                    token: "aws:ecr/getAuthorizationToken:getAuthorizationToken",
                    inputs: { registryId: "895885662937" },
                },
            ]);
            assert.match(
                JSON.stringify(chart.serializedInputs.repositoryOpts),
                /1b47061264138c4ac30d75fd1eb44270/,
                "credentials are a secret",
            );
        });

        it("sets the region, the webhook, the team namespaces and the system nodes", () => {
            const values = ofType(plan, CHART)[0].inputs.values as Record<string, unknown>;
            assert.deepEqual(values.emrContainers, { awsRegion: "us-west-2" });
            assert.deepEqual(values.webhook, {
                enable: true,
                port: 8080,
                namespaceSelector: "spark-platform/spark-jobs=enabled",
            });
            assert.deepEqual(
                values.sparkJobNamespaces,
                TEAMS.map((t) => t.namespace),
            );
            assert.deepEqual(values.nodeSelector, { "spark-platform/pool": "system" });
            assert.equal((values.securityContext as { runAsNonRoot: boolean }).runAsNonRoot, true);
            assert.equal((values.podSecurityContext as { runAsNonRoot: boolean }).runAsNonRoot, true);
        });

        it("creates its namespace and ingress policy before the chart", () => {
            const [chart] = ofType(plan, CHART);
            const namespace = ofType(plan, "kubernetes:core/v1:Namespace").find(
                (r) => metaOf(r).name === "spark-operator",
            )!;
            const policy = ofType(plan, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(
                (r) => metaOf(r).namespace === "spark-operator",
            )!;
            assert.ok(chart.dependencies.includes(namespace.urn) && chart.dependencies.includes(policy.urn));
            assert.equal(metaOf(namespace).labels?.["pod-security.kubernetes.io/enforce"], "baseline");
            assert.equal(metaOf(namespace).labels?.["pod-security.kubernetes.io/warn"], "restricted");
        });

        it("creates what the chart's hooks would (helm.v4.Chart drops them), and the chart waits for each", () => {
            const [chart] = ofType(plan, CHART);
            const inOperatorNs = (type: string) => byNamespace(ofType(plan, type), "spark-operator");
            const [sa] = inOperatorNs("kubernetes:core/v1:ServiceAccount");
            assert.equal(metaOf(sa).name, "emr-containers-sa-spark-operator");
            const [role] = ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
            const [binding] = ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
            assert.equal(metaOf(role).name, "spark-operator");
            assert.deepEqual(binding.inputs.roleRef, {
                apiGroup: "rbac.authorization.k8s.io",
                kind: "ClusterRole",
                name: "spark-operator",
            });
            assert.deepEqual(binding.inputs.subjects, [
                { kind: "ServiceAccount", name: "emr-containers-sa-spark-operator", namespace: "spark-operator" },
            ]);
            const [secret] = inOperatorNs("kubernetes:core/v1:Secret");
            assert.equal(metaOf(secret).name, "spark-operator-webhook-certs");
            const data = withoutSecretWrappers(secret.inputs.stringData) as Record<string, string>;
            assert.deepEqual(Object.keys(data).sort(), [
                "ca-cert.pem",
                "ca-key.pem",
                "server-cert.pem",
                "server-key.pem",
            ]);
            assert.match(data["server-key.pem"], /^-----BEGIN RSA PRIVATE KEY-----/);
            assert.equal(
                (secret.serializedInputs.stringData as Record<string, unknown>)[SPECIAL_SIG_KEY],
                SECRET_SIG,
                "the keys are secret",
            );
            for (const r of [sa, role, binding, secret]) {
                assert.ok(chart.dependencies.includes(r.urn), `the chart waits for ${r.type} ${r.name}`);
            }
        });

        it("turns the chart's own hook copies and its spark-role off, and pins the names they use", () => {
            const values = ofType(plan, CHART)[0].inputs.values as Record<string, Record<string, unknown>>;
            assert.deepEqual(values.serviceAccounts.sparkoperator, {
                create: false,
                name: "emr-containers-sa-spark-operator",
            });
            assert.deepEqual(values.rbac, { create: false, createRole: false, createClusterRole: false });
            assert.equal(values.fullnameOverride, "spark-operator");
        });

        it("serves the webhook a certificate for its Service's name, and restarts the operator when it changes", () => {
            const [request] = ofType(plan, "tls:index/certRequest:CertRequest");
            assert.deepEqual(request.inputs.dnsNames, ["spark-operator-webhook.spark-operator.svc"]);
            const [server] = ofType(plan, "tls:index/locallySignedCert:LocallySignedCert");
            const [ca] = ofType(plan, "tls:index/selfSignedCert:SelfSignedCert");
            assert.equal(ca.inputs.isCaCertificate, true);
            assert.ok((server.inputs.allowedUses as string[]).includes("serverAuth"));
            for (const cert of [ca, server]) {
                assert.equal(cert.inputs.validityPeriodHours, 87600);
                assert.equal(cert.inputs.earlyRenewalHours, 8760, "reissued by the first pulumi up in its last year");
            }
            const values = ofType(plan, CHART)[0].inputs.values as { podAnnotations: Record<string, string> };
            assert.match(values.podAnnotations["spark-platform/webhook-certs-sha256"], /^[0-9a-f]{64}$/);
        });

        it("grants the operator what the 1.1.27 operator uses with these values, and no secrets, nodes or CRDs", () => {
            const [role] = ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
            const rules = role.inputs.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
            const resources = rules.flatMap((r) => r.resources).sort();
            assert.deepEqual(resources, [
                "configmaps",
                "events",
                "mutatingwebhookconfigurations",
                "pods",
                "scheduledsparkapplications",
                "scheduledsparkapplications/status",
                "services",
                "sparkapplications",
                "sparkapplications/status",
                "validatingwebhookconfigurations",
            ]);
            assert.ok(rules.every((r) => !r.apiGroups.includes("*") && !r.resources.includes("*")));
        });

        it("pulls from the public gallery without registry credentials when configured so", async () => {
            const gallery = await planSpark({ source: "public-gallery", region: "eu-west-1" });
            const [chart] = ofType(gallery, CHART);
            assert.equal(chart.inputs.chart, PUBLIC_GALLERY_CHART);
            assert.equal(chart.inputs.repositoryOpts, undefined);
            assert.deepEqual(gallery.invokes, []);
        });

        it("fails the deployment with one line on a region without an EMR registry", async () => {
            let error: unknown;
            await planProgram(
                () => {
                    try {
                        new SparkOperator("spark-operator", {
                            cluster: handMadeCluster({ region: "eu-west-9", networkPolicies: true }),
                            emrRelease: parseEmrReleaseLabel("emr-7.12.0-latest") as EmrReleaseLabel,
                            jobNamespaces: ["spark-a"],
                        });
                    } catch (e) {
                        error = e;
                    }
                },
                { account: { region: "eu-west-9" } },
            );
            assert.ok(error instanceof pulumi.ResourceError);
            assert.match(
                error.message,
                /^Spark Operator: aws:region: "eu-west-9" has no EMR on EKS registry; use one of: /,
            );
            assert.doesNotMatch(error.message, /\n/);
        });
    });

    describe("teams", () => {
        it("get a namespace EMR jobs are admitted to, a quota, limits and four network policies each", () => {
            for (const team of TEAMS) {
                const ns = ofType(plan, "kubernetes:core/v1:Namespace").find((r) => metaOf(r).name === team.namespace)!;
                // Every team has an EMR virtual cluster: baseline enforced, restricted warned and audited.
                assert.equal(metaOf(ns).labels?.["pod-security.kubernetes.io/enforce"], "baseline");
                assert.equal(metaOf(ns).labels?.["pod-security.kubernetes.io/warn"], "restricted");
                assert.equal(metaOf(ns).labels?.["pod-security.kubernetes.io/audit"], "restricted");
                const [quota] = byNamespace(ofType(plan, "kubernetes:core/v1:ResourceQuota"), team.namespace);
                assert.deepEqual((quota.inputs.spec as { hard: unknown }).hard, {
                    "requests.cpu": team.quota.cpu,
                    "requests.memory": team.quota.memory,
                    "limits.memory": team.quota.memory,
                });
                const [limits] = byNamespace(ofType(plan, "kubernetes:core/v1:LimitRange"), team.namespace);
                assert.deepEqual((limits.inputs.spec as { limits: { max: unknown }[] }).limits[0].max, {
                    memory: team.quota.memory,
                });
                const policies = byNamespace(
                    ofType(plan, "kubernetes:networking.k8s.io/v1:NetworkPolicy"),
                    team.namespace,
                );
                assert.deepEqual(policies.map((p) => metaOf(p).name).sort(), [
                    "default-deny",
                    "dns-egress",
                    "https-egress",
                    "spark-driver-executor",
                ]);
                for (const r of [quota, limits, ...policies])
                    assert.ok(r.dependencies.includes(ns.urn), `${r.name} waits for its namespace`);
            }
        });

        it("get NetworkPolicies only from a cluster whose CNI enforces them, and those wait for it", async () => {
            const [cni] = ofType(plan, "aws:eks/addon:Addon");
            assert.equal(cni.inputs.configurationValues, JSON.stringify({ enableNetworkPolicy: "true" }));
            const policies = ofType(plan, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
            assert.equal(policies.length, TEAMS.length * 4 + 1);
            for (const p of policies) assert.ok(p.dependencies.includes(cni.urn), `${p.name} waits for the CNI`);

            const unenforced = await planSpark({ networkPolicies: false });
            assert.deepEqual(ofType(unenforced, "kubernetes:networking.k8s.io/v1:NetworkPolicy"), []);
            assert.equal(ofType(unenforced, "kubernetes:core/v1:Namespace").length, TEAMS.length + 1);
        });

        it("share cluster-wide PriorityClasses: drivers high, executors low", () => {
            const classes = ofType(plan, "kubernetes:scheduling.k8s.io/v1:PriorityClass");
            assert.deepEqual(classes.map((c) => [metaOf(c).name, c.inputs.value, c.inputs.preemptionPolicy]).sort(), [
                ["spark-driver", SPARK_PRIORITY_CLASSES.driver.value, "PreemptLowerPriority"],
                ["spark-executor", SPARK_PRIORITY_CLASSES.executor.value, "Never"],
            ]);
        });

        it("annotate each job service account with its own team's job role", () => {
            for (const team of TEAMS) {
                const [sa] = byNamespace(ofType(plan, "kubernetes:core/v1:ServiceAccount"), team.namespace);
                assert.equal(
                    metaOf(sa).annotations?.["eks.amazonaws.com/role-arn"],
                    jobRoleArnOf("aws", "123456789012", team.name),
                );
                assert.equal(metaOf(sa).name, `${team.name}-spark`);
            }
        });

        it("must not create an IAM role of their own (the EMR job execution role is the team's one role)", () => {
            assert.deepEqual(ofType(plan, "aws:iam/role:Role"), []);
            assert.deepEqual(ofType(plan, "aws:iam/rolePolicy:RolePolicy"), []);
        });

        it("export the namespace, service account and sample application per team", () => {
            const teams = plan.outputs.sparkTeams as Record<
                string,
                { namespace: string; serviceAccount: string; sampleApplication: { kind: string } }
            >;
            assert.deepEqual(
                Object.keys(teams),
                TEAMS.map((t) => t.namespace),
            );
            for (const team of TEAMS) {
                assert.equal(teams[team.namespace].serviceAccount, `${team.name}-spark`);
                assert.equal(teams[team.namespace].sampleApplication.kind, "SparkApplication");
            }
        });

        it("run the sample application in the sample zone, by default the first Spark zone, and refuse another", async () => {
            const zonesOf = (p: SparkPlan) =>
                ofType(p, SPARK_APP).map((app) => {
                    const spec = app.inputs.spec as Record<
                        "driver" | "executor",
                        { nodeSelector: Record<string, string> }
                    >;
                    return [spec.driver, spec.executor].map((pod) => pod.nodeSelector["topology.kubernetes.io/zone"]);
                });
            assert.deepEqual(zonesOf(plan), [
                ["us-west-2b", "us-west-2b"],
                ["us-west-2b", "us-west-2b"],
            ]);
            assert.deepEqual(zonesOf(await planSpark({ sampleZone: "us-west-2c" })), [
                ["us-west-2c", "us-west-2c"],
                ["us-west-2c", "us-west-2c"],
            ]);
            await assert.rejects(
                planSpark({ sampleZone: "us-west-2z" }),
                /^Error: Spark team data-eng: sampleZone us-west-2z is not a Spark zone; use one of us-west-2b, us-west-2c$/,
            );
        });

        it("deploy the sample application only after the operator and the team's RBAC", () => {
            // A dependency on a component reaches the engine as dependencies on the resources inside it.
            const [chart] = ofType(plan, CHART);
            for (const app of nonEmpty(ofType(plan, SPARK_APP), "SparkApplication")) {
                assert.ok(app.dependencies.includes(chart.urn), `${app.name} waits for the operator chart`);
                const binding = byNamespace(
                    ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"),
                    metaOf(app).namespace!,
                )[0];
                assert.ok(app.dependencies.includes(binding.urn));
            }
        });
    });

    describe("every object", () => {
        it("validates against its schema (kubernetes-models, and the Spark Operator CRD)", async () => {
            const sparkApplication = crdValidator(SPARK_APPLICATION_CRD, "v1beta2");
            const objects = plan.resources.filter(
                (r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== CHART,
            );
            const kinds = new Set<string>();
            for (const r of nonEmpty(objects, "Kubernetes object")) {
                kinds.add(r.type);
                const data = {
                    apiVersion: r.type.split(":")[1].replace(/^core\//, ""),
                    kind: r.type.split(":")[2],
                    ...(withoutSecretWrappers(r.inputs) as Record<string, unknown>),
                };
                const problem =
                    r.type === SPARK_APP
                        ? schemaErrors(sparkApplication, data).join("; ") || undefined
                        : modelErrors(await coreModel(r.type), data);
                assert.equal(problem, undefined, `${r.type} ${r.name}: ${problem}`);
            }
            assert.deepEqual(
                [...kinds].filter((k) => !k.startsWith("kubernetes:")),
                [],
            );
            assert.deepEqual([...kinds].sort(), [
                "kubernetes:core/v1:LimitRange",
                "kubernetes:core/v1:Namespace",
                "kubernetes:core/v1:ResourceQuota",
                "kubernetes:core/v1:Secret",
                "kubernetes:core/v1:ServiceAccount",
                "kubernetes:networking.k8s.io/v1:NetworkPolicy",
                "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
                "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
                "kubernetes:rbac.authorization.k8s.io/v1:Role",
                "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
                "kubernetes:scheduling.k8s.io/v1:PriorityClass",
                SPARK_APP,
            ]);
        });

        it("validates SparkApplications against the EMR operator's API (kubeflow 1.1.27), not a 2.x one", () => {
            // Fields the 2.x CRDs have and the 1.1.x line lacks: the API server refuses or prunes them.
            const sparkApplication = crdValidator(SPARK_APPLICATION_CRD, "v1beta2");
            const [app] = ofType(plan, SPARK_APP);
            const spec = app.inputs.spec as Record<string, Record<string, unknown>>;
            const withTwoXFields = {
                ...app.inputs,
                spec: {
                    ...spec,
                    driver: { ...spec.driver, priorityClassName: "spark-driver" },
                    executor: { ...spec.executor, securityContext: { seccompProfile: { type: "RuntimeDefault" } } },
                },
            };
            assert.deepEqual(schemaErrors(sparkApplication, withTwoXFields), [
                "/spec/driver must NOT have additional properties (priorityClassName)",
                "/spec/executor/securityContext must NOT have additional properties (seccompProfile)",
            ]);
        });

        it("the validators reject a broken object of each source", async () => {
            const sparkApplication = crdValidator(SPARK_APPLICATION_CRD, "v1beta2");
            const [app] = ofType(plan, SPARK_APP);
            const spec = app.inputs.spec as Record<string, Record<string, unknown>>;
            const broken = { ...app.inputs, spec: { ...spec, driver: { ...spec.driver, cpus: 1 } } };
            assert.deepEqual(schemaErrors(sparkApplication, broken), [
                "/spec/driver must NOT have additional properties (cpus)",
            ]);
            const quota = await coreModel("kubernetes:core/v1:ResourceQuota");
            assert.notEqual(
                modelErrors(quota, { apiVersion: "v1", kind: "ResourceQuota", spec: { hard: { "requests.cpu": [] } } }),
                undefined,
            );
        });

        it("passes the policy pack with zero violations and nothing unevaluated", async () => {
            assert.deepEqual(await packVerdicts(plan.stackExport), { violations: [], notEvaluated: [] });
        });
    });

    describe("in other regions (none of them in the shipped stack files)", () => {
        for (const region of ["cn-north-1", "us-gov-west-1", "ap-southeast-2", "me-south-1", "il-central-1"]) {
            it(`${region}: chart from its registry, role ARN in its partition, no policy violation`, async () => {
                const p = await planSpark({ region });
                const account = EMR_ON_EKS_ECR_ACCOUNTS[region];
                const [chart] = ofType(p, CHART);
                assert.equal(
                    chart.inputs.chart,
                    `oci://${account}.dkr.ecr.${region}.${dnsSuffixOf(region)}/spark-operator`,
                );
                assert.deepEqual(
                    p.invokes.map((i) => i.inputs),
                    [{ registryId: account }],
                );
                const partition = region.startsWith("cn-")
                    ? "aws-cn"
                    : region.startsWith("us-gov-")
                      ? "aws-us-gov"
                      : "aws";
                const teamNamespaces = TEAMS.map((t) => t.namespace);
                const jobAccounts = ofType(p, "kubernetes:core/v1:ServiceAccount").filter((sa) =>
                    teamNamespaces.includes(metaOf(sa).namespace ?? ""),
                );
                assert.equal(jobAccounts.length, TEAMS.length);
                for (const sa of jobAccounts) {
                    const arn = metaOf(sa).annotations?.["eks.amazonaws.com/role-arn"] ?? "";
                    assert.ok(arn.startsWith(`arn:${partition}:iam::`), `${sa.name}: ${arn}`);
                }
                for (const app of nonEmpty(ofType(p, SPARK_APP), "SparkApplication")) {
                    assert.ok(
                        String((app.inputs.spec as { image: string }).image).startsWith(
                            `${account}.dkr.ecr.${region}.${dnsSuffixOf(region)}/spark/emr-7.12.0:`,
                        ),
                    );
                }
                assert.deepEqual(await packVerdicts(p.stackExport), { violations: [], notEvaluated: [] });
            });
        }
    });
});

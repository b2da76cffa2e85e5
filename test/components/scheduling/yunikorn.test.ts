/**
 * Team queues with Apache YuniKorn (batchScheduler: yunikorn): the queue configuration is the teams' settings
 * (guarantee, maximum = the namespace's ResourceQuota, placement by namespace only), the admission controller sees
 * the team namespaces and nothing else, the chart's hooks are replaced, and switching scheduler changes only what
 * it must. Plans cover both schedulers with both autoscalers.
 */
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { readBaseValues, readChartPin } from "../../../components/charts";
import {
    PLACEHOLDER_IMAGE,
    processNamespacesPattern,
    teamQueuesConfig,
    yunikornQuantity,
} from "../../../components/scheduling";
import type { QueuesConfig } from "../../../components/scheduling";
import { quantityValue } from "../../../components/spark";
import type { TeamSettings } from "../../../components/vocabulary";
import type { CapturedResource } from "../../../tools/plan/capture";
import type { PlanResult } from "../../../tools/plan/plan";
import { MODES, STACKS, type Mode, type Stack, ancestorTypes } from "../../support/plan-fixtures";
import { fixtureStackConfig, planFixture } from "../../support/fixture-stacks";
import { ofType, one } from "../../support/plan-queries";

const SCHEDULERS = ["default", "yunikorn"] as const;
type Scheduler = (typeof SCHEDULERS)[number];

function planWith(stack: Stack, autoscaler: Mode, batchScheduler: Scheduler): Promise<PlanResult> {
    return planFixture({ stack, configOverrides: { autoscaler, batchScheduler } });
}

function fixtureTeams(stack: Stack): TeamSettings[] {
    return JSON.parse(fixtureStackConfig(stack).get("spark-platform:teams")!) as TeamSettings[];
}

type Tree = Record<string, unknown>;
const at = (tree: unknown, path: string): unknown =>
    path.split(".").reduce<unknown>((node, key) => (node as Tree | undefined)?.[key], tree);

function yunikornChart(plan: PlanResult): CapturedResource {
    return one(
        ofType(plan, "kubernetes:helm.sh/v4:Chart").filter((c) => c.name === "yunikorn"),
        "kubernetes:helm.sh/v4:Chart",
    );
}

const defaultsOf = (plan: PlanResult) =>
    at(yunikornChart(plan).inputs.values, "yunikornDefaults") as Record<string, string>;

const queuesOf = (plan: PlanResult) => parse(defaultsOf(plan)["queues.yaml"]) as QueuesConfig;

/** Leaf queues by fully qualified name. */
function leafQueues(config: QueuesConfig): Map<string, Tree> {
    const leaves = new Map<string, Tree>();
    const walk = (queue: Tree, path: string) => {
        const children = (queue.queues as Tree[] | undefined) ?? [];
        if (children.length === 0 && queue.parent !== true) leaves.set(path, queue);
        for (const child of children) walk(child, `${path}.${String(child.name)}`);
    };
    for (const root of config.partitions[0].queues as unknown as Tree[]) walk(root, String(root.name));
    return leaves;
}

describe("YuniKorn quantities", () => {
    const cases: [string, "vcore" | "memory", string][] = [
        ["32", "vcore", "32"],
        ["500m", "vcore", "500m"],
        ["1.5", "vcore", "1500m"],
        ["0.0001", "vcore", "1m"], // Kubernetes rounds up to a millicore
        ["128Gi", "memory", "128Gi"],
        ["1.5Gi", "memory", "1610612736"],
        ["0.5G", "memory", "500000000"],
        ["1500m", "memory", "2"], // milli-bytes round up to whole bytes
        [".5Ki", "memory", "512"],
    ];
    for (const [quantity, resource, expected] of cases) {
        it(`reads ${resource} ${quantity} as ${expected}: digits and a suffix, no decimal point`, () => {
            const result = yunikornQuantity(quantity, resource);
            assert.equal(result, expected);
            // yunikorn-core's grammar (pkg/common/resources/quantity.go, v1.8.0); `m` only for vcore.
            assert.match(result, resource === "vcore" ? /^[0-9]+([mkKMGTPE]i?)?$/ : /^[0-9]+([kKMGTPE]i?)?$/);
        });
    }

    it("keeps the value Kubernetes reads from the same quota, for every whole number of millicores and bytes", () => {
        for (const q of ["3", "250m", "2.25", "96", "100Gi", "1.25Ti", "750Mi", "64G", "2.5Gi"]) {
            const vcore = yunikornQuantity(q, "vcore");
            const millicores = vcore.endsWith("m") ? Number(vcore.slice(0, -1)) : quantityValue(vcore) * 1000;
            assert.equal(millicores, Math.ceil(quantityValue(q) * 1000 - 1e-9), `vcore ${q}`);
            assert.equal(quantityValue(yunikornQuantity(q, "memory")), Math.ceil(quantityValue(q)), `memory ${q}`);
        }
    });

    it("refuses text that is not a quantity", () => {
        assert.throws(() => yunikornQuantity("lots", "vcore"), /"lots" is not a Kubernetes quantity/);
        assert.throws(() => yunikornQuantity("", "memory"), /is not a Kubernetes quantity/);
    });
});

describe("YuniKorn queue configuration", () => {
    const teams: TeamSettings[] = [
        {
            name: "etl",
            namespace: "spark-etl",
            quota: { cpu: "64", memory: "256Gi", guaranteed: { cpu: "16", memory: "64Gi" } },
            glueDatabases: [],
            sparkConf: {},
        },
        { name: "ml", namespace: "spark-ml", quota: { cpu: "1.5", memory: "1.5Gi" }, glueDatabases: [], sparkConf: {} },
    ];

    it("gives each team one leaf queue under root.teams: guaranteed quota.guaranteed (else the quota), max the quota", () => {
        const leaves = leafQueues(teamQueuesConfig(teams));
        assert.deepEqual([...leaves.keys()], ["root.teams.spark-etl", "root.teams.spark-ml"]);
        assert.deepEqual(leaves.get("root.teams.spark-etl")!.resources, {
            guaranteed: { vcore: "16", memory: "64Gi" },
            max: { vcore: "64", memory: "256Gi" },
        });
        assert.deepEqual(leaves.get("root.teams.spark-ml")!.resources, {
            guaranteed: { vcore: "1500m", memory: "1610612736" },
            max: { vcore: "1500m", memory: "1610612736" },
        });
        for (const leaf of leaves.values()) {
            // Gang scheduling needs FIFO ordering in the queue (gang_scheduling.md, "Prerequisite").
            assert.deepEqual(leaf.properties, { "application.sort.policy": "fifo" });
        }
    });

    it("places by namespace only: one tag rule, never `provided`, no queue created, no root.default to fall back to", () => {
        const partition = teamQueuesConfig(teams).partitions[0];
        assert.equal(partition.name, "default"); // the only partition the Kubernetes shim supports
        // `provided` is the only rule that reads the queue a pod names (labels yunikorn.apache.org/queue, queue):
        // without it, a pod labelled with another team's queue still lands in its own namespace's queue.
        assert.deepEqual(partition.placementrules, [
            { name: "tag", value: "namespace", create: false, parent: { name: "fixed", value: "root.teams" } },
        ]);
        const [root] = partition.queues;
        assert.equal(root.name, "root");
        // root may carry no resources (queue_config.md); the team parent lets anyone submit, RBAC on the namespace
        // decides who can create its pods.
        assert.deepEqual(
            root.queues.map((q) => ({ name: q.name, parent: q.parent, submitacl: q.submitacl })),
            [{ name: "teams", parent: true, submitacl: "*" }],
        );
        assert.ok(!leafQueues(teamQueuesConfig(teams)).has("root.default"));
    });

    it("scopes the admission controller to exactly the team namespaces", () => {
        const patterns = processNamespacesPattern(teams)
            .split(",")
            .map((p) => new RegExp(p));
        const processed = (ns: string) => patterns.some((p) => p.test(ns));
        assert.ok(processed("spark-etl") && processed("spark-ml"));
        for (const other of [
            "kube-system",
            "yunikorn",
            "spark-operator",
            "karpenter",
            "kubecost",
            "default",
            "spark-etl-2",
            "x-spark-ml",
            "spark",
        ]) {
            assert.ok(!processed(other), `${other} must stay with the default scheduler`);
        }
    });
});

describe("YuniKorn in the plan", () => {
    for (const stack of STACKS) {
        for (const autoscaler of MODES) {
            it(`plans ${stack} with ${autoscaler}: YuniKorn only with batchScheduler yunikorn`, async () => {
                const withDefault = await planWith(stack, autoscaler, "default");
                const withYuniKorn = await planWith(stack, autoscaler, "yunikorn");
                assert.equal(ofType(withDefault, "spark:scheduling:YuniKorn").length, 0);
                assert.equal(ofType(withYuniKorn, "spark:scheduling:YuniKorn").length, 1);
                assert.deepEqual(withDefault.outputs.batchScheduler, { scheduler: "default" });
                assert.equal((withYuniKorn.outputs.batchScheduler as Tree).scheduler, "yunikorn");
                assert.deepEqual(leafQueues(queuesOf(withYuniKorn)), leafQueues(teamQueuesConfig(fixtureTeams(stack))));
            });
        }
    }

    for (const stack of STACKS) {
        it(`makes each team queue's max equal its namespace's ResourceQuota (${stack})`, async () => {
            const plan = await planWith(stack, "karpenter", "yunikorn");
            const leaves = leafQueues(queuesOf(plan));
            const quotas = ofType(plan, "kubernetes:core/v1:ResourceQuota");
            assert.equal(quotas.length, fixtureTeams(stack).length);
            assert.equal(leaves.size, quotas.length);
            for (const quota of quotas) {
                const namespace = String(at(quota.inputs, "metadata.namespace"));
                const hard = at(quota.inputs, "spec.hard") as Record<string, string>;
                const max = at(leaves.get(`root.teams.${namespace}`), "resources.max") as Record<string, string>;
                assert.ok(max, `no queue for ${namespace}`);
                assert.equal(quantityValue(max.vcore), quantityValue(hard["requests.cpu"]), namespace);
                assert.equal(quantityValue(max.memory), quantityValue(hard["requests.memory"]), namespace);
            }
        });
    }

    it("sends the team namespaces of the plan, and no other, through the admission controller", async () => {
        const plan = await planWith("prod", "karpenter", "yunikorn");
        const teamNamespaces = ofType(plan, "kubernetes:core/v1:Namespace")
            .filter(
                (n) =>
                    at(n.inputs, "metadata.labels") && (at(n.inputs, "metadata.labels") as Tree)["spark-platform/team"],
            )
            .map((n) => String(at(n.inputs, "metadata.name")))
            .sort();
        assert.ok(teamNamespaces.length >= 2);
        const patterns = defaultsOf(plan)["admissionController.filtering.processNamespaces"].split(",");
        assert.deepEqual(patterns.sort(), teamNamespaces.map((ns) => `^${ns}$`).sort());
        assert.equal(defaultsOf(plan)["admissionController.filtering.bypassNamespaces"], "^kube-system$");
    });

    it("uses no deprecated top-level value of the 1.8.0 chart; everything goes through yunikornDefaults", async () => {
        const values = yunikornChart(await planWith("dev", "karpenter", "yunikorn")).inputs.values;
        for (const deprecated of [
            "configuration",
            "operatorPlugins",
            "placeHolderImage",
            "admissionController.processNamespaces",
            "admissionController.bypassNamespaces",
            "admissionController.labelNamespaces",
            "admissionController.noLabelNamespaces",
        ]) {
            assert.equal(at(values, deprecated), undefined, deprecated);
        }
        assert.equal(at(values, "yunikornDefaults")!.constructor, Object);
    });

    it("runs the scheduler and admission controller on the system nodes, under Pod Security restricted", async () => {
        const plan = await planWith("dev", "karpenter", "yunikorn");
        const values = yunikornChart(plan).inputs.values;
        const systemGroup = ofType(plan, "aws:eks/nodeGroup:NodeGroup").find((g) =>
            String(g.inputs.nodeGroupName).endsWith("-system"),
        );
        const systemLabels = (systemGroup?.inputs.labels ?? {}) as Record<string, string>;
        for (const selector of ["nodeSelector", "admissionController.nodeSelector"]) {
            const chosen = Object.entries(at(values, selector) as Record<string, string>);
            assert.ok(chosen.length > 0, selector);
            for (const [key, value] of chosen) assert.equal(systemLabels[key], value, `${selector} ${key}`);
        }
        const ns = ofType(plan, "kubernetes:core/v1:Namespace").find(
            (n) => at(n.inputs, "metadata.name") === "yunikorn",
        );
        assert.equal((at(ns?.inputs, "metadata.labels") as Tree)["pod-security.kubernetes.io/enforce"], "restricted");
        // What restricted needs of the chart's pods: pod network, non-root, seccomp, no capabilities, requests.
        assert.equal(at(values, "hostNetwork"), false);
        assert.equal(at(values, "admissionController.hostNetwork"), false);
        for (const pod of ["podSecurityContext", "admissionPodSecurityContext"]) {
            assert.deepEqual(at(values, `${pod}.seccompProfile`), { type: "RuntimeDefault" }, pod);
            assert.equal(at(values, `${pod}.runAsNonRoot`), true, pod);
        }
        for (const container of [
            "schedulerSecurityContext",
            "webSecurityContext",
            "admissionContainerSecurityContext",
        ]) {
            assert.equal(at(values, `${container}.allowPrivilegeEscalation`), false, container);
            assert.deepEqual(at(values, `${container}.capabilities.drop`), ["ALL"], container);
        }
        for (const resources of ["resources", "web.resources", "admissionController.resources"]) {
            assert.ok(
                at(values, `${resources}.requests.memory`) && at(values, `${resources}.limits.memory`),
                resources,
            );
        }
    });

    it("pulls exactly the images pin.yaml lists (preflight checks those), none of them :latest", async () => {
        const values = yunikornChart(await planWith("dev", "karpenter", "yunikorn")).inputs.values;
        const rendered = [
            `${String(at(values, "image.repository"))}:${String(at(values, "image.tag"))}`,
            `${String(at(values, "admissionController.image.repository"))}:${String(at(values, "admissionController.image.tag"))}`,
            `${String(at(values, "web.image.repository"))}:${String(at(values, "web.image.tag"))}`,
            String(at(values, "yunikornDefaults")!["service.placeholderImage" as keyof object]),
        ];
        assert.deepEqual(rendered.sort(), [...readChartPin("yunikorn").images].sort());
        assert.ok(readChartPin("yunikorn").images.includes(PLACEHOLDER_IMAGE));
        assert.ok(
            rendered.every((image) => !/latest/.test(image)),
            rendered.join(", "),
        );
        assert.equal(readChartPin("yunikorn").version, "1.8.0");
        assert.equal(readBaseValues("yunikorn").embedAdmissionController, true);
    });

    it("creates, under the chart's own names, every ServiceAccount and RBAC object the chart only renders as a hook", async () => {
        const plan = await planWith("dev", "karpenter", "yunikorn");
        const created = plan.resources
            .filter((r) => ancestorTypes(plan, r).includes("spark:scheduling:YuniKorn"))
            .filter((r) => /(ServiceAccount|Role|RoleBinding|ClusterRole|ClusterRoleBinding)$/.test(r.type))
            .map((r) => `${r.type.split(":").pop()} ${String(at(r.inputs, "metadata.name"))}`)
            .sort();
        // templates/rbac.yaml and admission-controller-rbac.yaml at apache/yunikorn-release v1.8.0.
        assert.deepEqual(created, [
            "ClusterRole yunikorn-admission-controller-cluster-role",
            "ClusterRole yunikorn-scheduler",
            "ClusterRoleBinding yunikorn-admission-controller-cluster-rbac",
            "ClusterRoleBinding yunikorn-rbac",
            "ClusterRoleBinding yunikorn-rbac-kube-scheduler",
            "ClusterRoleBinding yunikorn-rbac-volume-scheduler",
            "Role yunikorn-admission-controller-role",
            "Role yunikorn-scheduler",
            "RoleBinding yunikorn-admission-controller-rbac",
            "RoleBinding yunikorn-rbac",
            "ServiceAccount yunikorn-admin",
            "ServiceAccount yunikorn-admission-controller",
        ]);
        assert.equal(readChartPin("yunikorn").hooks.length, created.length, "one pin.yaml hook per object");
        // The chart waits for them.
        const chart = yunikornChart(plan);
        assert.ok(created.length > 0 && chart.dependencies.length >= created.length + 1);
    });

    for (const stack of STACKS) {
        it(`changes nothing outside the YuniKorn component but what must change (${stack}, by URN)`, async () => {
            const [before, after] = await Promise.all(
                SCHEDULERS.map((scheduler) => planWith(stack, "karpenter", scheduler)),
            );
            const outside = (plan: PlanResult) =>
                new Map(
                    plan.resources
                        .filter((r) => r.type !== "spark:scheduling:YuniKorn")
                        .filter((r) => !ancestorTypes(plan, r).includes("spark:scheduling:YuniKorn"))
                        .map((r) => [r.urn, r]),
                );
            const a = outside(before);
            const b = outside(after);
            assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
            const changed = [...a].filter(([urn, r]) => {
                const other = b.get(urn)!;
                return JSON.stringify(other.serializedInputs) !== JSON.stringify(r.serializedInputs);
            });
            // What must change: every EMR pod template (the scheduler's name and the team's queue), nothing else.
            const templates = [...a.values()].filter(
                (r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2" && String(r.inputs.key).endsWith(".yaml"),
            );
            assert.ok(templates.length >= 2);
            assert.deepEqual(changed.map(([urn]) => urn).sort(), templates.map((r) => r.urn).sort());
            for (const template of templates) {
                const old = parse(String(template.inputs.content)) as Tree;
                const now = parse(String(b.get(template.urn)!.inputs.content)) as Tree;
                const namespace = String(at(now, "metadata.labels")!["yunikorn.apache.org/queue" as keyof object]);
                assert.match(namespace, /^root\.teams\./, template.name);
                assert.deepEqual(
                    now,
                    {
                        ...old,
                        metadata: {
                            ...(old.metadata as Tree),
                            labels: {
                                ...(at(old, "metadata.labels") as Tree),
                                "yunikorn.apache.org/queue": namespace,
                            },
                        },
                        spec: { schedulerName: "yunikorn", ...(old.spec as Tree) },
                    },
                    template.name,
                );
            }
            // Dependencies unchanged outside the samples (which wait for YuniKorn's admission controller).
            for (const [urn, r] of a) {
                if (
                    urn.endsWith("::" + r.name) &&
                    r.type === "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication"
                )
                    continue;
                assert.deepEqual([...b.get(urn)!.dependencies].sort(), [...r.dependencies].sort(), urn);
            }
            // Outputs: the batchScheduler summary, and each team's sample SparkApplication (queue, gang).
            const strip = (outputs: Tree) => {
                const { batchScheduler: _s, sparkTeamOutputs, ...rest } = outputs;
                const teams = Object.fromEntries(
                    Object.entries(sparkTeamOutputs as Record<string, Tree>).map(([team, o]) => {
                        const { sampleSparkApplication: _app, ...others } = o;
                        return [team, others];
                    }),
                );
                return { ...rest, sparkTeamOutputs: teams };
            };
            assert.deepEqual(strip(after.outputs), strip(before.outputs));
        });
    }
});

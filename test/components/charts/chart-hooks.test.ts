/**
 * Chart hooks: helm.v4.Chart creates no `helm.sh/hook` object, so every pin declares its chart's hooks and the one
 * Helm path refuses a chart whose hooks the program does not replace, or whose own copies it leaves on.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
    chartHookProblems,
    installPinnedChart,
    readAllChartPins,
    readBaseValues,
    readChartPin,
} from "../../../components/charts";
import { planProgram } from "../../../tools/plan/plan";
import { ofType } from "../../support/plan-queries";

describe("chart hooks", () => {
    const operator = readChartPin("spark-operator");
    const operatorBase = readBaseValues("spark-operator");
    const operatorReplacements = [
        "operator-service-account",
        "operator-cluster-role",
        "operator-cluster-role-binding",
        "webhook-init",
    ];

    it("are declared by every pin, as the chart-hooks reading of each chart's templates found them", () => {
        const hooks = Object.fromEntries(readAllChartPins().map((p) => [p.name, p.hooks.map((h) => h.name)]));
        assert.deepEqual(hooks, {
            "cluster-autoscaler": [],
            "cost-analyzer": ["basic-health"],
            karpenter: [],
            "spark-operator": [...operatorReplacements, "webhook-cleanup"],
            // templates/rbac.yaml and admission-controller-rbac.yaml of apache/yunikorn-release v1.8.0.
            yunikorn: [
                "scheduler-service-account",
                "scheduler-cluster-role",
                "scheduler-role",
                "scheduler-cluster-role-binding",
                "scheduler-kube-scheduler-binding",
                "scheduler-volume-scheduler-binding",
                "scheduler-role-binding",
                "admission-service-account",
                "admission-cluster-role",
                "admission-role",
                "admission-cluster-role-binding",
                "admission-role-binding",
            ],
            "spark-history-server": ["test-connection"],
            "aws-load-balancer-controller": [],
        });
    });

    it("are refused when the chart relies on them and the program replaces none (the install before this fix)", () => {
        const before = {
            ...operatorBase,
            serviceAccounts: { sparkoperator: { create: true, name: "emr-containers-sa-spark-operator" } },
            rbac: { create: true },
        };
        const problems = chartHookProblems("spark-operator", operator.hooks, before, {}, []);
        assert.deepEqual(
            problems.map((p) => /hook (\S+) \(/.exec(p)?.[1]),
            operatorReplacements,
        );
        assert.match(
            problems[3],
            /^chart spark-operator relies on its pre-install, pre-upgrade \(webhook\.initAnnotations\) hook webhook-init \(Job, templates\/webhook-init-job\.yaml: Secret <fullname>-webhook-certs .*\), which helm\.v4\.Chart never creates; create it in the program and pass it as hookReplacements\["webhook-init"\]$/,
        );
    });

    it("are refused when replaced while the chart still renders its own copy", () => {
        const problems = chartHookProblems(
            "spark-operator",
            operator.hooks,
            operatorBase,
            { rbac: { createClusterRole: true } },
            operatorReplacements,
        );
        assert.deepEqual(problems, [
            "chart spark-operator: the program replaces hook operator-cluster-role, but the chart still renders its own; set rbac.create and rbac.createClusterRole to false",
            "chart spark-operator: the program replaces hook operator-cluster-role-binding, but the chart still renders its own; set rbac.create and rbac.createClusterRole to false",
        ]);
    });

    it("pass with the shipped values and the program's replacements; the webhook certificate only while the webhook is on", () => {
        assert.deepEqual(
            chartHookProblems("spark-operator", operator.hooks, operatorBase, {}, operatorReplacements),
            [],
        );
        const noWebhook = { webhook: { enable: false } };
        assert.deepEqual(
            chartHookProblems(
                "spark-operator",
                operator.hooks,
                operatorBase,
                noWebhook,
                operatorReplacements.slice(0, 3),
            ),
            [],
        );
        assert.match(
            chartHookProblems("spark-operator", operator.hooks, operatorBase, {}, [...operatorReplacements, "typo"])[0],
            /declares no hook "typo"/,
        );
    });

    it("count a value not known before deployment as on", () => {
        const computed = { rbac: { createClusterRole: pulumi.output(false) } };
        assert.equal(
            chartHookProblems("spark-operator", operator.hooks, operatorBase, computed, operatorReplacements).length,
            2,
        );
    });

    it("stop installPinnedChart with one line on the component, before the chart is registered", async () => {
        let error: unknown;
        const plan = await planProgram(() => {
            const parent = new pulumi.ComponentResource("test:index:Parent", "parent");
            const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
            try {
                installPinnedChart(
                    "spark-operator",
                    { pin: operator, cluster: { provider, kubernetesVersion: "1.34" } },
                    { parent },
                );
            } catch (e) {
                error = e;
            }
        });
        assert.ok(error instanceof pulumi.ResourceError);
        assert.match(error.message, /^chart spark-operator relies on its .* hook operator-service-account/);
        assert.doesNotMatch(error.message, /\n/);
        assert.deepEqual(ofType(plan, "kubernetes:helm.sh/v4:Chart"), []);
    });

    describe("in a pin file", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "hooks-"));
        after(() => rmSync(dir, { recursive: true, force: true }));
        const pin = (hooks: string) => {
            mkdirSync(path.join(dir, "demo"), { recursive: true });
            writeFileSync(
                path.join(dir, "demo", "pin.yaml"),
                `chart: oci://public.ecr.aws/example/demo\nversion: 1.0.0\nnamespace: demo\nrelease: demo\nkubernetes: 1.30-1.36\n${hooks}`,
            );
            return () => readChartPin("demo", dir);
        };

        it("must be declared, even when the chart has none", () => {
            assert.throws(pin(""), /hooks must be a list \(empty when the chart has none\)/);
            assert.deepEqual(pin("hooks: []\n")().hooks, []);
        });

        it("are refused with the entry and field named when malformed", () => {
            assert.throws(
                pin(
                    "hooks:\n  - name: init\n    kind: Job\n    template: t.yaml\n    events: pre-install\n    offSwitch: true\n    needed: sometimes\n    creates: x\n",
                ),
                /hooks\[0\]\.offSwitch is true but renderedWhen names no value that switches it off; hooks\[0\]\.needed "sometimes" is not one of always, when-rendered, never/,
            );
        });
    });
});

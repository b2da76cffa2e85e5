import * as assert from "node:assert/strict";
import { stringify } from "yaml";
import { nonRootPods } from "../../../policies/non-root-pods";
import {
    assertCompliant,
    assertNotApplicable,
    assertUnknown,
    assertViolations,
    Outcome,
    runResourcePolicy,
} from "../util";

const NON_ROOT = { runAsNonRoot: true, runAsUser: 185 };
const FIX = "set securityContext.runAsNonRoot: true and securityContext.runAsUser: <uid ≥ 1>";
const ROOT =
    "0 runs the container as root; use a non-zero UID (e.g. 185, Apache Spark's spark user) and runAsNonRoot: true";
const SPARK_APP = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication";

const sparkRole = (extra: Record<string, unknown> = {}) => ({
    cores: 1,
    memory: "2g",
    serviceAccount: "spark",
    securityContext: NON_ROOT,
    ...extra,
});
const sparkApp = (spec: Record<string, unknown>, type = SPARK_APP) => ({
    type,
    name: "pi",
    props: { metadata: { name: "pi", namespace: "spark-data-eng" }, spec },
});
const baseSpec = () => ({
    type: "Scala",
    mainClass: "org.apache.spark.examples.SparkPi",
    driver: sparkRole(),
    executor: sparkRole({ instances: 2 }),
});

const messages = (outcome: Outcome) =>
    outcome.kind === "evaluated" ? outcome.violations.map((v) => v.message) : [JSON.stringify(outcome)];

/** An EMR on EKS pod template: the Spark main container carries no securityContext (EMR runs it as hadoop). */
const emrTemplate = (
    extra: { spec?: Record<string, unknown>; main?: Record<string, unknown>; sidecar?: Record<string, unknown> } = {},
) => ({
    apiVersion: "v1",
    kind: "Pod",
    spec: {
        containers: [
            { name: "spark-kubernetes-driver", ...(extra.main ?? {}) },
            {
                name: "fluent-bit",
                image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0",
                securityContext: NON_ROOT,
                ...(extra.sidecar ?? {}),
            },
        ],
        ...(extra.spec ?? {}),
    },
});

const configMap = (data: Record<string, string>, field: "data" | "binaryData" = "data") => ({
    type: "kubernetes:core/v1:ConfigMap",
    name: "pod-templates",
    props: { metadata: { name: "spark-pod-templates", namespace: "spark-data-eng" }, [field]: data },
});
const s3Object = (props: Record<string, unknown>) => ({
    type: "aws:s3/bucketObjectv2:BucketObjectv2",
    name: "driver-template",
    props: { bucket: "spark-dev-artifacts", key: "pod-templates/driver.yaml", ...props },
});

describe("non-root-pods: Spark applications", () => {
    it("passes driver and executor with non-root security contexts", async () => {
        assertCompliant(await runResourcePolicy(nonRootPods, sparkApp(baseSpec())));
    });

    it("accepts podSecurityContext for the main container and its sidecars", async () => {
        const role = { cores: 1, podSecurityContext: NON_ROOT, sidecars: [{ name: "log", image: "busybox" }] };
        assertCompliant(await runResourcePolicy(nonRootPods, sparkApp({ driver: role, executor: role })));
    });

    it("accepts a non-root main container declared in the pod template", async () => {
        const template = { spec: { containers: [{ name: "spark-kubernetes-executor", securityContext: NON_ROOT }] } };
        assertCompliant(
            await runResourcePolicy(nonRootPods, sparkApp({ ...baseSpec(), executor: { instances: 2, template } })),
        );
    });

    it("rejects an executor that sets no security context", async () => {
        const outcome = await runResourcePolicy(nonRootPods, sparkApp({ ...baseSpec(), executor: { instances: 2 } }));
        assertViolations(outcome, [
            "SparkApplication 'spark-data-eng/pi' spec.executor: container 'spark-kubernetes-executor' is not provably " +
                "non-root: no runAsNonRoot: true or non-zero runAsUser is set in spec.executor.securityContext or spec.executor.podSecurityContext; " +
                `${FIX}`,
        ]);
    });

    it("rejects a sidecar that is not provably non-root", async () => {
        const outcome = await runResourcePolicy(
            nonRootPods,
            sparkApp({ ...baseSpec(), driver: sparkRole({ sidecars: [{ name: "log", image: "busybox" }] }) }),
        );
        assert.match(
            messages(outcome)[0],
            /^SparkApplication 'spark-data-eng\/pi' spec\.driver\.sidecars\[0\]: container 'log' is not provably non-root/,
        );
    });

    it("rejects an init container running as root", async () => {
        const driver = sparkRole({
            initContainers: [{ name: "chown", image: "busybox", securityContext: { runAsUser: 0 } }],
        });
        assertViolations(await runResourcePolicy(nonRootPods, sparkApp({ ...baseSpec(), driver })), [
            `SparkApplication 'spark-data-eng/pi' spec.driver.initContainers[0].securityContext.runAsUser: ${ROOT}`,
        ]);
    });

    it("lets the CR's securityContext override the template's root user, but still reports the root user", async () => {
        const template = {
            spec: { containers: [{ name: "spark-kubernetes-driver", securityContext: { runAsUser: 0 } }] },
        };
        const outcome = await runResourcePolicy(
            nonRootPods,
            sparkApp({ ...baseSpec(), driver: sparkRole({ template }) }),
        );
        assertViolations(outcome, [
            `SparkApplication 'spark-data-eng/pi' spec.driver.template.spec.containers[0].securityContext.runAsUser: ${ROOT}`,
        ]);
    });

    it("checks ScheduledSparkApplication under spec.template", async () => {
        const type = "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication";
        const outcome = await runResourcePolicy(
            nonRootPods,
            sparkApp(
                {
                    schedule: "@hourly",
                    template: { ...baseSpec(), driver: { cores: 1, securityContext: { runAsNonRoot: false } } },
                },
                type,
            ),
        );
        assert.match(
            messages(outcome)[0],
            /^ScheduledSparkApplication 'spark-data-eng\/pi' spec\.template\.driver: container 'spark-kubernetes-driver' .*runAsNonRoot is false/,
        );
    });

    it("judges only what a SparkApplicationPatch sets", async () => {
        const type = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplicationPatch";
        assertCompliant(await runResourcePolicy(nonRootPods, sparkApp({ executor: { instances: 4 } }, type)));
        assertViolations(
            await runResourcePolicy(nonRootPods, sparkApp({ executor: { securityContext: { runAsUser: 0 } } }, type)),
            [`SparkApplicationPatch 'spark-data-eng/pi' spec.executor.securityContext.runAsUser: ${ROOT}`],
        );
    });
});

describe("non-root-pods: Spark applications whose pod template is a file", () => {
    const FILE = "spark.kubernetes.executor.podTemplateFile";
    const withFile = (executor: Record<string, unknown>) =>
        sparkApp({ ...baseSpec(), executor, sparkConf: { [FILE]: "/opt/spark/conf/executor.yaml" } });

    it("reports the application as not evaluated, naming the file, never as passed", async () => {
        const outcome = await runResourcePolicy(nonRootPods, withFile({ instances: 2 }));
        assertUnknown(
            outcome,
            `SparkApplication 'spark-data-eng/pi' takes pods from the pod template file named at spec.sparkConf["${FILE}"] ("/opt/spark/conf/executor.yaml"), which Spark reads when the job starts`,
        );
        // The file may hold the executor's securityContext, so its absence from the CR is not a violation.
        assert.deepEqual(outcome.kind === "unknown" && outcome.violations, []);
        assert.ok(outcome.kind === "unknown" && outcome.error.message.includes("Engine run: not covered"));
    });

    it("still reports a root user the CR itself sets (it overrides the file)", async () => {
        const outcome = await runResourcePolicy(nonRootPods, withFile({ securityContext: { runAsUser: 0 } }));
        assert.equal(outcome.kind, "unknown");
        assert.deepEqual(outcome.kind === "unknown" && outcome.violations.map((v) => v.message), [
            `SparkApplication 'spark-data-eng/pi' spec.executor.securityContext.runAsUser: ${ROOT}`,
        ]);
    });

    it("judges an application without a template file in full", async () => {
        assertCompliant(
            await runResourcePolicy(
                nonRootPods,
                sparkApp({ ...baseSpec(), sparkConf: { "spark.ui.enabled": "false" } }),
            ),
        );
    });
});

describe("non-root-pods: pod templates in ConfigMaps and S3 objects", () => {
    it("passes an EMR template whose main container has no securityContext and whose sidecar is explicit", async () => {
        assertCompliant(await runResourcePolicy(nonRootPods, configMap({ "driver.yaml": stringify(emrTemplate()) })));
    });

    it("rejects a pod-level securityContext in an EMR template (EMR's allow-list)", async () => {
        const outcome = await runResourcePolicy(
            nonRootPods,
            configMap({ "driver.yaml": stringify(emrTemplate({ spec: { securityContext: { fsGroup: 1000 } } })) }),
        );
        assertViolations(outcome, [
            "ConfigMap 'spark-data-eng/spark-pod-templates' data[\"driver.yaml\"].spec.securityContext: EMR on EKS rejects pod " +
                "templates that set a pod-level securityContext (it is not in EMR's pod-template allow-list); remove it and give each sidecar and " +
                "init container its own securityContext (runAsNonRoot: true, runAsUser: <uid ≥ 1>)",
        ]);
    });

    it("rejects a securityContext on the EMR Spark main container", async () => {
        const outcome = await runResourcePolicy(
            nonRootPods,
            configMap({ "driver.yaml": stringify(emrTemplate({ main: { securityContext: NON_ROOT } })) }),
        );
        assertViolations(outcome, [
            "ConfigMap 'spark-data-eng/spark-pod-templates' data[\"driver.yaml\"].spec.containers[0].securityContext: EMR on EKS " +
                "does not allow a securityContext on the Spark main container 'spark-kubernetes-driver' (EMR runs it as its non-root hadoop user, uid 999); remove it",
        ]);
    });

    it("requires sidecars of an EMR template to be explicitly non-root on the container", async () => {
        const outcome = await runResourcePolicy(
            nonRootPods,
            configMap({ "executor.yaml": stringify(emrTemplate({ sidecar: { securityContext: undefined } })) }),
        );
        assertViolations(outcome, [
            "ConfigMap 'spark-data-eng/spark-pod-templates' data[\"executor.yaml\"].spec.containers[1]: container 'fluent-bit' is not " +
                `provably non-root: no runAsNonRoot: true or non-zero runAsUser is set in its securityContext (EMR does not accept a pod-level one); ${FIX}`,
        ]);
    });

    it("rejects the classic root chown init container of EMR samples", async () => {
        const template = emrTemplate({
            spec: {
                initContainers: [
                    {
                        name: "volume-permission",
                        image: "busybox",
                        command: ["chown", "999:1000", "/data"],
                        securityContext: { runAsUser: 0 },
                    },
                ],
            },
        });
        const outcome = await runResourcePolicy(nonRootPods, configMap({ "executor.yaml": stringify(template) }));
        assertViolations(outcome, [
            `ConfigMap 'spark-data-eng/spark-pod-templates' data["executor.yaml"].spec.initContainers[0].securityContext.runAsUser: ${ROOT}`,
        ]);
    });

    it("applies the full rules to non-EMR pod templates", async () => {
        const template = { apiVersion: "v1", kind: "Pod", spec: { containers: [{ name: "main" }] } };
        const outcome = await runResourcePolicy(nonRootPods, configMap({ "plain.yaml": stringify(template) }));
        assert.match(
            messages(outcome)[0],
            /data\["plain\.yaml"\]\.spec\.containers\[0\]: container 'main' is not provably non-root/,
        );
    });

    it("ignores ConfigMap data that is not a pod template", async () => {
        const fluentBit = "[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n";
        assertCompliant(
            await runResourcePolicy(
                nonRootPods,
                configMap({ "fluent-bit.conf": fluentBit, "other.yaml": "kind: Service\nspec:\n  ports: []\n" }),
            ),
        );
    });

    it("decodes binaryData", async () => {
        const template = { kind: "Pod", spec: { containers: [{ name: "main", securityContext: { runAsUser: 0 } }] } };
        const outcome = await runResourcePolicy(
            nonRootPods,
            configMap({ "t.yaml": Buffer.from(stringify(template)).toString("base64") }, "binaryData"),
        );
        assertViolations(outcome, [
            `ConfigMap 'spark-data-eng/spark-pod-templates' binaryData["t.yaml"].spec.containers[0].securityContext.runAsUser: ${ROOT}`,
        ]);
    });

    it("checks every document of a multi-document template", async () => {
        const text = `${stringify(emrTemplate())}---\n${stringify({ kind: "Pod", spec: { containers: [{ name: "x", securityContext: { runAsUser: 0 } }] } })}`;
        const outcome = await runResourcePolicy(nonRootPods, configMap({ "all.yaml": text }));
        assertViolations(outcome, [
            `ConfigMap 'spark-data-eng/spark-pod-templates' data["all.yaml"][document 1].spec.containers[0].securityContext.runAsUser: ${ROOT}`,
        ]);
    });

    it("checks S3 object content and contentBase64", async () => {
        assertCompliant(await runResourcePolicy(nonRootPods, s3Object({ content: stringify(emrTemplate()) })));
        const bad = stringify(emrTemplate({ sidecar: { securityContext: { runAsUser: 0 } } }));
        assertViolations(
            await runResourcePolicy(nonRootPods, s3Object({ contentBase64: Buffer.from(bad).toString("base64") })),
            [
                `S3 object 'pod-templates/driver.yaml' contentBase64.spec.containers[1].securityContext.runAsUser: ${ROOT}`,
            ],
        );
    });
});

describe("non-root-pods: Helm releases", () => {
    const release = (values: Record<string, unknown>) => ({
        type: "kubernetes:helm.sh/v3:Release",
        name: "karpenter",
        props: { name: "karpenter", namespace: "karpenter", chart: "oci://public.ecr.aws/karpenter/karpenter", values },
    });

    it("reports a helm.v3.Release as not evaluated instead of passing it", async () => {
        const outcome = await runResourcePolicy(nonRootPods, release({ replicas: 2 }));
        assertUnknown(
            outcome,
            "Helm release 'karpenter' (chart 'oci://public.ecr.aws/karpenter/karpenter') renders its workloads inside the Helm provider",
        );
    });

    it("still reports runAsUser: 0 in the release values", async () => {
        const outcome = await runResourcePolicy(nonRootPods, release({ podSecurityContext: { runAsUser: 0 } }));
        assert.equal(outcome.kind, "unknown");
        assert.deepEqual(outcome.kind === "unknown" && outcome.violations.map((v) => v.message), [
            "Helm release 'karpenter' (chart 'oci://public.ecr.aws/karpenter/karpenter') values.podSecurityContext.runAsUser: 0 runs the chart's " +
                "containers as root; use a non-zero UID and runAsNonRoot: true",
        ]);
    });

    it("skips a release listed in exemptWorkloads", async () => {
        assertNotApplicable(
            await runResourcePolicy(nonRootPods, release({}), { exemptWorkloads: ["karpenter/karpenter"] }),
        );
    });
});

import * as assert from "node:assert/strict";
import { buildPoolContract, findPool, type TeamSettings, parseEmrReleaseLabel } from "../../../components/vocabulary";
import {
    SPARK_JOBS_NAMESPACE_LABEL,
    SPARK_PRIORITY_CLASSES,
    limitRangeManifest,
    networkPolicyManifests,
    priorityClassManifest,
    resourceQuotaManifest,
    sampleSparkApplication,
    sparkOperatorValues,
    sparkRoleBindingManifest,
    sparkRoleManifest,
    sparkVersionOf,
    teamNamespaceManifest,
} from "../../../components/spark";
import { minQuantity, quantityValue } from "../../../components/spark/quantity";
import { platformSparkConf } from "../../../components/spark-conf";

import { readBaseValues, readChartPin } from "../../../components/charts";
import { OPERATOR_PORTS } from "../../../components/spark";

const TEAM: TeamSettings = {
    name: "data-eng",
    namespace: "spark-data-eng",
    quota: { cpu: "32", memory: "128Gi" },
    glueDatabases: [],
    sparkConf: {},
};
const SMALL: TeamSettings = {
    name: "tiny",
    namespace: "spark-tiny",
    quota: { cpu: "200m", memory: "256Mi" },
    glueDatabases: [],
    sparkConf: {},
};

describe("Spark team objects", () => {
    it("label the namespace for Pod Security restricted (enforce, audit, warn) at the cluster's minor", () => {
        const labels = teamNamespaceManifest(TEAM, "1.34", false).metadata.labels;
        assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(labels["pod-security.kubernetes.io/enforce-version"], "v1.34");
        assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted");
        assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
        assert.equal(
            labels[SPARK_JOBS_NAMESPACE_LABEL.key],
            SPARK_JOBS_NAMESPACE_LABEL.value,
            "the operator webhook acts on it",
        );
    });

    it("enforce baseline where an EMR virtual cluster runs jobs, still warning and auditing restricted", () => {
        // EMR's job-submitter pods and injected containers cannot carry the security contexts restricted requires.
        const labels = teamNamespaceManifest(TEAM, "1.34", true).metadata.labels;
        assert.equal(labels["pod-security.kubernetes.io/enforce"], "baseline");
        assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
        assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted");
        for (const mode of ["enforce", "warn", "audit"]) {
            assert.equal(labels[`pod-security.kubernetes.io/${mode}-version`], "v1.34");
        }
    });

    it("bound the team's CPU and memory requests and memory limits by its quota, and never limits.cpu", () => {
        assert.deepEqual(resourceQuotaManifest(TEAM).spec.hard, {
            "requests.cpu": "32",
            "requests.memory": "128Gi",
            "limits.memory": "128Gi",
        });
        assert.equal(resourceQuotaManifest(TEAM).metadata.namespace, "spark-data-eng");
    });

    it("give containers defaults and cap a single container's memory at the quota", () => {
        assert.deepEqual(limitRangeManifest(TEAM).spec.limits, [
            {
                type: "Container",
                defaultRequest: { cpu: "250m", memory: "512Mi" },
                default: { memory: "1Gi" },
                max: { memory: "128Gi" },
            },
        ]);
    });

    it("never let a container inherit the team's whole quota as its limit", () => {
        // The API server defaults a missing `default` limit to `max` (core/v1 SetDefaults_LimitRange).
        for (const item of limitRangeManifest(TEAM).spec.limits) {
            const defaults: Record<string, string> = item.default;
            for (const [resource, ceiling] of Object.entries(item.max as Record<string, string>)) {
                assert.ok(defaults[resource] !== undefined, `${resource} has a max but no default limit`);
                assert.ok(
                    quantityValue(defaults[resource]) < quantityValue(ceiling),
                    `${resource} defaults to the max`,
                );
            }
        }
    });

    it("never default a container above a small quota", () => {
        const [limits] = limitRangeManifest(SMALL).spec.limits;
        assert.deepEqual(limits.defaultRequest, { cpu: "200m", memory: "256Mi" });
        assert.deepEqual(limits.default, { memory: "256Mi" });
    });

    it("compare quantities across suffixes", () => {
        assert.equal(quantityValue("500m"), 0.5);
        assert.equal(quantityValue("1Gi"), 2 ** 30);
        assert.equal(minQuantity("1Gi", "1G"), "1G");
        assert.equal(minQuantity("250m", "2"), "250m");
        assert.throws(() => quantityValue("1 Gi"), /not a Kubernetes quantity/);
    });

    describe("network policies", () => {
        const policies = networkPolicyManifests(TEAM);

        it("deny all ingress and egress by default", () => {
            assert.deepEqual(policies["default-deny"].spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        });

        it("allow exactly driver ↔ executors, DNS and HTTPS egress", () => {
            assert.deepEqual(Object.keys(policies).sort(), [
                "default-deny",
                "dns-egress",
                "https-egress",
                "spark-driver-executor",
            ]);
            const spark = { matchExpressions: [{ key: "spark-role", operator: "In", values: ["driver", "executor"] }] };
            assert.deepEqual(policies["spark-driver-executor"].spec, {
                podSelector: spark,
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [{ podSelector: spark }] }],
                egress: [{ to: [{ podSelector: spark }] }],
            });
            assert.deepEqual(policies["dns-egress"].spec.egress[0].ports, [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
            ]);
            assert.deepEqual(policies["dns-egress"].spec.egress[0].to, [
                {
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                },
            ]);
            assert.deepEqual(policies["https-egress"].spec.egress, [
                {
                    to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }],
                    ports: [{ protocol: "TCP", port: 443 }],
                },
            ]);
        });

        it("live in the team's namespace and open no ingress from outside it", () => {
            for (const policy of Object.values(policies)) {
                assert.equal(policy.metadata.namespace, TEAM.namespace);
                const spec = policy.spec as { ingress?: { from?: Record<string, unknown>[] }[] };
                for (const rule of spec.ingress ?? []) {
                    for (const peer of rule.from ?? [])
                        assert.deepEqual(Object.keys(peer), ["podSelector"], "same-namespace peers only");
                }
            }
        });
    });

    it("let the Spark service account manage executors in its namespace only, and read no secrets", () => {
        const role = sparkRoleManifest(TEAM);
        assert.equal(role.metadata.namespace, TEAM.namespace);
        assert.deepEqual(
            role.rules.map((r) => r.resources[0]),
            ["pods", "services", "configmaps", "persistentvolumeclaims"],
        );
        assert.ok(role.rules.every((r) => !r.verbs.includes("*") && r.apiGroups.every((g) => g === "")));
        assert.deepEqual(sparkRoleBindingManifest(TEAM).subjects, [
            { kind: "ServiceAccount", name: "data-eng-spark", namespace: "spark-data-eng" },
        ]);
    });
});

describe("Spark PriorityClasses", () => {
    it("rank drivers above executors; executors never preempt", () => {
        const driver = priorityClassManifest("driver");
        const executor = priorityClassManifest("executor");
        assert.ok(driver.value > executor.value && executor.value > 0);
        assert.ok(driver.value < 1_000_000_000, "below the system-* classes");
        assert.equal(driver.preemptionPolicy, "PreemptLowerPriority");
        assert.equal(executor.preemptionPolicy, "Never");
        assert.equal(driver.globalDefault, false);
        assert.equal(executor.globalDefault, false);
        assert.deepEqual([driver.metadata.name, executor.metadata.name], ["spark-driver", "spark-executor"]);
    });
});

describe("sample SparkApplication", () => {
    const SPARK_CONF = platformSparkConf({
        team: "data-eng",
        eventLogDir: "s3://b/spark-events/data-eng/",
        fallbackStorageDir: "s3://b/shuffle-fallback/data-eng/",
    });
    const release = parseEmrReleaseLabel("emr-7.12.0-20251111");
    if (typeof release === "string") throw new Error(release);
    const pools = buildPoolContract(["us-west-2b", "us-west-2c"]);
    const app = sampleSparkApplication({
        name: "data-eng-spark-pi",
        namespace: TEAM.namespace,
        serviceAccount: "data-eng-spark",
        image: "895885662937.dkr.ecr.us-west-2.amazonaws.com/spark/emr-7.12.0:20251111",
        release,
        pools,
        zone: "us-west-2c",
        sparkConf: SPARK_CONF,
    });

    it("puts the driver on the zone's driver pool and the executors on the same zone's executor pool", () => {
        const driverPool = findPool(pools, "us-west-2c", "driver");
        const executorPool = findPool(pools, "us-west-2c", "executor");
        assert.deepEqual(app.spec.driver.nodeSelector, driverPool.nodeSelector);
        assert.deepEqual(app.spec.driver.tolerations, driverPool.tolerations);
        assert.deepEqual(app.spec.driver.annotations, driverPool.podAnnotations);
        assert.deepEqual(app.spec.executor.nodeSelector, executorPool.nodeSelector);
        assert.deepEqual(app.spec.executor.tolerations, executorPool.tolerations);
        assert.equal(app.spec.driver.nodeSelector["topology.kubernetes.io/zone"], "us-west-2c");
        assert.equal(app.spec.executor.nodeSelector["topology.kubernetes.io/zone"], "us-west-2c");
    });

    it("runs driver and executors as the non-root hadoop user, with what the 1.1.x CRD can carry", () => {
        for (const role of [app.spec.driver, app.spec.executor]) {
            assert.deepEqual(role.securityContext, {
                runAsNonRoot: true,
                runAsUser: 999,
                runAsGroup: 1000,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
            });
            assert.deepEqual(role.podSecurityContext, {
                runAsNonRoot: true,
                runAsUser: 999,
                runAsGroup: 1000,
                fsGroup: 1000,
            });
            assert.equal(role.serviceAccount, "data-eng-spark");
            assert.ok(!("priorityClassName" in role), "the 1.1.x CRD has no per-role priorityClassName");
        }
        assert.deepEqual(app.spec.batchSchedulerOptions, { priorityClassName: SPARK_PRIORITY_CLASSES.driver.name });
    });

    it("carries the platform's and the team's Spark settings as its sparkConf, with Glue as its metastore", () => {
        assert.equal(app.spec.sparkConf["spark.eventLog.dir"], "s3://b/spark-events/data-eng/");
        assert.deepEqual(app.spec.sparkConf, {
            ...SPARK_CONF,
            "spark.hadoop.hive.metastore.client.factory.class":
                "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
        });
    });

    it("uses the pinned image and the release's Spark line", () => {
        assert.doesNotMatch(app.spec.image, /:latest$/);
        assert.equal(app.spec.sparkVersion, "3.5");
        assert.equal(sparkVersionOf({ major: 6, minor: 10 }), "3.3");
        assert.equal(sparkVersionOf({ major: 6, minor: 12 }), "3.4");
    });

    it("refuses a zone that is not a Spark zone", () => {
        assert.throws(
            () =>
                sampleSparkApplication({
                    name: "x",
                    namespace: "y",
                    serviceAccount: "z",
                    image: "i:1",
                    release,
                    pools,
                    zone: "us-west-2a",
                    sparkConf: SPARK_CONF,
                }),
            /no Spark driver pool in us-west-2a/,
        );
    });
});

describe("Spark Operator values", () => {
    it("set the region, the webhook on, the job namespaces and the system nodes", () => {
        const values = sparkOperatorValues({
            region: "eu-west-1",
            jobNamespaces: ["spark-a", "spark-b"],
            systemNodeSelector: { "spark-platform/pool": "system" },
            fullname: "spark-operator",
            webhookCertificateChecksum: "0f",
        });
        assert.deepEqual(values, {
            fullnameOverride: "spark-operator",
            emrContainers: { awsRegion: "eu-west-1" },
            sparkJobNamespace: "",
            sparkJobNamespaces: ["spark-a", "spark-b"],
            webhook: { enable: true, namespaceSelector: "spark-platform/spark-jobs=enabled" },
            nodeSelector: { "spark-platform/pool": "system" },
            podAnnotations: { "spark-platform/webhook-certs-sha256": "0f" },
        });
        assert.equal(
            sparkOperatorValues({
                region: "eu-west-1",
                jobNamespaces: ["spark-a"],
                systemNodeSelector: {},
                fullname: "spark-operator",
            }).sparkJobNamespace,
            "spark-a",
        );
        assert.throws(
            () =>
                sparkOperatorValues({
                    region: "eu-west-1",
                    jobNamespaces: [],
                    systemNodeSelector: {},
                    fullname: "spark-operator",
                }),
            /at least one job namespace/,
        );
    });

    it("run every operator pod non-root with a restricted security context (chart base values)", () => {
        const base = readBaseValues("spark-operator") as Record<string, Record<string, unknown>>;
        assert.deepEqual(base.securityContext, {
            runAsNonRoot: true,
            runAsUser: 999,
            runAsGroup: 1000,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.equal(base.podSecurityContext.runAsNonRoot, true);
        assert.notEqual(base.podSecurityContext.runAsUser, 0);
        assert.deepEqual(base.webhook, { enable: true, port: OPERATOR_PORTS.webhook });
        assert.equal((base.metrics as unknown as { port: number }).port, OPERATOR_PORTS.metrics);
    });

    it("pin namespace and release of the chart", () => {
        const pin = readChartPin("spark-operator");
        assert.deepEqual(
            [pin.namespace, pin.release, pin.chart],
            ["spark-operator", "spark-operator", "oci://public.ecr.aws/emr-on-eks/spark-operator"],
        );
    });
});

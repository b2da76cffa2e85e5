/**
 * Spark metrics reach AMP and turn into alerts: the collector's scrape configuration read as Prometheus reads it
 * (its relabeling applied to sample pods), the rule file's expressions parsed with Prometheus' grammar and each
 * metric traced to a scrape job of the stack, the alert manager's receiver, and both stacks' plans wired end to end.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
    METRICS_BY_JOB,
    SYNTHETIC_METRICS,
    type ScrapeConfig,
    alertManagerDefinition,
    alertRuleGroups,
    alertRulesYaml,
    driverMetricName,
    scrapeConfigYaml,
    scrapeJobsFor,
} from "../../../components/metrics";
import { autoscalerMetricsEndpoint } from "../../../components/autoscaling";
import { METRICS_NAMESPACE, platformSparkConf } from "../../../components/spark-conf";
import { SPARK_UI_PORT } from "../../../components/vocabulary";
import type { Autoscaler } from "../../../components/vocabulary";
import type { CapturedResource } from "../../../tools/plan/capture";
import { planFixture } from "../../support/fixture-stacks";
import { ofType, one } from "../../support/plan-queries";
import { selectorsOf } from "../../support/promql";

const TEAMS = [
    { name: "data-eng", namespace: "spark-data-eng" },
    { name: "ml", namespace: "spark-ml" },
];
const AUTOSCALERS: Autoscaler[] = ["karpenter", "cluster-autoscaler"];
// Spark's own paths, typed out (not imported), so a changed contract fails here.
const DRIVER_METRICS_PATH = "/metrics/driver/prometheus/";
const EXECUTOR_METRICS_PATH = "/metrics/executors/prometheus/";

function parsedScrapeConfig(autoscaler: Autoscaler, intervalSeconds?: number): ScrapeConfig {
    const input = { teams: TEAMS, autoscaler: autoscalerMetricsEndpoint(autoscaler) };
    return parse(
        scrapeConfigYaml(intervalSeconds === undefined ? input : { ...input, intervalSeconds }),
    ) as ScrapeConfig;
}

type Labels = Record<string, string>;

/**
 * Prometheus' relabeling of one discovered target (keep, drop and replace; source values joined with `;`, the
 * regex anchored at both ends): the target's labels, or undefined when it is dropped.
 */
function relabel(job: ScrapeConfig["scrape_configs"][number], meta: Labels): Labels | undefined {
    const labels: Labels = { ...meta, job: job.job_name, __metrics_path__: job.metrics_path };
    for (const rule of job.relabel_configs) {
        const value = (rule.source_labels ?? []).map((l) => labels[l] ?? "").join(";");
        const match = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`).exec(value);
        const action = rule.action ?? "replace";
        if (action === "keep" && !match) return undefined;
        if (action === "drop" && match) return undefined;
        if (action === "replace" && match && rule.target_label) {
            labels[rule.target_label] = (rule.replacement ?? "$1").replace(/\$(\d)/g, (_, i) => match[Number(i)] ?? "");
        }
    }
    const namespaces = job.kubernetes_sd_configs.flatMap((c) => c.namespaces.names);
    if (!namespaces.includes(meta.__meta_kubernetes_namespace)) return undefined; // never discovered
    return Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith("__meta_")));
}

/** Discovery's meta labels of one container port of a pod (kubernetes_sd_configs, role pod). */
function podPort(o: { namespace: string; labels: Labels; phase?: string; portName?: string; port: number }): Labels {
    const meta: Labels = {
        __meta_kubernetes_namespace: o.namespace,
        __meta_kubernetes_pod_name: "spark-000000031-driver",
        __meta_kubernetes_pod_phase: o.phase ?? "Running",
        __meta_kubernetes_pod_container_port_name: o.portName ?? "",
        __meta_kubernetes_pod_container_port_number: String(o.port),
    };
    for (const [k, v] of Object.entries(o.labels)) {
        meta[`__meta_kubernetes_pod_label_${k.replace(/[^A-Za-z0-9_]/g, "_")}`] = v;
    }
    return meta;
}

const EMR_DRIVER_LABELS = {
    "spark-role": "driver",
    "spark-app-selector": "spark-0a1b2c3d",
    "emr-containers.amazonaws.com/virtual-cluster-id": "vc0123456789abcdef",
    "emr-containers.amazonaws.com/job.id": "000000031",
};

describe("Spark metrics (components/metrics)", () => {
    describe("the collector's scrape configuration", () => {
        for (const autoscaler of AUTOSCALERS) {
            it(`with ${autoscaler}: kubernetes_sd_configs only, every 30 s, a job and path per target`, () => {
                const config = parsedScrapeConfig(autoscaler);
                assert.deepEqual(Object.keys(config), ["global", "scrape_configs"]);
                assert.equal(config.global.scrape_interval, "30s");
                assert.deepEqual(
                    config.scrape_configs.map((j) => [j.job_name, j.metrics_path]),
                    [
                        ["spark-driver", DRIVER_METRICS_PATH],
                        ["spark-executors", EXECUTOR_METRICS_PATH],
                        [autoscaler, "/metrics"],
                    ],
                );
                const discovery = new Set(
                    config.scrape_configs.flatMap((j) => Object.keys(j).filter((k) => k.endsWith("_configs"))),
                );
                assert.deepEqual([...discovery].sort(), ["kubernetes_sd_configs", "relabel_configs"]);
            });
        }

        it("refuses an interval the managed collector does not take", () => {
            assert.throws(
                () => parsedScrapeConfig("karpenter", 15),
                /15s is below the managed collector's minimum of 30s/,
            );
            assert.equal(parsedScrapeConfig("karpenter", 60).global.scrape_interval, "60s");
        });

        it("scrapes each team's running drivers on the UI port, labelled with team, app, virtual cluster and job run", () => {
            const [driverJob, executorJob] = parsedScrapeConfig("karpenter").scrape_configs;
            const driver = podPort({
                namespace: "spark-ml",
                labels: EMR_DRIVER_LABELS,
                portName: "spark-ui",
                port: SPARK_UI_PORT,
            });
            for (const [job, path] of [
                [driverJob, DRIVER_METRICS_PATH],
                [executorJob, EXECUTOR_METRICS_PATH],
            ] as const) {
                const target = relabel(job, driver);
                assert.ok(target, job.job_name);
                assert.equal(target.__metrics_path__, path);
                assert.equal(target.team, "ml");
                assert.equal(target.namespace, "spark-ml");
                assert.equal(target.app_id, "spark-0a1b2c3d");
                assert.equal(target.virtual_cluster_id, "vc0123456789abcdef");
                assert.equal(target.job_run_id, "000000031");
            }
            // A SparkApplication's driver has no EMR labels: no empty ones either.
            const operatorDriver = relabel(
                driverJob,
                podPort({
                    namespace: "spark-data-eng",
                    labels: { "spark-role": "driver", "spark-app-selector": "spark-9f" },
                    portName: "spark-ui",
                    port: SPARK_UI_PORT,
                }),
            );
            assert.equal(operatorDriver?.team, "data-eng");
            assert.ok(operatorDriver && !("virtual_cluster_id" in operatorDriver));
        });

        it("leaves out executors, finished drivers, other ports and other namespaces", () => {
            const [driverJob] = parsedScrapeConfig("karpenter").scrape_configs;
            const base = {
                namespace: "spark-ml",
                labels: EMR_DRIVER_LABELS,
                portName: "spark-ui",
                port: SPARK_UI_PORT,
            };
            const dropped = [
                { ...base, labels: { ...EMR_DRIVER_LABELS, "spark-role": "executor" } },
                { ...base, phase: "Succeeded" },
                { ...base, phase: "Pending" },
                { ...base, portName: "driver-rpc-port", port: 7078 },
                { ...base, namespace: "kube-system" },
            ];
            for (const pod of dropped) assert.equal(relabel(driverJob, podPort(pod)), undefined, JSON.stringify(pod));
        });

        it("scrapes the autoscaler's controller on its metrics port only", () => {
            for (const autoscaler of AUTOSCALERS) {
                const endpoint = autoscalerMetricsEndpoint(autoscaler);
                const job = parsedScrapeConfig(autoscaler).scrape_configs[2];
                const pod = (port: number, name = endpoint.appName) =>
                    podPort({
                        namespace: endpoint.namespace,
                        labels: { "app.kubernetes.io/name": name },
                        port,
                    });
                const target = relabel(job, pod(endpoint.port));
                assert.ok(target, autoscaler);
                // Karpenter's pod metrics carry the described pod's namespace: the target must not add its own.
                assert.ok(!("namespace" in target));
                assert.equal(relabel(job, pod(443)), undefined, `${autoscaler} webhook port`);
                assert.equal(relabel(job, pod(endpoint.port, "coredns")), undefined, `${autoscaler} other pods`);
            }
            assert.deepEqual(
                AUTOSCALERS.map((a) => autoscalerMetricsEndpoint(a)),
                [
                    { autoscaler: "karpenter", namespace: "kube-system", appName: "karpenter", port: 8080 },
                    {
                        autoscaler: "cluster-autoscaler",
                        namespace: "kube-system",
                        appName: "aws-cluster-autoscaler",
                        port: 8085,
                    },
                ],
            );
        });
    });

    describe("the metrics contract with the job paths", () => {
        it("every job's platform settings serve what the scrape reads, under the names the rules use", () => {
            const conf = platformSparkConf({
                team: "ml",
                eventLogDir: "s3://bucket/spark-events/ml/",
                fallbackStorageDir: "s3://bucket/shuffle-fallback/ml/",
            });
            assert.equal(conf["spark.ui.prometheus.enabled"], "true");
            assert.equal(
                conf["spark.metrics.conf.*.sink.prometheusServlet.class"],
                "org.apache.spark.metrics.sink.PrometheusServlet",
            );
            assert.equal(conf["spark.metrics.conf.*.sink.prometheusServlet.path"], DRIVER_METRICS_PATH);
            // The application status counters the executor-failure rule reads.
            assert.equal(conf["spark.metrics.appStatusSource.enabled"], "true");
            assert.equal(conf["spark.metrics.namespace"], "spark");
            assert.equal(
                driverMetricName("appStatus", "tasks.failedTasks", "Count"),
                "metrics_spark_driver_appStatus_tasks_failedTasks_Count",
            );
            assert.equal(
                driverMetricName("DAGScheduler", "job.activeJobs", "Value"),
                `metrics_${METRICS_NAMESPACE}_driver_DAGScheduler_job_activeJobs_Value`,
            );
        });
    });

    describe("the alerting rules", () => {
        for (const autoscaler of AUTOSCALERS) {
            it(`with ${autoscaler}: parse, and read only metrics the stack's own scrape jobs produce`, () => {
                const file = parse(alertRulesYaml({ autoscaler, teamNamespaces: TEAMS.map((t) => t.namespace) })) as {
                    groups: { name: string; rules: Record<string, unknown>[] }[];
                };
                const rules = file.groups.flatMap((g) => g.rules);
                // promtool check rules' duplicate-rules lint: within a group, no two rules with one name and labels.
                for (const group of file.groups) {
                    const identities = group.rules.map((r) => JSON.stringify([r.alert, r.labels]));
                    assert.equal(new Set(identities).size, identities.length, `${group.name}: ${identities.join(" ")}`);
                }
                assert.deepEqual([...new Set(rules.map((r) => r.alert))].sort(), [
                    "SparkExecutorFailures",
                    "SparkPodsPending",
                    "SparkTeamMetricsMissing",
                ]);
                const jobs = scrapeJobsFor(autoscaler);
                for (const rule of rules) {
                    assert.deepEqual(Object.keys(rule).sort(), ["alert", "annotations", "expr", "for", "labels"]);
                    assert.match(String(rule.for), /^\d+[smh]$/);
                    const selectors = selectorsOf(String(rule.expr));
                    assert.ok(selectors.length > 0, String(rule.alert));
                    for (const { metric, job } of selectors) {
                        assert.ok(job, `${String(rule.alert)}: ${metric} names the scrape job it comes from`);
                        for (const name of job.split("|")) {
                            assert.ok(
                                jobs.includes(name as never),
                                `${String(rule.alert)}: job ${name} is not scraped`,
                            );
                            const produced = [
                                ...SYNTHETIC_METRICS,
                                ...METRICS_BY_JOB[name as keyof typeof METRICS_BY_JOB],
                            ];
                            assert.ok(
                                produced.includes(metric),
                                `${String(rule.alert)}: ${name} does not produce ${metric}`,
                            );
                        }
                    }
                }
            });
        }

        it("watch only the teams' namespaces for pending pods and silent drivers", () => {
            const [group] = alertRuleGroups({ autoscaler: "karpenter", teamNamespaces: ["spark-ml", "spark-bi"] });
            const pending = group.rules.find((r) => r.alert === "SparkPodsPending");
            assert.match(pending?.expr ?? "", /namespace=~"spark-ml\|spark-bi"/);
            assert.throws(() => alertRuleGroups({ autoscaler: "karpenter", teamNamespaces: [] }), /no team namespace/);
        });

        it("have a runbook line each in the README's Alerts section", () => {
            const readme = readFileSync(path.resolve(__dirname, "../../../README.md"), "utf8");
            const alerts = readme.slice(readme.indexOf("### Alerts"), readme.indexOf("## The offline tools"));
            for (const autoscaler of AUTOSCALERS) {
                for (const rule of alertRuleGroups({ autoscaler, teamNamespaces: ["spark-ml"] })[0].rules) {
                    assert.match(alerts, new RegExp(`^\\| \`${rule.alert}\` .*\\| .+ \\|$`, "m"), rule.alert);
                }
            }
        });
    });

    describe("the alert manager", () => {
        it("sends every alert to the stack's topic, signed for its region", () => {
            const topicArn = "arn:aws:sns:us-west-2:111111111111:spark-dev-alerts";
            const definition = parse(
                alertManagerDefinition({ topicArn, region: "us-west-2", subjectPrefix: "spark-dev" }),
            ) as { alertmanager_config: string };
            const config = parse(definition.alertmanager_config) as {
                route: { receiver: string; routes?: unknown };
                receivers: { name: string; sns_configs: Record<string, unknown>[] }[];
            };
            assert.equal(config.route.receiver, config.receivers[0].name);
            assert.equal(config.route.routes, undefined);
            assert.deepEqual(
                config.receivers.map((r) => r.sns_configs.map((c) => [c.topic_arn, c.sigv4, c.api_url, c.http_config])),
                [[[topicArn, { region: "us-west-2" }, undefined, undefined]]],
            );
            assert.throws(
                () => alertManagerDefinition({ topicArn: "spark-dev-alerts", region: "us-west-2", subjectPrefix: "x" }),
                /is not an SNS topic ARN/,
            );
        });
    });

    describe("in the planned program", function () {
        this.timeout(120_000);
        const stacks = [
            { stack: "dev", autoscaler: "karpenter" as const },
            { stack: "prod", autoscaler: "cluster-autoscaler" as const },
        ];
        const collectorOf = (p: { resources: readonly CapturedResource[] }) => one(p, "aws:amp/scraper:Scraper");

        for (const { stack, autoscaler } of stacks) {
            it(`${stack} (${autoscaler}): the collector scrapes the cluster from private subnets of two zones or more`, async () => {
                const p = await planFixture({ stack });
                const scraper = collectorOf(p);
                const [cluster] = ofType(p, "eks:index:Cluster");
                const source = (scraper.inputs.source as { eks: Record<string, unknown> }).eks;
                assert.equal(
                    source.clusterArn,
                    `arn:aws:eks:us-west-2:${p.account.accountId}:cluster/${String(cluster.outputs.name)}`,
                );
                const ids = source.subnetIds as string[];
                const subnets = ofType(p, "aws:ec2/subnet:Subnet").filter((s) => ids.includes(String(s.id)));
                assert.equal(subnets.length, ids.length);
                // The private subnets (tagged for internal load balancers), never the public ones.
                assert.ok(
                    subnets.every(
                        (s) => (s.inputs.tags as Record<string, string>)["kubernetes.io/role/internal-elb"] === "1",
                    ),
                );
                const zones = new Set(subnets.map((s) => s.inputs.availabilityZone));
                assert.ok(zones.size >= 2, `zones ${[...zones].join(", ")}`);
                const [workspace] = ofType(p, "aws:amp/workspace:Workspace");
                assert.deepEqual(scraper.inputs.destination, { amp: { workspaceArn: workspace.outputs.arn } });
                // The tag the collector writes on its workspace is already there: a refresh sees no drift.
                assert.equal((workspace.inputs.tags as Record<string, string>).AMPAgentlessScraper, "");
                assert.equal(
                    scraper.inputs.scrapeConfiguration,
                    scrapeConfigYaml({
                        teams: Object.entries(p.outputs.sparkTeamOutputs as Record<string, { namespace: string }>).map(
                            ([name, t]) => ({ name, namespace: t.namespace }),
                        ),
                        autoscaler: autoscalerMetricsEndpoint(autoscaler),
                    }),
                );
                // The collector reaches the API through the private endpoint, which every stack keeps on.
                assert.equal(cluster.inputs.endpointPrivateAccess, true);
            });

            it(`${stack} (${autoscaler}): nodes and endpoint admit the collector on exactly the scraped ports`, async () => {
                const p = await planFixture({ stack });
                const scraper = collectorOf(p);
                const [group] = (scraper.inputs.source as { eks: { securityGroupIds: string[] } }).eks.securityGroupIds;
                const collectorGroup = ofType(p, "aws:ec2/securityGroup:SecurityGroup").find((g) => g.id === group);
                assert.ok(collectorGroup, "the collector has a security group of its own");
                const [cluster] = ofType(p, "eks:index:Cluster");
                const clusterGroup = (cluster.outputs.eksCluster as { vpcConfig: { clusterSecurityGroupId: string } })
                    .vpcConfig.clusterSecurityGroupId;
                const fromCollector = ofType(p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
                    (r) => r.inputs.referencedSecurityGroupId === group,
                );
                assert.deepEqual(
                    fromCollector.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort, r.inputs.toPort]).sort(),
                    [443, SPARK_UI_PORT, autoscalerMetricsEndpoint(autoscaler).port]
                        .map((port) => [clusterGroup, port, port])
                        .sort(),
                );
            });

            it(`${stack} (${autoscaler}): rules and alert manager on the workspace, alerts to the stack's topic`, async () => {
                const p = await planFixture({ stack });
                const [workspace] = ofType(p, "aws:amp/workspace:Workspace");
                const rules = one(p, "aws:amp/ruleGroupNamespace:RuleGroupNamespace");
                assert.equal(rules.inputs.workspaceId, workspace.id);
                const names = (parse(String(rules.inputs.data)) as { groups: { rules: { expr: string }[] }[] }).groups
                    .flatMap((g) => g.rules)
                    .flatMap((r) => selectorsOf(r.expr).map((s) => s.metric));
                const other = autoscaler === "karpenter" ? "cluster_autoscaler_" : "karpenter_";
                assert.ok(!names.some((n) => n.startsWith(other)), `no ${other} metrics on a ${autoscaler} stack`);
                const manager = one(p, "aws:amp/alertManagerDefinition:AlertManagerDefinition");
                assert.equal(manager.inputs.workspaceId, workspace.id);
                const [topic] = ofType(p, "aws:sns/topic:Topic");
                assert.match(String(manager.inputs.definition), new RegExp(`topic_arn: ${String(topic.outputs.arn)}`));
            });
        }

        it("lets the collector through each team's default-deny NetworkPolicies to its drivers' UI port", async () => {
            const p = await planFixture({ stack: "dev" });
            // The CIDRs of the subnets the collector's network interfaces are in.
            const collectorSubnets = (collectorOf(p).inputs.source as { eks: { subnetIds: string[] } }).eks.subnetIds;
            const privateCidrs = ofType(p, "aws:ec2/subnet:Subnet")
                .filter((s) => collectorSubnets.includes(String(s.id)))
                .map((s) => s.inputs.cidrBlock);
            assert.equal(privateCidrs.length, collectorSubnets.length);
            const policies = ofType(p, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(
                (n) => (n.inputs.metadata as { name: string }).name === "spark-metrics-scrape",
            );
            assert.equal(policies.length, Object.keys(p.outputs.sparkTeamOutputs as object).length);
            for (const policy of policies) {
                const spec = policy.inputs.spec as {
                    podSelector: unknown;
                    ingress: { from: { ipBlock: { cidr: string } }[]; ports: unknown[] }[];
                };
                assert.deepEqual(spec.podSelector, { matchLabels: { "spark-role": "driver" } });
                assert.deepEqual(spec.ingress[0].from.map((f) => f.ipBlock.cidr).sort(), [...privateCidrs].sort());
                assert.deepEqual(spec.ingress[0].ports, [{ protocol: "TCP", port: SPARK_UI_PORT }]);
            }
        });

        it("in a VPC of six zones, puts the collector in five of them (CreateScraper's limit) and admits only those", async () => {
            const zones = ["a", "b", "c", "d", "e", "f"].map((z) => `us-west-2${z}`);
            const p = await planFixture({ stack: "dev", configOverrides: { availabilityZones: zones } });
            const ids = (collectorOf(p).inputs.source as { eks: { subnetIds: string[] } }).eks.subnetIds;
            // AMP API reference, EksConfiguration.subnetIds: 1 to 5 items (typed out, not imported).
            assert.ok(ids.length >= 2 && ids.length <= 5, `${ids.length} subnets`);
            const subnets = ofType(p, "aws:ec2/subnet:Subnet").filter((s) => ids.includes(String(s.id)));
            assert.equal(new Set(subnets.map((s) => s.inputs.availabilityZone)).size, ids.length, "one per zone");
            const [policy] = ofType(p, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(
                (n) => (n.inputs.metadata as { name: string }).name === "spark-metrics-scrape",
            );
            const spec = policy.inputs.spec as { ingress: { from: { ipBlock: { cidr: string } }[] }[] };
            assert.deepEqual(
                spec.ingress[0].from.map((f) => f.ipBlock.cidr).sort(),
                subnets.map((s) => String(s.inputs.cidrBlock)).sort(),
            );
        });
    });
});

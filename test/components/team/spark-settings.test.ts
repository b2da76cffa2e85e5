/**
 * The Spark settings every team's jobs get, planned through index.ts for a fixture stack with two teams, one with its
 * own settings: the same settings (one source) on every job path a team is handed, the team tier over the
 * platform's, the event log on the team's prefix and the metrics contract.
 */
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import {
    EXECUTOR_TERMINATION_GRACE_SECONDS,
    GLUE_CLIENT_FACTORY,
    platformSparkConf,
} from "../../../components/spark-conf";
import type { PlanResult } from "../../../tools/plan/plan";
import { planFixture } from "../../support/fixture-stacks";
import { waitsFor } from "../../support/plan-graph";
import { ofType } from "../../support/plan-queries";

const TEAMS = [
    {
        name: "data-eng",
        namespace: "spark-data-eng",
        quota: { cpu: "32", memory: "128Gi" },
        sparkConf: { "spark.sql.shuffle.partitions": 400, "spark.metrics.appStatusSource.enabled": false },
    },
    { name: "analytics", namespace: "spark-analytics", quota: { cpu: "16", memory: "64Gi" } },
];

interface TeamOutput {
    startJobRunRequest: {
        configurationOverrides: {
            applicationConfiguration: { classification: string; properties: Record<string, string> }[];
        };
    };
    sampleSparkApplication: { spec: { sparkConf: Record<string, string> } };
}

const POD_TEMPLATE_KEYS = ["spark.kubernetes.driver.podTemplateFile", "spark.kubernetes.executor.podTemplateFile"];

describe("Spark settings of every job path (index.ts planned for the dev fixture with two teams)", function () {
    this.timeout(60_000);
    let plan: PlanResult;
    let outputs: Record<string, TeamOutput>;
    let bucket: string;
    before(async () => {
        plan = await planFixture({ stack: "dev", configOverrides: { teams: TEAMS, deploySparkSamples: true } });
        outputs = plan.outputs.sparkTeamOutputs as Record<string, TeamOutput>;
        const [b] = ofType(plan, "aws:s3/bucket:Bucket");
        bucket = String(b.inputs.bucket);
    });

    const sparkDefaultsOf = (out: TeamOutput) => {
        const classes = out.startJobRunRequest.configurationOverrides.applicationConfiguration;
        const defaults = classes.filter((c) => c.classification === "spark-defaults");
        assert.equal(defaults.length, 1);
        return defaults[0].properties;
    };

    it("renders the same platform and team settings into the EMR request and the SparkApplication", () => {
        for (const team of TEAMS) {
            const out = outputs[team.name];
            const emr = { ...sparkDefaultsOf(out) };
            for (const key of POD_TEMPLATE_KEYS) {
                assert.match(emr[key], new RegExp(`^s3://${bucket}/pod-templates/${team.name}/us-west-2a/`));
                delete emr[key];
            }
            const expected = {
                ...platformSparkConf({
                    team: team.name,
                    eventLogDir: `s3://${bucket}/spark-events/${team.name}/`,
                    fallbackStorageDir: `s3://${bucket}/shuffle-fallback/${team.name}/`,
                }),
                ...Object.fromEntries(Object.entries(team.sparkConf ?? {}).map(([k, v]) => [k, String(v)])),
            };
            assert.deepEqual(emr, expected, team.name);
            // The operator path has no classifications: EMR's spark-hive-site arrives as spark.hadoop.* settings.
            assert.deepEqual(
                out.sampleSparkApplication.spec.sparkConf,
                { ...expected, "spark.hadoop.hive.metastore.client.factory.class": GLUE_CLIENT_FACTORY },
                team.name,
            );
        }
    });

    it("applies a team's own settings over the platform's, to that team only", () => {
        assert.equal(sparkDefaultsOf(outputs["data-eng"])["spark.metrics.appStatusSource.enabled"], "false");
        assert.equal(sparkDefaultsOf(outputs["data-eng"])["spark.sql.shuffle.partitions"], "400");
        assert.equal(sparkDefaultsOf(outputs.analytics)["spark.metrics.appStatusSource.enabled"], "true");
        assert.equal(sparkDefaultsOf(outputs.analytics)["spark.sql.shuffle.partitions"], undefined);
    });

    it("sends every team's event log to its own prefix, rolling, with the persistent app UI on for EMR", () => {
        for (const team of TEAMS) {
            const conf = sparkDefaultsOf(outputs[team.name]);
            assert.equal(conf["spark.eventLog.dir"], `s3://${bucket}/spark-events/${team.name}/`);
            assert.equal(conf["spark.eventLog.rolling.enabled"], "true");
            const request = outputs[team.name].startJobRunRequest as unknown as {
                configurationOverrides: { monitoringConfiguration: { persistentAppUI: string } };
            };
            assert.equal(request.configurationOverrides.monitoringConfiguration.persistentAppUI, "ENABLED");
        }
    });

    it("deploys the sample applications with those settings, only once the team's event-log directory exists", () => {
        const apps = ofType(plan, "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication");
        assert.equal(apps.length, TEAMS.length);
        for (const team of TEAMS) {
            const app = apps.find((a) => (a.inputs.metadata as { namespace: string }).namespace === team.namespace);
            assert.ok(app, team.name);
            const spec = app.inputs.spec as { sparkConf: Record<string, string> };
            assert.deepEqual(spec.sparkConf, outputs[team.name].sampleSparkApplication.spec.sparkConf);
            const marker = ofType(plan, "aws:s3/bucketObjectv2:BucketObjectv2").find(
                (o) => o.inputs.key === `spark-events/${team.name}/`,
            );
            assert.ok(marker);
            assert.ok(waitsFor(plan, app).has(marker.urn), `${team.name}'s sample waits for its event-log directory`);
        }
    });

    it("puts EMR's job submitter on the on-demand driver pool of the job's zone and uses Glue as the metastore", () => {
        for (const team of TEAMS) {
            const classes = outputs[team.name].startJobRunRequest.configurationOverrides.applicationConfiguration;
            const of = (name: string) => classes.find((c) => c.classification === name)?.properties;
            assert.deepEqual(of("spark-hive-site"), { "hive.metastore.client.factory.class": GLUE_CLIENT_FACTORY });
            assert.deepEqual(of("emr-job-submitter"), {
                "jobsubmitter.node.selector.topology.kubernetes.io/zone": "us-west-2a",
                "jobsubmitter.node.selector.spark-platform/role": "driver",
                "jobsubmitter.node.toleration.spark-platform/role": "driver",
                "jobsubmitter.node.toleration.spark-platform/role.effect": "NoSchedule",
            });
        }
        // The selector is the one of the pool the stack's autoscaler provides as on-demand capacity in that zone.
        const pools = ofType(plan, "kubernetes:karpenter.sh/v1:NodePool").filter((p) =>
            JSON.stringify(p.inputs).includes('"spark-platform/role":"driver"'),
        );
        assert.equal(pools.length, 1);
        assert.match(JSON.stringify(pools[0].inputs), /"values":\["on-demand"\]/);
    });

    it("lets Spot executors decommission into peers or the team's fallback prefix, inside the Spot notice", () => {
        for (const team of TEAMS) {
            const conf = sparkDefaultsOf(outputs[team.name]);
            assert.equal(conf["spark.decommission.enabled"], "true");
            assert.equal(conf["spark.storage.decommission.shuffleBlocks.enabled"], "true");
            assert.equal(
                conf["spark.storage.decommission.fallbackStorage.path"],
                `s3://${bucket}/shuffle-fallback/${team.name}/`,
            );
            assert.equal(conf["spark.dynamicAllocation.enabled"], "true");
            assert.equal(conf["spark.dynamicAllocation.shuffleTracking.enabled"], "true");
        }
        const templates = ofType(plan, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) =>
            String(o.inputs.key).startsWith("pod-templates/"),
        );
        for (const t of templates) {
            const pod = parse(String(t.inputs.content)) as { spec: { terminationGracePeriodSeconds?: number } };
            if (String(t.inputs.key).endsWith("/executor.yaml")) {
                assert.equal(pod.spec.terminationGracePeriodSeconds, EXECUTOR_TERMINATION_GRACE_SECONDS);
            } else {
                assert.equal(pod.spec.terminationGracePeriodSeconds, undefined, "drivers keep Kubernetes' default");
            }
        }
        assert.ok(EXECUTOR_TERMINATION_GRACE_SECONDS >= 30 && EXECUTOR_TERMINATION_GRACE_SECONDS <= 110);
        for (const team of TEAMS) {
            const executor = (
                outputs[team.name].sampleSparkApplication.spec as unknown as {
                    executor: { terminationGracePeriodSeconds: number };
                }
            ).executor;
            assert.equal(executor.terminationGracePeriodSeconds, EXECUTOR_TERMINATION_GRACE_SECONDS);
        }
        const rules = ofType(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0].inputs
            .rules as { id: string; filter: { prefix?: string }; expiration?: { days: number } }[];
        const fallback = rules.find((r) => r.filter.prefix === "shuffle-fallback/");
        assert.ok(fallback?.expiration && fallback.expiration.days >= 1, JSON.stringify(rules));
    });

    it("stops the plan with one line when a team sets a key the platform owns", async () => {
        await assert.rejects(
            planFixture({
                stack: "dev",
                configOverrides: {
                    teams: [
                        { ...TEAMS[1], sparkConf: { "spark.kubernetes.authenticate.driver.serviceAccountName": "x" } },
                    ],
                },
            }),
            /spark-platform:teams\[0\]\.sparkConf\["spark\.kubernetes\.authenticate\.driver\.serviceAccountName"\]: "x" is not allowed: the platform owns every spark\.kubernetes\.authenticate\.\* key/,
        );
    });
});

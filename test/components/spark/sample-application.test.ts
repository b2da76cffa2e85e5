/**
 * The sample SparkApplication under YuniKorn: the scheduler and the team's queue on both roles, gang scheduling
 * whose task groups are exactly the pods' requests and placement, all within the EMR operator's 1.1.27 CRD.
 */
import * as assert from "node:assert/strict";
import { sampleSparkApplication } from "../../../components/spark";
import {
    buildPoolContract,
    findPool,
    parseEmrReleaseLabel,
    teamPodScheduling,
    type EmrReleaseLabel,
} from "../../../components/vocabulary";
import { SPARK_APPLICATION_CRD, crdValidator, schemaErrors } from "./crd-validator";

const pools = buildPoolContract(["us-west-2a", "us-west-2b"]);
const release = parseEmrReleaseLabel("emr-7.12.0-latest") as EmrReleaseLabel;

function sample(scheduler: "default" | "yunikorn") {
    const scheduling = teamPodScheduling(scheduler, { namespace: "spark-etl" });
    return sampleSparkApplication({
        name: "etl-spark-pi",
        namespace: "spark-etl",
        serviceAccount: "etl-spark",
        image: "895885662937.dkr.ecr.us-west-2.amazonaws.com/spark/emr-7.12.0:20251111",
        release,
        pools,
        zone: "us-west-2b",
        sparkConf: { "spark.eventLog.enabled": "true" },
        ...(scheduling ? { scheduling } : {}),
    });
}

type Role = Record<string, unknown> & {
    annotations?: Record<string, string>;
    labels: Record<string, string>;
    cores: number;
    memory: string;
    memoryOverhead?: string;
};

/** MiB of a Spark memory string ("2g", "512m"). */
function mib(spark: string): number {
    const m = /^(\d+)([mg])$/.exec(spark);
    assert.ok(m, spark);
    return Number(m[1]) * (m[2] === "g" ? 1024 : 1);
}

describe("sample SparkApplication with YuniKorn", () => {
    const app = sample("yunikorn");
    const driver = app.spec.driver as unknown as Role;
    const executor = app.spec.executor as unknown as Role & { instances: number };

    it("validates against the EMR operator's CRD (kubeflow 1.1.27), as does the default-scheduler sample", () => {
        const validate = crdValidator(SPARK_APPLICATION_CRD, "v1beta2");
        assert.deepEqual(schemaErrors(validate, app), []);
        assert.deepEqual(schemaErrors(validate, sample("default")), []);
        // That API has no YuniKorn batch scheduler (operator 1.3.8 knows only volcano): the queue goes by labels.
        assert.equal((app.spec as Record<string, unknown>).batchScheduler, undefined);
    });

    it("names YuniKorn and the team's own queue on driver and executors", () => {
        for (const role of [driver, executor]) {
            assert.equal(role.schedulerName, "yunikorn");
            assert.equal(role.labels["yunikorn.apache.org/queue"], "root.teams.spark-etl");
        }
    });

    it("asks for a gang whose task groups are the pods' requests and placement, with a timeout", () => {
        const annotations = driver.annotations ?? {};
        const groups = JSON.parse(annotations["yunikorn.apache.org/task-groups"]) as {
            name: string;
            minMember: number;
            minResource: { cpu: string; memory: string };
            nodeSelector: Record<string, string>;
            tolerations: unknown[];
        }[];
        assert.equal(annotations["yunikorn.apache.org/task-group-name"], "spark-driver");
        assert.equal(executor.annotations?.["yunikorn.apache.org/task-group-name"], "spark-executor");
        assert.equal(executor.annotations?.["yunikorn.apache.org/task-groups"], undefined);
        assert.deepEqual(
            groups.map((g) => g.name),
            ["spark-driver", "spark-executor"],
        );
        for (const [group, role, kind, members] of [
            [groups[0], driver, "driver", 1],
            [groups[1], executor, "executor", executor.instances],
        ] as const) {
            assert.equal(group.minMember, members);
            // A pod requests cores and memory + overhead; a placeholder smaller than its pod cannot be swapped.
            assert.equal(group.minResource.cpu, String(role.cores));
            assert.ok(role.memoryOverhead, `${kind} sets its overhead`);
            assert.equal(group.minResource.memory, `${mib(role.memory) + mib(role.memoryOverhead)}Mi`);
            const pool = findPool(pools, "us-west-2b", kind);
            assert.deepEqual(group.nodeSelector, pool.nodeSelector);
            assert.deepEqual(group.nodeSelector, role.nodeSelector);
            assert.deepEqual(group.tolerations, role.tolerations);
        }
        const policy = annotations["yunikorn.apache.org/schedulingPolicyParameters"];
        assert.match(policy, /(^| )placeholderTimeoutInSeconds=[1-9]\d*( |$)/);
        assert.match(policy, /(^| )gangSchedulingStyle=(Soft|Hard)( |$)/);
    });

    it("keeps the default-scheduler sample free of YuniKorn settings", () => {
        const plain = sample("default");
        const text = JSON.stringify(plain);
        assert.ok(!text.includes("yunikorn"), text);
        assert.equal((plain.spec.driver as Record<string, unknown>).schedulerName, undefined);
        assert.equal((plain.spec.driver as Record<string, unknown>).memoryOverhead, undefined);
    });
});

/**
 * The log settings of a stack reach what runs in the cluster: the program planned for the fixture stacks with and
 * without them set (the sidecar's initial wait, the retention of the teams' log indices).
 */
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import {
    RETENTION_NAMESPACE,
    RETENTION_SERVICE_ACCOUNT,
    TIMING_ENV,
    retentionIndexPatterns,
} from "../../../components/logging";
import { LOG_RETENTION_POLICY_ID, logIndexPrefix } from "../../../components/vocabulary";
import { parseSettings } from "../../../stack-config";
import type { CapturedResource } from "../../../tools/plan/capture";
import type { PlanResult } from "../../../tools/plan/plan";
import { fixtureStackConfig, planFixture } from "../../support/fixture-stacks";
import { waitsFor } from "../../support/plan-graph";
import { jsonInput, ofType, one } from "../../support/plan-queries";
import { STACKS, planOf } from "../../support/plan-fixtures";

interface PodTemplate {
    spec: { containers: { name: string; env?: { name: string; value?: string }[] }[] };
}

/** The initial wait every Fluent Bit sidecar of every uploaded pod template is given, by template key. */
function initialWaits(plan: PlanResult): Map<string, string | undefined> {
    const waits = new Map<string, string | undefined>();
    for (const object of ofType(plan, "aws:s3/bucketObjectv2:BucketObjectv2")) {
        const key = String(object.inputs.key);
        if (!key.startsWith("pod-templates/")) continue;
        const template = parse(String(object.inputs.content)) as PodTemplate;
        for (const container of template.spec.containers.filter((c) => c.name === "fluent-bit")) {
            waits.set(key, container.env?.find((e) => e.name === TIMING_ENV.initialWaitSeconds)?.value);
        }
    }
    return waits;
}

describe("log settings in the planned program", function () {
    this.timeout(120_000);

    it("gives every sidecar the initial wait of fluentBitInitialWaitSeconds, 600 s when unset", async () => {
        const configured = initialWaits(
            await planFixture({ stack: "dev", configOverrides: { fluentBitInitialWaitSeconds: 900 } }),
        );
        const unset = initialWaits(await planFixture({ stack: "dev" }));
        // dev has one team and one Spark zone: a driver and an executor template.
        assert.equal(configured.size, 2);
        assert.deepEqual([...configured.values()], ["900", "900"]);
        assert.deepEqual([...unset.keys()], [...configured.keys()]);
        assert.deepEqual([...unset.values()], ["600", "600"]);
    });

    describe("deletion of old log indices", () => {
        const JOB = "kubernetes:batch/v1:Job";
        const retentionJob = (plan: PlanResult) => one(plan, JOB);
        interface JobInputs {
            metadata: { name: string; namespace: string };
            spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
        }
        const envOf = (job: CapturedResource) =>
            Object.fromEntries(
                (job.inputs as unknown as JobInputs).spec.template.spec.containers[0].env.map((e) => [e.name, e.value]),
            );
        const minIndexAge = (job: CapturedResource) =>
            (JSON.parse(envOf(job).ISM_POLICY) as { policy: { states: { transitions: { conditions?: object }[] }[] } })
                .policy.states[0].transitions[0].conditions;

        it("applies a policy that deletes each team's indices after emrLogRetentionDays, a new Job on a change", async () => {
            const unset = retentionJob(await planFixture({ stack: "dev" }));
            const configured = retentionJob(
                await planFixture({ stack: "dev", configOverrides: { emrLogRetentionDays: 14 } }),
            );
            assert.deepEqual(minIndexAge(unset), { min_index_age: "30d" });
            assert.deepEqual(minIndexAge(configured), { min_index_age: "14d" });
            const name = (j: CapturedResource) => (j.inputs as unknown as JobInputs).metadata.name;
            assert.notEqual(name(configured), name(unset), "a changed retention runs again");
            for (const stack of STACKS) {
                const settings = parseSettings(fixtureStackConfig(stack), "spark-platform", stack);
                const env = envOf(retentionJob(await planOf(stack, "karpenter")));
                assert.equal(env.ISM_POLICY_ID, LOG_RETENTION_POLICY_ID);
                assert.equal(
                    env.ISM_INDEX_PATTERNS,
                    retentionIndexPatterns(settings.teams.map((t) => logIndexPrefix(t.name))).join(" "),
                );
            }
        });

        it("runs in its own namespace as its own IRSA role, which the domain's access policy names", async () => {
            for (const stack of STACKS) {
                const plan = await planOf(stack, "karpenter");
                const job = retentionJob(plan);
                assert.equal((job.inputs as unknown as JobInputs).metadata.namespace, RETENTION_NAMESPACE);
                const [account] = ofType(plan, "kubernetes:core/v1:ServiceAccount").filter(
                    (sa) => (sa.inputs.metadata as { name: string }).name === RETENTION_SERVICE_ACCOUNT,
                );
                const annotated = (account.inputs.metadata as { annotations: Record<string, string> }).annotations[
                    "eks.amazonaws.com/role-arn"
                ];
                const role = ofType(plan, "aws:iam/role:Role").find((r) => r.outputs.arn === annotated);
                assert.ok(role, `no role has the annotated ARN ${annotated}`);
                const trust = jsonInput<{ Statement: { Condition: { StringEquals: Record<string, string> } }[] }>(
                    role,
                    "assumeRolePolicy",
                );
                assert.ok(
                    Object.values(trust.Statement[0].Condition.StringEquals).includes(
                        `system:serviceaccount:${RETENTION_NAMESPACE}:${RETENTION_SERVICE_ACCOUNT}`,
                    ),
                );
                const domainPolicy = jsonInput<{ Statement: { Principal?: { AWS?: unknown }; Resource: unknown }[] }>(
                    one(plan, "aws:opensearch/domainPolicy:DomainPolicy"),
                    "accessPolicies",
                );
                const granted = domainPolicy.Statement.filter((st) => st.Principal?.AWS === annotated);
                assert.ok(granted.length > 0, "the domain's policy names the Job's role");
                assert.ok(JSON.stringify(granted).includes("/_plugins/_ism/"), JSON.stringify(granted));
                assert.ok(!/spark-logs-[^"]*\/_bulk/.test(JSON.stringify(granted)), "no write path for the Job");
            }
        });

        it("waits for the domain, its access policy and the cluster, while the domain waits for no cluster", async () => {
            for (const stack of STACKS) {
                const plan = await planOf(stack, "karpenter");
                const deps = waitsFor(plan, retentionJob(plan));
                const urnOf = (type: string) => one(plan, type).urn;
                assert.ok(deps.has(urnOf("aws:opensearch/domain:Domain")), "the Job needs the domain's endpoint");
                assert.ok(deps.has(urnOf("aws:opensearch/domainPolicy:DomainPolicy")), "and its role allowed first");
                assert.ok(deps.has(urnOf("eks:index:Cluster")), "and the cluster to run in");
                const domainDeps = waitsFor(plan, one(plan, "aws:opensearch/domain:Domain"));
                assert.ok(!domainDeps.has(urnOf("eks:index:Cluster")), "the domain still overlaps the EKS chain");
            }
        });
    });
});

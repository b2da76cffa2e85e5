/**
 * The log settings of a stack reach what runs in the cluster: the program planned for the dev fixture with and
 * without them set.
 */
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { TIMING_ENV } from "../../../components/logging";
import type { PlanResult } from "../../../tools/plan/plan";
import { planFixture } from "../../support/fixture-stacks";
import { ofType } from "../../support/plan-queries";

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
});

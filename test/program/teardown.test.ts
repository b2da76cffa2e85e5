/**
 * What `pulumi destroy` keeps must stay usable: a resource retained on delete that is encrypted with a KMS key
 * (it, or anything it depends on, names the key) keeps that key too, or the kept data becomes unreadable once KMS
 * deletes the key at the end of its deletion window.
 */
import * as assert from "node:assert/strict";
import type { CapturedResource } from "../../tools/plan/capture";
import type { PlanResult } from "../../tools/plan/plan";
import { planFixture } from "../support/fixture-stacks";
import { ofType } from "../support/plan-queries";

const KMS_KEY = "aws:kms/key:Key";

/** The KMS keys a resource's inputs wait for, directly or through the resources it waits for. */
function keysBehind(plan: PlanResult, resource: CapturedResource): CapturedResource[] {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const queue = [resource.urn];
    while (queue.length > 0) {
        const r = byUrn.get(queue.pop() as string);
        if (!r) continue;
        for (const dep of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) {
            if (seen.has(dep)) continue;
            seen.add(dep);
            // Through components (their outputs carry the key's ARN) and custom resources alike.
            queue.push(dep);
            const parentOfDep = byUrn.get(dep);
            if (parentOfDep && !parentOfDep.custom)
                queue.push(...plan.resources.filter((c) => c.parent === dep).map((c) => c.urn));
        }
    }
    return plan.resources.filter((r) => r.type === KMS_KEY && seen.has(r.urn));
}

describe("teardown keeps what it promises", function () {
    this.timeout(120_000);

    it("must keep the KMS key of every resource kept on destroy (the retained platform bucket's key)", async () => {
        const plan = await planFixture({ stack: "prod", configOverrides: { emrRetainPlatformBucket: true } });
        const retained = plan.resources.filter((r) => r.custom && r.retainOnDelete);
        const encryption = retained.find((r) => r.type.startsWith("aws:s3/bucketServerSideEncryptionConfiguration"));
        assert.ok(encryption, "the retained bucket keeps its encryption configuration");
        for (const r of retained) {
            for (const key of keysBehind(plan, r))
                assert.ok(
                    key.retainOnDelete,
                    `${r.name} (${r.type}) is kept on destroy but its key ${key.name} is not`,
                );
        }
        assert.ok(keysBehind(plan, encryption).length > 0, "the bucket's encryption names the platform key");
    });

    it("must let the key go with a stack whose bucket goes too", async () => {
        const plan = await planFixture({ stack: "dev", configOverrides: { emrRetainPlatformBucket: false } });
        const keys = ofType(plan, KMS_KEY);
        assert.ok(keys.length > 0);
        assert.deepEqual(
            keys.filter((k) => k.retainOnDelete).map((k) => k.name),
            [],
        );
    });
});

import * as assert from "node:assert/strict";
import { MIN_PACK_PER_SECOND, MIN_RATIO, speedGuard } from "../../../tools/bench/speed-guard";

describe("the policy pack's speed guard (tools/bench/speed-guard.ts)", function () {
    this.timeout(60_000);

    it(`keeps the pack at ${MIN_PACK_PER_SECOND} resources/s on the bench, judged against a same-run baseline`, async () => {
        const guard = await speedGuard();
        assert.ok(
            guard.ratio >= MIN_RATIO,
            `pack/baseline ${guard.ratio.toFixed(3)} < ${MIN_RATIO} (pack best ${Math.round(guard.packPerSecond)} ` +
                `resources/s, baseline best ${Math.round(guard.baselinePerSecond)} resources/s over ` +
                `${guard.resources} resources): the pack is slower than ${MIN_PACK_PER_SECOND} resources/s would be`,
        );
    });
});

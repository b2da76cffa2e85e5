import * as assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { kubernetesRangeIncludes } from "../../../components/charts";
import { CHARTS_DIR, readChartPin } from "../../../components/charts";
import { addonVersionsFor } from "../../../components/cluster";
import { KUBERNETES_VERSIONS } from "../../../components/settings";

// Settings reject unsupported versions before anything is registered; that is only honest if every version they
// accept can actually be built: its EKS add-ons pinned and every pinned chart supporting it.
describe("supported Kubernetes versions", () => {
    const charts = readdirSync(CHARTS_DIR).map((name) => readChartPin(name));

    for (const version of KUBERNETES_VERSIONS) {
        it(`has pinned EKS add-on versions for ${version}`, () => {
            assert.ok(addonVersionsFor(version), `pin the add-ons of ${version} in components/cluster/addon-versions.ts`);
        });

        it(`is supported by every pinned chart (${version})`, () => {
            for (const pin of charts) {
                assert.ok(kubernetesRangeIncludes(pin.kubernetes, version), `${pin.name} ${pin.version} supports ${pin.kubernetes}, not ${version}`);
            }
        });
    }
});

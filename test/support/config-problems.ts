/** The one-line problems parseSettings reports for a raw stack config; fails the test when it accepts the config. */
import * as assert from "node:assert/strict";
import { InvalidConfigError, parseSettings } from "../../stack-config";

export function configProblems(raw: Map<string, string>, stack = "dev"): readonly string[] {
    try {
        parseSettings(raw, "spark-platform", stack);
    } catch (e) {
        assert.ok(e instanceof InvalidConfigError, `expected InvalidConfigError, got ${String(e)}`);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

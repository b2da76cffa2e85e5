import * as assert from "node:assert/strict";

/**
 * `items`, after asserting there is at least one: a loop of assertions over an empty collection passes without
 * checking anything, so a test that loops over what a plan holds says first that it holds something.
 */
export function nonEmpty<T>(items: readonly T[], what: string): readonly T[] {
    assert.ok(items.length > 0, `expected at least one ${what}, found none`);
    return items;
}

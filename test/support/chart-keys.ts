/**
 * The values keys a pinned chart is known to read, as its pin records them (`chartKeys`, each quoted from the
 * chart's values.yaml at the pinned version), and the paths a values tree sets outside them: a misspelt or removed
 * key is silently ignored by Helm, so the tests refuse it.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { CHARTS_DIR } from "../../components/charts";

type Tree = Record<string, unknown>;
const isMap = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);

/** The value at a dotted path, or undefined. */
export const at = (tree: unknown, dotted: string): unknown =>
    dotted.split(".").reduce<unknown>((t, k) => (isMap(t) ? t[k] : undefined), tree);

/** Every leaf path of a values tree; lists and empty maps are leaves. */
export function leafPaths(tree: Tree, prefix = ""): string[] {
    return Object.entries(tree).flatMap(([key, value]) => {
        const dotted = prefix === "" ? key : `${prefix}.${key}`;
        return isMap(value) && Object.keys(value).length > 0 ? leafPaths(value, dotted) : [dotted];
    });
}

/** Paths set in `values` that no recorded chart key covers (a key covers itself and everything beneath it). */
export function keysOutsideChart(values: Tree, chartKeys: readonly string[]): string[] {
    return leafPaths(values).filter((p) => !chartKeys.some((key) => p === key || p.startsWith(`${key}.`)));
}

/** The keys `charts/<chart>/pin.yaml` records as read in the pinned chart's values.yaml and templates. */
export function recordedChartKeys(chart: string): string[] {
    const pin: unknown = parseYaml(readFileSync(path.join(CHARTS_DIR, chart, "pin.yaml"), "utf8"));
    const keys = isMap(pin) ? pin.chartKeys : undefined;
    const valid = Array.isArray(keys) && keys.length > 0 && keys.every((k) => typeof k === "string");
    assert.ok(valid, `charts/${chart}/pin.yaml chartKeys is a list of strings`);
    return keys;
}

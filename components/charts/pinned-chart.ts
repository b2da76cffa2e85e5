/**
 * Third-party Helm charts are pinned as data under charts/<name>/: `pin.yaml` holds the chart's coordinates and
 * exact version, `values.yaml` its base values. Components read both and deep-merge the values they compute
 * (role ARNs, cluster name, endpoints) on top, so upgrading a chart is a one-file change reviewed in a PR.
 */
import * as k8s from "@pulumi/kubernetes";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const CHARTS_DIR = path.resolve(__dirname, "..", "..", "charts");

export interface ChartPin {
    /** Folder name under charts/. */
    readonly name: string;
    /** Chart reference: an `oci://` URL, or a chart name when `repository` is set. */
    readonly chart: string;
    /** HTTPS chart repository, for charts not served from an OCI registry. */
    readonly repository?: string;
    /** Exact chart version. */
    readonly version: string;
    readonly namespace: string;
    /** Helm release name. */
    readonly release: string;
    /** Kubernetes minor versions the pinned chart supports, e.g. "1.29-1.36". */
    readonly kubernetes: string;
}

/** An exact SemVer 2 version: no ranges, no `latest`. Build metadata and pre-release tags are allowed. */
export const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export function readChartPin(name: string, chartsDir = CHARTS_DIR): ChartPin {
    const file = path.join(chartsDir, name, "pin.yaml");
    const doc = readYamlMap(file);
    const problems: string[] = [];
    const field = (key: string, required: boolean): string | undefined => {
        const value = doc[key];
        if (value === undefined && !required) return undefined;
        if (typeof value !== "string" || value === "") {
            problems.push(`${key} must be a non-empty string`);
            return undefined;
        }
        return value;
    };
    const pin = {
        name,
        chart: field("chart", true),
        repository: field("repository", false),
        version: field("version", true),
        namespace: field("namespace", true),
        release: field("release", true),
        kubernetes: field("kubernetes", true),
    };
    if (pin.version !== undefined && !EXACT_VERSION.test(pin.version)) {
        problems.push(`version ${JSON.stringify(pin.version)} is not an exact version; pin one such as 1.14.1`);
    }
    if (pin.chart !== undefined && !pin.chart.startsWith("oci://") && pin.repository === undefined) {
        problems.push(`chart ${JSON.stringify(pin.chart)} needs either an oci:// reference or a repository URL`);
    }
    if (problems.length > 0) throw new Error(`${file}: ${problems.join("; ")}`);
    return pin as ChartPin;
}

export function readBaseValues(name: string, chartsDir = CHARTS_DIR): Record<string, unknown> {
    return readYamlMap(path.join(chartsDir, name, "values.yaml"));
}

export type Values = Record<string, unknown>;

/** Merges `override` into `base`: maps merge key by key, anything else (lists included) is replaced. */
export function deepMerge(base: Values, override: Values): Values {
    const merged: Values = { ...base };
    for (const [key, value] of Object.entries(override)) {
        const current = merged[key];
        merged[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : value;
    }
    return merged;
}

/** Arguments for `k8s.helm.v4.Chart` from a pin and the computed values, merged over the pin's base values. */
export function pinnedChartArgs(pin: ChartPin, computedValues: Values): k8s.helm.v4.ChartArgs {
    return {
        chart: pin.chart,
        version: pin.version,
        namespace: pin.namespace,
        ...(pin.repository ? { repositoryOpts: { repo: pin.repository } } : {}),
        values: deepMerge(readBaseValues(pin.name), computedValues),
    };
}

function readYamlMap(file: string): Values {
    let doc: unknown;
    try {
        doc = parse(readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`${file}: ${String((e as Error).message).split("\n")[0]}`);
    }
    if (doc === null || doc === undefined) return {};
    if (!isMap(doc)) throw new Error(`${file}: must hold a YAML map`);
    return doc;
}

function isMap(value: unknown): value is Values {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

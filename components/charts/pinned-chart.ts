/**
 * Third-party Helm charts are pinned as data under charts/<name>/: `pin.yaml` holds the chart's coordinates and
 * exact version, `values.yaml` its base values. Components read both and deep-merge the values they compute
 * (role ARNs, cluster name, endpoints) on top, so upgrading a chart is a one-file change reviewed in a PR.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ARCHITECTURES, type ImageArchitectures, isRecord } from "../vocabulary";
import { ChartHook, chartHookProblems, parseChartHooks } from "./chart-hooks";

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
    /**
     * Images the chart pulls with this program's values (`registry/repository:tag`), read from the chart's sources at
     * the pinned version; preflight asks each registry for them. Empty when the chart's images are not public.
     */
    readonly images: readonly string[];
    /**
     * Per image of `images`, the architectures its tag is published for and where that was read (`imageArchitectures`
     * in pin.yaml). An image left out is treated as published for amd64 only: arm64 nodes refuse to run it.
     */
    readonly imageArchitectures: Readonly<Record<string, ImageArchitectures>>;
    /** The chart's Helm hooks at the pinned version (chart-hooks.ts); empty when it has none. */
    readonly hooks: readonly ChartHook[];
}

/** An exact SemVer 2 version: no ranges, no `latest`. Build metadata and pre-release tags are allowed. */
export const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** `host/repository:tag` or `host/repository@sha256:…`, with the registry host spelled out. */
const IMAGE_REFERENCE = /^[a-z0-9.-]+\.[a-z]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/;

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
    const images = doc.images ?? [];
    if (!Array.isArray(images) || images.some((image) => typeof image !== "string" || !IMAGE_REFERENCE.test(image))) {
        problems.push("images must be a list of image references such as registry.k8s.io/pause:3.10");
    }
    const imageArchitectures = parseImageArchitectures(doc.imageArchitectures, Array.isArray(images) ? images : []);
    if (typeof imageArchitectures === "string") problems.push(imageArchitectures);
    const hooks = parseChartHooks(doc.hooks);
    if (typeof hooks[0] === "string") problems.push(...(hooks as string[]));
    if (pin.version !== undefined && !EXACT_VERSION.test(pin.version)) {
        problems.push(`version ${JSON.stringify(pin.version)} is not an exact version; pin one such as 1.14.1`);
    }
    if (pin.chart !== undefined && !pin.chart.startsWith("oci://") && pin.repository === undefined) {
        problems.push(`chart ${JSON.stringify(pin.chart)} needs either an oci:// reference or a repository URL`);
    }
    if (problems.length > 0) throw new Error(`${file}: ${problems.join("; ")}`);
    return { ...pin, hooks, images: images as string[], imageArchitectures } as ChartPin;
}

/** `imageArchitectures:` of a pin: image → `{architectures: [amd64, arm64], source: "…"}`, every image one of `images`. */
function parseImageArchitectures(
    value: unknown,
    images: readonly unknown[],
): Readonly<Record<string, ImageArchitectures>> | string {
    if (value === undefined) return {};
    const usage =
        "imageArchitectures must map images of `images` to {architectures: [amd64, arm64], source: <where read>}";
    if (!isRecord(value)) return usage;
    const parsed: Record<string, ImageArchitectures> = {};
    for (const [image, entry] of Object.entries(value)) {
        if (!images.includes(image)) return `imageArchitectures names ${image}, which is not in images`;
        if (
            !isRecord(entry) ||
            !Array.isArray(entry.architectures) ||
            entry.architectures.length === 0 ||
            entry.architectures.some((a) => !(ARCHITECTURES as readonly unknown[]).includes(a)) ||
            typeof entry.source !== "string" ||
            entry.source === ""
        )
            return `${usage} (${image})`;
        parsed[image] = {
            architectures: entry.architectures as ImageArchitectures["architectures"],
            source: entry.source,
        };
    }
    return parsed;
}

/** The pin of every chart under `chartsDir` (one folder each). */
export function readAllChartPins(chartsDir = CHARTS_DIR): ChartPin[] {
    return readdirSync(chartsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => readChartPin(entry.name, chartsDir));
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
        merged[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
    }
    return merged;
}

/** Credentials of a private OCI registry, e.g. from `aws.ecr.getAuthorizationToken` for EMR's regional ECR. */
export interface RegistryCredentials {
    readonly username: pulumi.Input<string>;
    readonly password: pulumi.Input<string>;
}

export interface PinnedChartArgs {
    /** The chart's pin (`readChartPin`), or the name of its folder under charts/. */
    pin: ChartPin | string;
    /**
     * Where it is installed: the Kubernetes provider, and the cluster's Kubernetes minor the pin must support (a
     * ClusterContext has both; named here so charts, which the cluster itself uses, never import the cluster).
     */
    cluster: { readonly provider: k8s.Provider; readonly kubernetesVersion: string };
    /** Values computed by the program (role ARNs, endpoints), deep-merged over the pin's values.yaml. */
    values?: pulumi.Input<Values>;
    /**
     * Chart version that replaces the pin's, for charts whose version follows a setting (the EMR Spark Operator's
     * follows the EMR release label). Must be exact, like a pinned one.
     */
    version?: string;
    /** Chart reference that replaces the pin's, for charts whose registry depends on the region. */
    chart?: string;
    /**
     * Release name that replaces the pin's, for a chart installed once per team in the pin's namespace (the Spark
     * History Server). A DNS label, like the pin's.
     */
    release?: string;
    /** Credentials for a private OCI registry. */
    registryCredentials?: RegistryCredentials;
    /** Directory holding the chart folders. @default CHARTS_DIR */
    chartsDir?: string;
    /**
     * What the program creates in place of the chart's hooks, by hook name (the pin's `hooks:`): Chart v4 creates
     * none of them. Every hook the chart relies on needs one; the chart waits for them.
     */
    hookReplacements?: Readonly<Record<string, pulumi.Resource>>;
}

/**
 * The one way this program installs a third-party chart: a `helm.v4.Chart` (so every rendered object is a resource
 * the policy pack sees) named after the pin's release, in the pin's namespace, at the pin's exact version (or the
 * one the args name), with the computed values merged over the pin's base values. A pin that does not support the
 * cluster's Kubernetes minor, or a chart relying on a hook the program does not replace (Chart v4 creates no hook
 * object; chart-hooks.ts), fails the deployment with an error on `parent`, before the chart is registered.
 */
export function installPinnedChart(
    name: string,
    args: PinnedChartArgs,
    opts: pulumi.ComponentResourceOptions & { parent: pulumi.Resource },
): k8s.helm.v4.Chart {
    const dir = args.chartsDir ?? CHARTS_DIR;
    const pin = typeof args.pin === "string" ? readChartPin(args.pin, dir) : args.pin;
    const unsupported = chartSupportProblem(pin, args.cluster.kubernetesVersion);
    if (unsupported) throw new pulumi.ResourceError(unsupported, opts.parent);
    const version = args.version ?? pin.version;
    const release = args.release ?? pin.release;
    if (!/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/.test(release)) {
        throw new pulumi.ResourceError(
            `chart ${pin.name}: release name ${JSON.stringify(release)} is not a DNS label of at most 53 characters (Helm's limit)`,
            opts.parent,
        );
    }
    if (!EXACT_VERSION.test(version)) {
        throw new pulumi.ResourceError(
            `chart ${pin.name}: version ${JSON.stringify(version)} is not an exact version`,
            opts.parent,
        );
    }
    const base = readBaseValues(pin.name, dir);
    const replacements = args.hookReplacements ?? {};
    const hookProblems = chartHookProblems(pin.name, pin.hooks, base, args.values, Object.keys(replacements));
    if (hookProblems.length > 0) throw new pulumi.ResourceError(hookProblems.join("; "), opts.parent);
    const credentials = args.registryCredentials;
    const repositoryOpts =
        pin.repository !== undefined || credentials !== undefined
            ? {
                  ...(pin.repository ? { repo: pin.repository } : {}),
                  ...(credentials
                      ? { username: credentials.username, password: pulumi.secret(credentials.password) }
                      : {}),
              }
            : undefined;
    return new k8s.helm.v4.Chart(
        name,
        {
            chart: args.chart ?? pin.chart,
            version,
            name: release,
            namespace: pin.namespace,
            ...(repositoryOpts ? { repositoryOpts } : {}),
            values: pulumi.output(args.values ?? {}).apply((computed) => deepMerge(base, computed as Values)),
        },
        { ...opts, provider: args.cluster.provider, dependsOn: withReplacements(opts.dependsOn, replacements) },
    );
}

function withReplacements(
    dependsOn: pulumi.ComponentResourceOptions["dependsOn"],
    replacements: Readonly<Record<string, pulumi.Resource>>,
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
    const extra = Object.values(replacements);
    if (dependsOn === undefined) return extra;
    if (Array.isArray(dependsOn)) return [...dependsOn, ...extra];
    if (pulumi.Resource.isInstance(dependsOn)) return [dependsOn, ...extra];
    const deferred = dependsOn as pulumi.Input<pulumi.Input<pulumi.Resource>[] | pulumi.Resource>;
    return pulumi.output(deferred).apply((d) => [...(Array.isArray(d) ? d : [d]), ...extra]);
}

/** Whether a pin's Kubernetes range ("1.29-1.36" or "1.34") covers a minor ("1.34"). */
export function kubernetesRangeIncludes(range: string, version: string): boolean {
    const minor = (v: string) => {
        const m = /^1\.(\d+)$/.exec(v.trim());
        if (!m) throw new Error(`${JSON.stringify(v)} is not a Kubernetes minor such as 1.34`);
        return Number(m[1]);
    };
    const [low, high = low] = range.split("-");
    const v = minor(version);
    return v >= minor(low) && v <= minor(high);
}

/**
 * Why a pin cannot be installed on a cluster of `kubernetesVersion`, or undefined when its Kubernetes range covers
 * that minor.
 */
export function chartSupportProblem(pin: ChartPin, kubernetesVersion: string): string | undefined {
    if (kubernetesRangeIncludes(pin.kubernetes, kubernetesVersion)) return undefined;
    return `the pinned ${pin.name} chart ${pin.version} supports Kubernetes ${pin.kubernetes}, not ${kubernetesVersion}; pin a matching chart in charts/${pin.name}/pin.yaml`;
}

/**
 * The maps parsed from pin and values files, by path, with the text each was parsed from. Pins are read each time the
 * settings are validated (the supported Kubernetes minors come from every pin) and each time a chart is installed: a
 * process planning several stacks, or testing the settings, read the same few files hundreds of times, and parsing
 * them again was most of what validating the settings cost. The file is still read each time, and parsed again when
 * its text changed.
 */
const parsedYaml = new Map<string, { text: string; doc: Values }>();

/** The YAML map in `file` (an empty file is an empty map), the caller's own copy. */
function readYamlMap(file: string): Values {
    let text: string;
    let doc: unknown;
    try {
        text = readFileSync(file, "utf8");
        const cached = parsedYaml.get(file);
        if (cached?.text === text) return structuredClone(cached.doc);
        doc = parse(text);
    } catch (e) {
        throw new Error(`${file}: ${String((e as Error).message).split("\n")[0]}`, { cause: e });
    }
    if (doc === null || doc === undefined) doc = {};
    if (!isRecord(doc)) throw new Error(`${file}: must hold a YAML map`);
    parsedYaml.set(file, { text, doc });
    return structuredClone(doc);
}

/**
 * Where pods live in each pod-bearing resource: the PodSpec path of every workload kind, the driver/executor of
 * Spark Operator applications, and Spark/EMR pod templates carried as YAML text (ConfigMap data, S3 objects).
 * @internal
 */
import { parseAllDocuments } from "yaml";
import { K8sType } from "../lib/k8s";
import { CONTAINER_LISTS, ContainerUnderTest, Finding, podFromSpec, PodUnderTest, SecurityLayer } from "./pod-spec";
import { assertKnownDeep, proxyTarget } from "../lib/sdk";
import { dig, isPresent, isRecord, pathKey, Props } from "../lib/values";

const APPS_GROUPS = ["apps", "extensions"];
/** Where each kind keeps its PodSpec (a Map, so a kind like "constructor" cannot reach Object.prototype). */
const WORKLOAD_SPEC_PATHS: ReadonlyMap<string, { groups: readonly string[]; path: readonly string[] }> = new Map(
    Object.entries({
        Pod: { groups: ["core"], path: ["spec"] },
        PodTemplate: { groups: ["core"], path: ["template", "spec"] },
        ReplicationController: { groups: ["core"], path: ["spec", "template", "spec"] },
        Deployment: { groups: APPS_GROUPS, path: ["spec", "template", "spec"] },
        StatefulSet: { groups: APPS_GROUPS, path: ["spec", "template", "spec"] },
        DaemonSet: { groups: APPS_GROUPS, path: ["spec", "template", "spec"] },
        ReplicaSet: { groups: APPS_GROUPS, path: ["spec", "template", "spec"] },
        Job: { groups: ["batch"], path: ["spec", "template", "spec"] },
        CronJob: { groups: ["batch"], path: ["spec", "jobTemplate", "spec", "template", "spec"] },
    }),
);

export const SPARK_OPERATOR_GROUP = "sparkoperator.k8s.io";

/** True for the built-in pod-bearing kinds (and their Patch forms). */
export function isWorkloadKind(k8s: K8sType): boolean {
    const entry = WORKLOAD_SPEC_PATHS.get(k8s.kind);
    return entry !== undefined && entry.groups.includes(k8s.group);
}

/** The item kind of a `<Kind>List` of a pod-bearing kind (e.g. DeploymentList → Deployment), if it is one. */
export function workloadListItemKind(k8s: K8sType): K8sType | undefined {
    if (!k8s.kind.endsWith("List")) return undefined;
    const item: K8sType = { ...k8s, kind: k8s.kind.slice(0, -"List".length), patch: false };
    return isWorkloadKind(item) ? item : undefined;
}

/** Every item of a `<Kind>List`: each is created as its own object, so each pod is judged in full. */
export function workloadListPods(item: K8sType, props: Props): PodUnderTest[] {
    const items = props.items;
    if (!Array.isArray(items)) return [];
    const path = WORKLOAD_SPEC_PATHS.get(item.kind)?.path ?? ["spec"];
    return items.map((entry: unknown, i) =>
        podFromSpec(dig(entry, path), `items[${i}].${path.join(".")}`, "full", false),
    );
}

export function workloadPod(k8s: K8sType, props: Props): PodUnderTest {
    const path = WORKLOAD_SPEC_PATHS.get(k8s.kind)?.path ?? ["spec"];
    return podFromSpec(dig(props, path), path.join("."), k8s.patch ? "patch" : "full", false);
}

/**
 * Driver and executor pods of a SparkApplication (`spec`) or ScheduledSparkApplication (`spec.template`). A role
 * whose `sparkConf` names a `spark.kubernetes.<role>.podTemplateFile` also takes its pod from that file, which Spark
 * reads when the job starts: the pack cannot read it, so it is listed in `templateFiles`, and only what the CR itself
 * sets is judged for that role (the CR's settings override the file's).
 */
export function sparkApplicationPods(k8s: K8sType, props: Props): TextPods {
    const appPath = k8s.kind === "ScheduledSparkApplication" ? ["spec", "template"] : ["spec"];
    const app = dig(props, appPath);
    const mode = k8s.patch ? "patch" : "full";
    const result = emptyTextPods();
    const sparkConf = isRecord(app) ? app.sparkConf : undefined;
    for (const role of ["driver", "executor"] as const) {
        const key = `spark.kubernetes.${role}.podTemplateFile`;
        const file = isRecord(sparkConf) ? sparkConf[key] : undefined;
        if (isPresent(file))
            result.templateFiles.push(`${appPath.join(".")}.sparkConf["${key}"] (${JSON.stringify(file)})`);
        const roleSpec = isRecord(app) ? app[role] : undefined;
        if (mode === "patch" && !isPresent(roleSpec)) continue;
        // The file may supply the securityContext the CR leaves out: judge only what the CR sets, as for a patch.
        const roleMode = isPresent(file) ? "patch" : mode;
        result.pods.push(sparkRolePod(roleSpec, `${appPath.join(".")}.${role}`, role, roleMode));
    }
    return result;
}

/**
 * One Spark role as the operator builds it (kubeflow/spark-operator api/v1beta2 SparkPodSpec): the CR's
 * `securityContext`/`podSecurityContext` override the pod template's, which override nothing else, so the layers
 * are CR first, template second. The template's main container is the one named `spark-kubernetes-<role>`, else
 * its first container (Spark's podTemplateContainerName default).
 */
function sparkRolePod(
    roleSpec: unknown,
    rolePath: string,
    role: "driver" | "executor",
    mode: "full" | "patch",
): PodUnderTest {
    const spec = isRecord(roleSpec) ? roleSpec : {};
    const templatePath = `${rolePath}.template.spec`;
    const templateSpec = dig(spec.template, ["spec"]);
    const template = podFromSpec(templateSpec, templatePath, "full", false);
    const mainName = `spark-kubernetes-${role}`;
    const inMainList = template.containers.filter((c) => c.path.startsWith(`${templatePath}.containers[`));
    const templateMain = inMainList.find((c) => c.name === mainName) ?? inMainList[0];
    const main: ContainerUnderTest = {
        path: rolePath,
        name: mainName,
        role: "regular",
        layers: [{ path: `${rolePath}.securityContext`, value: spec.securityContext }, ...(templateMain?.layers ?? [])],
    };
    const podLayers: SecurityLayer[] = [
        { path: `${rolePath}.podSecurityContext`, value: spec.podSecurityContext },
        ...template.podLayers,
    ];
    const extras = ["initContainers", "sidecars"].flatMap((list) => containerList(spec[list], `${rolePath}.${list}`));
    return { mode, podLayers, containers: [main, ...template.containers.filter((c) => c !== templateMain), ...extras] };
}

function containerList(items: unknown, listPath: string): ContainerUnderTest[] {
    if (!Array.isArray(items)) return [];
    return items.flatMap((item: unknown, i) => {
        if (!isRecord(item)) return [];
        const path = `${listPath}[${i}]`;
        const name = typeof item.name === "string" ? item.name : `#${i}`;
        return [
            {
                path,
                name,
                role: "regular" as const,
                layers: [{ path: `${path}.securityContext`, value: item.securityContext }],
            },
        ];
    });
}

/**
 * What a pod source holds: the pods to judge, findings about a text itself, texts it could not read, and pod
 * template files it names by path (a Spark podTemplateFile), whose content only Spark reads.
 */
export interface TextPods {
    readonly pods: PodUnderTest[];
    readonly findings: Finding[];
    readonly unreadable: string[];
    readonly templateFiles: string[];
}

export function emptyTextPods(): TextPods {
    return { pods: [], findings: [], unreadable: [], templateFiles: [] };
}

/** A YAML/JSON text read the two ways pod-template readers read it. */
interface TextReading {
    /** YAML 1.2 (what this pack and most Go/JS tooling read); undefined when the text does not parse. */
    readonly core: readonly unknown[] | undefined;
    /** YAML 1.1 with merge keys (SnakeYAML, which Spark's fabric8 client uses to load a podTemplateFile). */
    readonly legacy: readonly unknown[] | undefined;
    /** Indexes of documents that repeat a key (readers keep the first, the last, or reject the document). */
    readonly duplicates: ReadonlySet<number>;
}

/**
 * Pod templates carried as text (a Spark `podTemplateFile` in a ConfigMap, Secret or S3 object). Whether a text is
 * a pod template is decided by what it parses to — a document of kind Pod, or any document whose spec lists
 * containers (Spark loads the file as a Pod whatever its kind) — never by a key's name or a text shortcut. A pod
 * template that readers resolve differently (duplicate keys; a YAML 1.1 reading that differs from YAML 1.2 where
 * the policy looks) is a finding; a text that does not parse but reads like a pod template is unreadable.
 */
export function podsInText(text: string, textPath: string): TextPods {
    const result = emptyTextPods();
    const reading = readText(text);
    if (!reading.core) {
        if (looksLikePodTemplate(text))
            result.unreadable.push(`${textPath} does not parse as YAML or JSON but reads like a pod template`);
        return result;
    }
    const documents = reading.core;
    documents.forEach((value, i) => {
        const legacy = reading.legacy?.[i];
        if (!isPodDocument(value) && !isPodDocument(legacy)) return;
        const docPath = documents.length > 1 ? `${textPath}[document ${i}]` : textPath;
        if (reading.duplicates.has(i)) {
            result.findings.push({
                path: docPath,
                message:
                    `repeats a key in one mapping, which YAML readers resolve differently (Spark's keeps ` +
                    "the last, others the first or reject it), so the pod Spark loads may not be the one checked; remove the duplicate key",
            });
            return;
        }
        if (!reading.legacy || JSON.stringify(podProjection(value)) !== JSON.stringify(podProjection(legacy))) {
            result.findings.push({
                path: docPath,
                message:
                    "reads differently under YAML 1.1 (Spark's SnakeYAML: merge keys <<, yes/no/on/off " +
                    "booleans, 0-prefixed octals) and YAML 1.2 where the pod's containers and securityContext are set; write those fields " +
                    "without merge keys, with true/false and plain decimal numbers",
            });
            return;
        }
        if (!isPodDocument(value)) return;
        assertKnownDeep(value, [docPath]);
        result.pods.push(podFromSpec(value.spec, `${docPath}.spec`, "full", true));
    });
    return result;
}

/** Keys a pod template sets that matter to this policy; text that fails to parse but sets one is reported. */
const POD_MARKERS =
    /(^|[\s{,"'])(containers|initContainers|ephemeralContainers|securityContext|runAsUser|runAsNonRoot)["']?\s*:|kind["']?\s*:\s*["']?Pod\b/m;

function looksLikePodTemplate(text: string): boolean {
    return POD_MARKERS.test(text) || (/\\[uUx]/.test(text) && /spec/i.test(text));
}

/** The parts of a pod document the policy judges, for comparing two readings. */
function podProjection(value: unknown): unknown {
    if (!isRecord(value)) return value;
    const spec = value.spec;
    if (!isRecord(spec)) return { kind: value.kind, spec };
    const lists = CONTAINER_LISTS.map((list) => {
        const items = spec[list];
        return Array.isArray(items)
            ? items.map((c: unknown) => (isRecord(c) ? [c.name, c.securityContext] : c))
            : items;
    });
    return { kind: value.kind, securityContext: spec.securityContext, lists };
}

/**
 * Parsed readings of a text. Stacks repeat the same templates across teams and zones, and parsing dominates this
 * policy's cost, so readings are memoized; the parsed values are only ever read.
 */
const readings = new Map<string, TextReading>();
const READINGS_LIMIT = 256;

function readText(text: string): TextReading {
    const cached = readings.get(text);
    if (cached) return cached;
    const duplicates = new Set<number>();
    const core = parseAll(text, { version: "1.2" }, duplicates);
    const legacy = core ? parseAll(text, { version: "1.1", merge: true }, new Set()) : undefined;
    const reading: TextReading = { core, legacy, duplicates };
    if (readings.size >= READINGS_LIMIT) readings.clear();
    readings.set(text, reading);
    return reading;
}

/** Every document's value, or undefined when any document has a syntax error or cannot be built (an alias bomb). */
function parseAll(
    text: string,
    options: { version: "1.1" | "1.2"; merge?: boolean },
    duplicates: Set<number>,
): unknown[] | undefined {
    try {
        const documents = parseAllDocuments(text, { ...options, uniqueKeys: true });
        if (!Array.isArray(documents)) return undefined; // an empty stream
        const values: unknown[] = [];
        for (const [i, doc] of documents.entries()) {
            if (doc.errors.some((e) => e.code !== "DUPLICATE_KEY")) return undefined;
            if (doc.errors.length > 0) duplicates.add(i);
            values.push(doc.toJS({ maxAliasCount: 100 }) as unknown);
        }
        return values;
    } catch {
        return undefined;
    }
}

function isPodDocument(value: unknown): value is { spec: unknown } {
    if (!isRecord(value)) return false;
    if (value.kind === "Pod") return true;
    const spec = value.spec;
    return isRecord(spec) && CONTAINER_LISTS.some((list) => isPresent(spec[list]));
}

function mergeInto(target: TextPods, more: TextPods): void {
    target.pods.push(...more.pods);
    target.findings.push(...more.findings);
    target.unreadable.push(...more.unreadable);
    target.templateFiles.push(...more.templateFiles);
}

/** ConfigMap and Secret values that hold pod templates: `data` (text; base64 for a Secret), `binaryData`, `stringData`. */
export function mapPods(props: Props, encodings: Readonly<Record<string, "text" | "base64">>): TextPods {
    const result = emptyTextPods();
    for (const [field, encoding] of Object.entries(encodings)) {
        const entries = props[field];
        if (!isRecord(entries)) continue;
        for (const key of Object.keys(entries)) {
            const value = entries[key];
            if (typeof value !== "string") continue;
            const text = encoding === "text" ? value : Buffer.from(value, "base64").toString("utf8");
            mergeInto(result, podsInText(text, `${field}${pathKey(key)}`));
        }
    }
    return result;
}

/** File extensions of S3 uploads that are never a pod template (archives, code, data, images). */
const NOT_A_TEMPLATE =
    /\.(jar|py|pyc|zip|whl|egg|gz|tgz|bz2|xz|zst|tar|parquet|orc|avro|csv|tsv|sh|sql|scala|r|class|so|png|jpe?g|gif|svg|ico|pdf|html|css|js|map|md)$/i;

/**
 * S3 object body: `content`, `contentBase64`, or an asset `source`. Text the pack can read is judged by what it
 * contains, whatever the key. A body uploaded from a file or remote asset is not readable here: it is reported as
 * not evaluated unless where it comes from (the asset's path or URI) names a kind of file that is never a pod
 * template (a jar, a Python file, an archive…). `aws:s3/objectCopy:ObjectCopy` copies a body from `source` likewise.
 */
export async function s3ObjectPods(props: Props): Promise<TextPods> {
    const result = emptyTextPods();
    if (typeof props.content === "string") mergeInto(result, podsInText(props.content, "content"));
    if (typeof props.contentBase64 === "string") {
        mergeInto(result, podsInText(Buffer.from(props.contentBase64, "base64").toString("utf8"), "contentBase64"));
    }
    if (!isPresent(props.source)) return result;
    const source = proxyTarget(props.source);
    if (typeof source === "string") {
        // ObjectCopy: "<bucket>/<key>" of the object copied.
        if (!NOT_A_TEMPLATE.test(source))
            result.unreadable.push(`source '${source}' is copied from another object the pack cannot read`);
        return result;
    }
    if (isRecord(source) && source.text instanceof Promise) {
        const text: unknown = await source.text;
        if (typeof text === "string") mergeInto(result, podsInText(text, "source"));
        return result;
    }
    if (isRecord(source) && typeof source.text === "string") {
        mergeInto(result, podsInText(source.text, "source"));
        return result;
    }
    if (isRecord(source) && isRecord(source.assets)) return result; // an archive: Spark cannot load a pod template from one
    // The SDK hands assets over as @pulumi/pulumi asset objects, whose path and uri are promises.
    const locations = isRecord(source)
        ? await Promise.all([source.path, source.uri].map((v) => (v instanceof Promise ? v : Promise.resolve(v))))
        : [];
    const origin = locations.find((v): v is string => typeof v === "string" && v !== "");
    if (origin !== undefined && NOT_A_TEMPLATE.test(origin)) return result;
    result.unreadable.push(
        `source ${origin === undefined ? "(an asset)" : `'${origin}'`} is uploaded from a file or remote asset the ` +
            "pack cannot read",
    );
    return result;
}

/**
 * Where pods live in each pod-bearing resource: the PodSpec path of every workload kind, the driver/executor of
 * Spark Operator applications, and Spark/EMR pod templates carried as YAML text (ConfigMap data, S3 objects).
 * @internal
 */
import { parseAllDocuments } from "yaml";
import { K8sType } from "../lib/k8s";
import { ContainerUnderTest, podFromSpec, PodUnderTest, SecurityLayer } from "./pod-spec";
import { assertKnownDeep, NotEvaluableError, proxyTarget } from "../lib/sdk";
import { dig, isPresent, isRecord, pathKey, Props } from "../lib/values";

const APPS_GROUPS = ["apps", "extensions"];
/** Where each kind keeps its PodSpec (a Map, so a kind like "constructor" cannot reach Object.prototype). */
const WORKLOAD_SPEC_PATHS: ReadonlyMap<string, { groups: readonly string[]; path: readonly string[] }> = new Map(Object.entries({
    Pod: { groups: ["core"], path: ["spec"] },
    PodTemplate: { groups: ["core"], path: ["template", "spec"] },
    ReplicationController: { groups: ["core"], path: ["spec", "template", "spec"] },
    Deployment: { groups: APPS_GROUPS, path: ["spec", "template", "spec"] },
    StatefulSet: { groups: APPS_GROUPS, path: ["spec", "template", "spec"] },
    DaemonSet: { groups: APPS_GROUPS, path: ["spec", "template", "spec"] },
    ReplicaSet: { groups: APPS_GROUPS, path: ["spec", "template", "spec"] },
    Job: { groups: ["batch"], path: ["spec", "template", "spec"] },
    CronJob: { groups: ["batch"], path: ["spec", "jobTemplate", "spec", "template", "spec"] },
}));

export const SPARK_OPERATOR_GROUP = "sparkoperator.k8s.io";

/** True for the built-in pod-bearing kinds (and their Patch forms). */
export function isWorkloadKind(k8s: K8sType): boolean {
    const entry = WORKLOAD_SPEC_PATHS.get(k8s.kind);
    return entry !== undefined && entry.groups.includes(k8s.group);
}

export function workloadPod(k8s: K8sType, props: Props): PodUnderTest {
    const path = WORKLOAD_SPEC_PATHS.get(k8s.kind)?.path ?? ["spec"];
    return podFromSpec(dig(props, path), path.join("."), k8s.patch ? "patch" : "full", false);
}

/** Driver and executor pods of a SparkApplication (`spec`) or ScheduledSparkApplication (`spec.template`). */
export function sparkApplicationPods(k8s: K8sType, props: Props): PodUnderTest[] {
    const appPath = k8s.kind === "ScheduledSparkApplication" ? ["spec", "template"] : ["spec"];
    const app = dig(props, appPath);
    const mode = k8s.patch ? "patch" : "full";
    const pods: PodUnderTest[] = [];
    for (const role of ["driver", "executor"] as const) {
        const roleSpec = isRecord(app) ? app[role] : undefined;
        if (mode === "patch" && !isPresent(roleSpec)) continue;
        pods.push(sparkRolePod(roleSpec, `${appPath.join(".")}.${role}`, role, mode));
    }
    return pods;
}

/**
 * One Spark role as the operator builds it (kubeflow/spark-operator api/v1beta2 SparkPodSpec): the CR's
 * `securityContext`/`podSecurityContext` override the pod template's, which override nothing else, so the layers
 * are CR first, template second. The template's main container is the one named `spark-kubernetes-<role>`, else
 * its first container (Spark's podTemplateContainerName default).
 */
function sparkRolePod(roleSpec: unknown, rolePath: string, role: "driver" | "executor", mode: "full" | "patch"): PodUnderTest {
    const spec = isRecord(roleSpec) ? roleSpec : {};
    const templatePath = `${rolePath}.template.spec`;
    const templateSpec = dig(spec.template, ["spec"]);
    const template = podFromSpec(templateSpec, templatePath, "full", false);
    const mainName = `spark-kubernetes-${role}`;
    const inMainList = template.containers.filter((c) => c.path.startsWith(`${templatePath}.containers[`));
    const templateMain = inMainList.find((c) => c.name === mainName) ?? inMainList[0];
    const main: ContainerUnderTest = {
        path: rolePath, name: mainName, role: "regular",
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
        return [{ path, name, role: "regular" as const, layers: [{ path: `${path}.securityContext`, value: item.securityContext }] }];
    });
}

/**
 * Pod templates carried as text (a Spark `podTemplateFile` in a ConfigMap or S3 object): every YAML/JSON document
 * that is a Pod (`kind: Pod`, or no kind but a spec with containers). Anything else, including text that does not
 * parse, is not a pod template and is ignored.
 */
export function podsInText(text: string, textPath: string): PodUnderTest[] {
    if (!text.includes("ontainers")) return []; // cheap filter: a pod template always lists containers
    const documents = yamlDocuments(text);
    const pods: PodUnderTest[] = [];
    documents.forEach((value, i) => {
        if (!isPodDocument(value)) return;
        const docPath = documents.length > 1 ? `${textPath}[document ${i}]` : textPath;
        assertKnownDeep(value, [docPath]);
        pods.push(podFromSpec(value.spec, `${docPath}.spec`, "full", true));
    });
    return pods;
}

/**
 * Parsed documents of a YAML/JSON text (undefined for a document that does not parse). Stacks repeat the same
 * templates across teams and zones, and parsing dominates this policy's cost, so results are memoized; the
 * parsed values are only ever read.
 */
const parsedTexts = new Map<string, readonly unknown[]>();
const PARSED_TEXTS_LIMIT = 256;

function yamlDocuments(text: string): readonly unknown[] {
    const cached = parsedTexts.get(text);
    if (cached) return cached;
    const documents = parseAllDocuments(text).map((doc) => {
        if (doc.errors.length > 0) return undefined;
        try {
            return doc.toJS() as unknown;
        } catch {
            return undefined; // e.g. an alias bomb: not a pod template Spark could load either
        }
    });
    if (parsedTexts.size >= PARSED_TEXTS_LIMIT) parsedTexts.clear();
    parsedTexts.set(text, documents);
    return documents;
}

function isPodDocument(value: unknown): value is { spec: unknown } {
    if (!isRecord(value)) return false;
    if (value.kind === "Pod") return true;
    if (value.kind !== undefined) return false;
    const spec = value.spec;
    return isRecord(spec) && (Array.isArray(spec.containers) || Array.isArray(spec.initContainers));
}

/** ConfigMap `data` (text) and `binaryData` (base64) values that hold pod templates. */
export function configMapPods(props: Props): PodUnderTest[] {
    const pods: PodUnderTest[] = [];
    for (const field of ["data", "binaryData"] as const) {
        const entries = props[field];
        if (!isRecord(entries)) continue;
        for (const key of Object.keys(entries)) {
            const value = entries[key];
            if (typeof value !== "string") continue;
            const text = field === "data" ? value : Buffer.from(value, "base64").toString("utf8");
            pods.push(...podsInText(text, `${field}${pathKey(key)}`));
        }
    }
    return pods;
}

/**
 * S3 object body: `content`, `contentBase64`, or a StringAsset `source`. A YAML body uploaded from a file or
 * remote asset cannot be read by the pack, so it is reported as not evaluated rather than passed.
 */
export async function s3ObjectPods(props: Props): Promise<PodUnderTest[]> {
    const pods: PodUnderTest[] = [];
    if (typeof props.content === "string") pods.push(...podsInText(props.content, "content"));
    if (typeof props.contentBase64 === "string") {
        pods.push(...podsInText(Buffer.from(props.contentBase64, "base64").toString("utf8"), "contentBase64"));
    }
    if (!isPresent(props.source)) return pods;
    const source = proxyTarget(props.source);
    if (isRecord(source) && source.text instanceof Promise) {
        const text: unknown = await source.text;
        if (typeof text === "string") pods.push(...podsInText(text, "source"));
        return pods;
    }
    const key: unknown = props.key;
    if (typeof key === "string" && /\.ya?ml$/i.test(key)) {
        throw new NotEvaluableError(`S3 object '${key}' uploads a YAML body from a file or remote asset the pack cannot read, ` +
            "so a Spark pod template in it cannot be checked; upload it with `content` (e.g. the template rendered in code)");
    }
    return pods;
}

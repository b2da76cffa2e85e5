/**
 * `non-root-pods`: every pod the stack declares runs its containers as a provably non-root user.
 *
 * Covered: Pod, PodTemplate, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob and
 * their *Patch forms; Spark Operator SparkApplication / ScheduledSparkApplication (driver, executor, sidecars, init
 * containers, pod templates); Spark and EMR on EKS pod templates carried as YAML in ConfigMaps and S3 objects.
 * A helm.v3.Release renders its workloads inside the Helm provider, out of the pack's sight: its values are
 * scanned for `runAsUser: 0` and the release is then reported as not evaluated (see README "Helm releases").
 */
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { exemptName } from "../lib/exemptions";
import { configList } from "../lib/policy-config";
import { parseK8sType, qualifiedName } from "../lib/k8s";
import {
    isWorkloadKind,
    workloadListItemKind,
    workloadListPods,
    emptyTextPods,
    mapPods,
    s3ObjectPods,
    sparkApplicationPods,
    SPARK_OPERATOR_GROUP,
    TextPods,
    workloadPod,
} from "./pod-sources";
import { podFindings, PodUnderTest } from "./pod-spec";
import { NotEvaluableError } from "../lib/sdk";
import { cosmetic, dig, isRecord, pathKey, Props } from "../lib/values";

export const NON_ROOT_PODS = "non-root-pods";

const HELM_V3_RELEASE = "kubernetes:helm.sh/v3:Release";
const S3_OBJECT_TYPES: ReadonlySet<string> = new Set([
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:s3/bucketObject:BucketObject",
    "aws:s3/objectCopy:ObjectCopy",
]);

interface PodBearer {
    /** "Deployment", "SparkApplication", "S3 object"… */
    readonly kind: string;
    readonly displayName: (props: Props, resourceName: string) => string;
    /** Names the exemption list is matched against besides the Pulumi resource name (read lazily, strictly). */
    readonly names: (props: Props) => ReadonlyArray<() => unknown>;
    readonly pods: (props: Props) => PodUnderTest[] | TextPods | Promise<TextPods>;
}

export const nonRootPods: ResourceValidationPolicy = {
    name: NON_ROOT_PODS,
    description:
        "Every container of every pod the stack declares (workloads, Spark applications, Spark/EMR pod templates) must run as a provably non-root user.",
    configSchema: {
        properties: {
            exemptWorkloads: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "Objects not checked, matched against metadata.name, <namespace>/<name>, the Helm release or S3 key, or the Pulumi resource name.",
            },
        },
    },
    validateResource: validateNonRootPods,
};

async function validateNonRootPods(args: ResourceValidationArgs, report: ReportViolation): Promise<void> {
    // Read first, so a config with an unknown property stops the run on any resource.
    const exemptWorkloads = configList(nonRootPods, args.getConfig(), "exemptWorkloads");
    if (args.type === HELM_V3_RELEASE) return checkHelmRelease(args, report);
    const bearer = podBearerFor(args.type);
    if (!bearer)
        return args.notApplicable(
            "Policy only applies to pod-bearing Kubernetes objects, Spark applications and pod-template carriers",
        );
    const exempt = exemptName(exemptWorkloads, [() => args.name, ...bearer.names(args.props)]);
    if (exempt !== undefined) return args.notApplicable(`'${exempt}' is listed in ${NON_ROOT_PODS}.exemptWorkloads`);
    const subject = `${bearer.kind} '${bearer.displayName(args.props, args.name)}'`;
    const found = await bearer.pods(args.props);
    const carried: TextPods = Array.isArray(found) ? { ...emptyTextPods(), pods: found } : found;
    for (const finding of carried.findings) report(`${subject} ${finding.path}: ${finding.message}`);
    for (const pod of carried.pods) {
        for (const finding of podFindings(pod)) report(`${subject} ${finding.path}: ${finding.message}`);
    }
    if (carried.unreadable.length > 0) {
        // Content the pack cannot read with certainty is reported as not evaluated, never passed.
        throw new NotEvaluableError(
            `${subject} ${carried.unreadable.join("; ")}, so a Spark pod template in it cannot be checked; ` +
                `put the template in \`content\` (e.g. rendered in code) or list '${bearer.displayName(args.props, args.name)}' in ` +
                `${NON_ROOT_PODS}.exemptWorkloads after reviewing it`,
            "not covered — the engine analyzes the same asset reference, never the file's content",
        );
    }
    if (carried.templateFiles.length > 0) {
        throw new NotEvaluableError(
            `${subject} takes pods from the pod template file named at ${carried.templateFiles.join(" and ")}, which ` +
                "Spark reads when the job starts and the pack cannot read, so those pods' securityContext is not checked; " +
                "set the pod template inline (driver/executor template) or declare it in a ConfigMap or S3 object of this " +
                `stack (judged there) and list '${bearer.displayName(args.props, args.name)}' in ${NON_ROOT_PODS}.exemptWorkloads`,
            'not covered — Spark reads the file at run time; Kubernetes admission (Pod Security "restricted") is the runtime backstop',
        );
    }
}

function podBearerFor(type: string): PodBearer | undefined {
    if (S3_OBJECT_TYPES.has(type)) {
        return {
            kind: "S3 object",
            displayName: (props, name) => cosmetic(() => props.key, name),
            names: (props) => [() => props.key, () => `${String(props.bucket)}/${String(props.key)}`],
            pods: s3ObjectPods,
        };
    }
    const k8s = parseK8sType(type);
    if (!k8s) return undefined;
    const k8sNames = (props: Props) => [() => dig(props, ["metadata", "name"]), () => namespacedName(props)];
    const base = { kind: k8s.patch ? `${k8s.kind}Patch` : k8s.kind, displayName: qualifiedName, names: k8sNames };
    if (isWorkloadKind(k8s)) return { ...base, pods: (props) => [workloadPod(k8s, props)] };
    const listItem = workloadListItemKind(k8s);
    if (listItem) return { ...base, pods: (props) => workloadListPods(listItem, props) };
    if (
        k8s.group === SPARK_OPERATOR_GROUP &&
        (k8s.kind === "SparkApplication" || k8s.kind === "ScheduledSparkApplication")
    ) {
        return { ...base, pods: (props) => sparkApplicationPods(k8s, props) };
    }
    if (k8s.group === "core" && k8s.kind === "ConfigMap")
        return { ...base, pods: (props) => mapPods(props, { data: "text", binaryData: "base64" }) };
    if (k8s.group === "core" && k8s.kind === "Secret")
        return { ...base, pods: (props) => mapPods(props, { data: "base64", stringData: "text" }) };
    return undefined;
}

function namespacedName(props: Props): string | undefined {
    const namespace = dig(props, ["metadata", "namespace"]);
    const name = dig(props, ["metadata", "name"]);
    return typeof namespace === "string" && typeof name === "string" ? `${namespace}/${name}` : undefined;
}

/**
 * helm.v3.Release: only the release and its `values` reach the policy. An explicit root user in the values is a
 * violation; everything else is unknowable, so the release is reported as not evaluated (an advisory in the CLI)
 * rather than silently passed.
 */
function checkHelmRelease(args: ResourceValidationArgs, report: ReportViolation): void {
    const props = args.props;
    const names = [
        (): unknown => args.name,
        (): unknown => props.name,
        () => `${String(props.namespace)}/${String(props.name)}`,
    ];
    const exempt = exemptName(configList(nonRootPods, args.getConfig(), "exemptWorkloads"), names);
    if (exempt !== undefined) return args.notApplicable(`'${exempt}' is listed in ${NON_ROOT_PODS}.exemptWorkloads`);
    const release = cosmetic(() => props.name, args.name);
    const subject = `Helm release '${release}' (chart '${cosmetic(() => props.chart, "?")}')`;
    for (const path of rootUserPaths(props.values, "values")) {
        report(`${subject} ${path}: 0 runs the chart's containers as root; use a non-zero UID and runAsNonRoot: true`);
    }
    throw new NotEvaluableError(
        `${subject} renders its workloads inside the Helm provider (${HELM_V3_RELEASE}), so their pods' securityContext ` +
            "cannot be checked; deploy the chart with kubernetes.helm.v4.Chart, whose rendered objects are analyzed, or review " +
            `the chart and list '${release}' in ${NON_ROOT_PODS}.exemptWorkloads`,
        "not covered — the Helm provider renders the chart in its own process; the engine analyzes only the Release",
    );
}

/** Paths of every `runAsUser: 0` in a values tree. */
function rootUserPaths(value: unknown, path: string): string[] {
    if (Array.isArray(value)) return value.flatMap((item: unknown, i) => rootUserPaths(item, `${path}[${i}]`));
    if (!isRecord(value)) return [];
    return Object.keys(value).flatMap((key) => {
        const child = value[key];
        const childPath = `${path}${pathKey(key)}`;
        return key === "runAsUser" && (child === 0 || child === "0") ? [childPath] : rootUserPaths(child, childPath);
    });
}

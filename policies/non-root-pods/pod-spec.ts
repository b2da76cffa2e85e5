/**
 * Pod-spec walker for `non-root-pods`. A pod is reduced to its containers (containers, initContainers,
 * ephemeralContainers, Spark sidecars…), each with the securityContext layers that apply to it, most specific
 * first: container-level layers, then pod-level layers. A field set on a nearer layer overrides a farther one,
 * as the kubelet does (Gatekeeper `k8spspallowedusers` get_field_value; Kyverno `require-run-as-nonroot`).
 * @internal
 */
import { dig, isPresent, isRecord, show } from "../lib/values";

export interface SecurityLayer {
    /** Path of the securityContext object, e.g. `spec.template.spec.containers[0].securityContext`. */
    readonly path: string;
    /** The securityContext value (possibly a proxy); absent layers are `undefined`. */
    readonly value: unknown;
}

/** `emr-main` is the Spark main container of an EMR on EKS pod template, which EMR runs as its `hadoop` user. */
export type ContainerRole = "regular" | "emr-main";

export interface ContainerUnderTest {
    readonly path: string;
    readonly name: string;
    readonly role: ContainerRole;
    /** Container-level securityContext layers, most specific first. */
    readonly layers: readonly SecurityLayer[];
}

/**
 * `full`: the whole object is declared here, so every container must be provably non-root.
 * `patch`: a `*Patch` resource; only what the patch sets is judged (an explicit root user or runAsNonRoot: false).
 * `emr`: an EMR on EKS pod template (EMR's allow-list forbids pod-level and main-container securityContext).
 */
export type PodMode = "full" | "patch" | "emr";

export interface PodUnderTest {
    readonly mode: PodMode;
    /** Pod-level securityContext layers, most specific first. */
    readonly podLayers: readonly SecurityLayer[];
    readonly containers: readonly ContainerUnderTest[];
}

export interface Finding {
    readonly path: string;
    readonly message: string;
}

/** Main container names Spark gives the driver/executor (and EMR's pod-template docs require). */
export const SPARK_MAIN_CONTAINERS: ReadonlySet<string> = new Set([
    "spark-kubernetes-driver",
    "spark-kubernetes-executor",
]);

export const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

const FIX = "set securityContext.runAsNonRoot: true and securityContext.runAsUser: <uid ≥ 1>";

/** Builds the pod view of a PodSpec at `specPath`; `emrAware` turns on EMR pod-template detection. */
export function podFromSpec(spec: unknown, specPath: string, mode: "full" | "patch", emrAware: boolean): PodUnderTest {
    if (!isRecord(spec)) return { mode, podLayers: [], containers: [] };
    const containers: ContainerUnderTest[] = [];
    for (const list of CONTAINER_LISTS) {
        const items = spec[list];
        if (!Array.isArray(items)) continue;
        items.forEach((item: unknown, i) => {
            if (!isRecord(item)) return;
            const name = typeof item.name === "string" ? item.name : `#${i}`;
            const isMain = emrAware && list === "containers" && SPARK_MAIN_CONTAINERS.has(name);
            const path = `${specPath}.${list}[${i}]`;
            containers.push({
                path,
                name,
                role: isMain ? "emr-main" : "regular",
                layers: [{ path: `${path}.securityContext`, value: item.securityContext }],
            });
        });
    }
    const emr = containers.some((c) => c.role === "emr-main");
    return {
        mode: emr ? "emr" : mode,
        podLayers: [{ path: `${specPath}.securityContext`, value: spec.securityContext }],
        containers,
    };
}

/** Every finding for one pod: root users anywhere, EMR allow-list breaches, containers not provably non-root. */
export function podFindings(pod: PodUnderTest): Finding[] {
    const findings: Finding[] = [];
    for (const layer of pod.podLayers) findings.push(...rootUserFindings(layer));
    if (pod.mode === "emr") findings.push(...emrPodFindings(pod));
    for (const container of pod.containers) {
        for (const layer of container.layers) findings.push(...rootUserFindings(layer));
        if (container.role === "emr-main") continue; // EMR runs it as hadoop (uid 999); its context is checked above.
        const finding = provabilityFinding(pod, container);
        if (finding) findings.push(finding);
    }
    if (pod.mode === "patch") findings.push(...patchPodLevelFindings(pod));
    return findings;
}

/**
 * A patch that turns the pod-level runAsNonRoot off (without a non-zero pod-level runAsUser) lets every container
 * of the patched object that sets neither field itself run as its image's user, root included — also the
 * containers the patch does not list, which it cannot see. So the pod-level setting is judged on its own.
 */
function patchPodLevelFindings(pod: PodUnderTest): Finding[] {
    const nonRoot = effective("runAsNonRoot", pod.podLayers);
    if (!nonRoot || nonRoot.value === true) return [];
    const user = effective("runAsUser", pod.podLayers);
    if (user && (isPositiveUid(user.value) || isRootUid(user.value))) return []; // a root user is reported already
    return [
        {
            path: nonRoot.path,
            message:
                `${show(nonRoot.value)} turns off the non-root check for every container of the patched pod that does ` +
                "not set its own (also those this patch does not list); set the pod-level securityContext.runAsNonRoot: " +
                "true and runAsUser: <uid ≥ 1>, or remove runAsNonRoot from the patch",
        },
    ];
}

function rootUserFindings(layer: SecurityLayer): Finding[] {
    if (!isRecord(layer.value)) return [];
    const windowsUser = dig(layer.value, ["windowsOptions", "runAsUserName"]);
    if (typeof windowsUser === "string" && WINDOWS_ADMINS.has(windowsUser.trim().toLowerCase())) {
        return [
            {
                path: `${layer.path}.windowsOptions.runAsUserName`,
                message: `${show(windowsUser)} runs the container as the Windows administrator; use ContainerUser`,
            },
        ];
    }
    const user = layer.value.runAsUser;
    if (!isRootUid(user)) return [];
    return [
        {
            path: `${layer.path}.runAsUser`,
            message: `${show(user)} runs the container as root; use a non-zero UID (e.g. 185, Apache Spark's spark user) and runAsNonRoot: true`,
        },
    ];
}

function isRootUid(value: unknown): boolean {
    return value === 0 || (typeof value === "string" && /^\s*0+\s*$/.test(value));
}

function emrPodFindings(pod: PodUnderTest): Finding[] {
    const findings: Finding[] = [];
    for (const layer of pod.podLayers) {
        if (!isPresent(layer.value)) continue;
        findings.push({
            path: layer.path,
            message:
                "EMR on EKS rejects pod templates that set a pod-level securityContext (it is not in EMR's pod-template " +
                "allow-list); remove it and give each sidecar and init container its own securityContext " +
                "(runAsNonRoot: true, runAsUser: <uid ≥ 1>)",
        });
    }
    for (const container of pod.containers) {
        if (container.role !== "emr-main" || !isPresent(container.layers[0]?.value)) continue;
        findings.push({
            path: container.layers[0].path,
            message:
                `EMR on EKS does not allow a securityContext on the Spark main container '${container.name}' ` +
                "(EMR runs it as its non-root hadoop user, uid 999); remove it",
        });
    }
    return findings;
}

interface Effective {
    readonly value: unknown;
    readonly path: string;
}

/** First layer that sets `field` (nearest wins). */
function effective(field: string, layers: readonly SecurityLayer[]): Effective | undefined {
    for (const layer of layers) {
        if (!isRecord(layer.value)) continue;
        const value = layer.value[field];
        if (isPresent(value)) return { value, path: `${layer.path}.${field}` };
    }
    return undefined;
}

function provabilityFinding(pod: PodUnderTest, container: ContainerUnderTest): Finding | undefined {
    // EMR forbids the pod-level context, so what we add to an EMR template must be explicit on the container.
    const layers = pod.mode === "emr" ? container.layers : [...container.layers, ...pod.podLayers];
    const user = effective("runAsUser", layers);
    const nonRoot = effective("runAsNonRoot", layers);
    if (user && isRootUid(user.value)) return undefined; // already reported where it is set
    if (user && isPositiveUid(user.value)) return undefined;
    if (user) {
        return { path: user.path, message: `${show(user.value)} is not a positive integer UID; ${FIX}` };
    }
    if (nonRoot?.value === true) return undefined;
    const label = `container '${container.name}'`;
    if (nonRoot) {
        return {
            path: container.path,
            message:
                `${label} is not provably non-root: runAsNonRoot is ${show(nonRoot.value)} at ${nonRoot.path} and no ` +
                `non-zero runAsUser applies; ${FIX} on the container`,
        };
    }
    if (pod.mode === "patch") return undefined; // the patched object may already set it; only judge what is present
    const where =
        pod.mode === "emr"
            ? "its securityContext (EMR does not accept a pod-level one)"
            : [container.layers.map((l) => l.path), pod.podLayers.map((l) => l.path)].flat().join(" or ");
    return {
        path: container.path,
        message: `${label} is not provably non-root: no runAsNonRoot: true or non-zero runAsUser is set in ${where}; ${FIX}`,
    };
}

/** Kubernetes accepts UIDs 0..2^31-1 (IsValidUserID); anything else is not a UID the policy can vouch for. */
function isPositiveUid(value: unknown): boolean {
    return typeof value === "number" && Number.isInteger(value) && value > 0 && value <= 2147483647;
}

const WINDOWS_ADMINS: ReadonlySet<string> = new Set(["containeradministrator", "nt authority\\system"]);

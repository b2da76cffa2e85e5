/**
 * Pod Security Admission labels and the container security context that satisfies the `restricted` level
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted).
 */

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/**
 * Audit and warn at `level` and enforce at `enforce` (by default the same), each pinned to the cluster's minor so a
 * control-plane upgrade cannot tighten or loosen the rules under running workloads before the platform team moves
 * the pin.
 */
export function podSecurityLabels(
    level: PodSecurityLevel,
    kubernetesVersion: string,
    enforce: PodSecurityLevel = level,
): Record<string, string> {
    if (!/^1\.\d+$/.test(kubernetesVersion)) {
        throw new RangeError(`${JSON.stringify(kubernetesVersion)} is not a Kubernetes minor such as 1.34`);
    }
    const version = `v${kubernetesVersion}`;
    const labels: Record<string, string> = {};
    for (const mode of ["enforce", "audit", "warn"]) {
        labels[`pod-security.kubernetes.io/${mode}`] = mode === "enforce" ? enforce : level;
        labels[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
    return labels;
}

/** EMR on EKS images run Spark as `hadoop`: uid 999, gid 1000. */
export const EMR_HADOOP_USER = { uid: 999, gid: 1000 } as const;

/** A container security context that passes `restricted`. */
export function restrictedContainerSecurityContext(user: { uid: number; gid: number } = EMR_HADOOP_USER) {
    return {
        runAsNonRoot: true,
        runAsUser: user.uid,
        runAsGroup: user.gid,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The pod-level half: non-root, the group that owns mounted volumes, and the runtime's default seccomp profile. */
export function restrictedPodSecurityContext(user: { uid: number; gid: number } = EMR_HADOOP_USER) {
    return {
        runAsNonRoot: true,
        runAsUser: user.uid,
        runAsGroup: user.gid,
        fsGroup: user.gid,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/**
 * The container security context a SparkApplication of the EMR operator's API can carry: `restricted` without the
 * seccomp profile, which the kubeflow 1.1.x CRD's securityContext does not have (the node's runtime default applies
 * only where the kubelet defaults it). Non-root, no privilege escalation, no capabilities.
 */
export function nonRootContainerSecurityContext(user: { uid: number; gid: number } = EMR_HADOOP_USER) {
    const { seccompProfile: _omitted, ...context } = restrictedContainerSecurityContext(user);
    return context;
}

/** The pod-level half of nonRootContainerSecurityContext: restricted without the seccomp profile. */
export function nonRootPodSecurityContext(user: { uid: number; gid: number } = EMR_HADOOP_USER) {
    const { seccompProfile: _omitted, ...context } = restrictedPodSecurityContext(user);
    return context;
}

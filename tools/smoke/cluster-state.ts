/**
 * What the cluster says about one job, collected when it fails or times out: its pods, the events about them (and
 * about the objects that create them), the namespace's quotas, the operator's pods, and the autoscaler's events on
 * cluster-scoped NodePools/NodeClaims. Read-only; a listing the caller may not read is noted, not fatal.
 */
import type { CoreV1Event, V1Pod, V1ResourceQuota } from "@kubernetes/client-node";
import { type KubeApi, apiMessage } from "./kube";

export interface ClusterSnapshot {
    /** Pods of the job (name or labels mention it). */
    readonly pods: readonly V1Pod[];
    /** Events about the job's objects and pods, and cluster-scoped autoscaler events since the job started. */
    readonly events: readonly CoreV1Event[];
    readonly quotas: readonly V1ResourceQuota[];
    /** Pods in the Spark Operator's namespace (only for operator jobs). */
    readonly operatorPods?: readonly V1Pod[];
    /** Listings that failed, with the API server's answer. */
    readonly unreadable: readonly string[];
}

export interface SnapshotScope {
    readonly namespace: string;
    /** Job id (EMR) or application name (operator): pods and objects of the job carry it in a name or label. */
    readonly match: string;
    readonly since: Date;
    readonly operatorNamespace?: string;
}

/** Kinds whose events are about node capacity (Karpenter NodePools/NodeClaims live outside any namespace). */
const CAPACITY_KINDS = new Set(["NodePool", "NodeClaim", "Node"]);

export function eventTime(event: CoreV1Event): number {
    const when = event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp;
    return when ? new Date(when).getTime() : 0;
}

export function belongsToJob(pod: V1Pod, match: string): boolean {
    return (
        (pod.metadata?.name ?? "").includes(match) ||
        Object.values(pod.metadata?.labels ?? {}).some((value) => value.includes(match))
    );
}

export async function clusterSnapshot(kube: KubeApi, scope: SnapshotScope): Promise<ClusterSnapshot> {
    const unreadable: string[] = [];
    const read = async <T>(what: string, list: () => Promise<T[]>): Promise<T[]> => {
        try {
            return await list();
        } catch (e) {
            unreadable.push(`${what}: ${apiMessage(e)}`);
            return [];
        }
    };
    const [pods, teamEvents, clusterEvents, quotas, operatorPods] = await Promise.all([
        read(`pods in ${scope.namespace}`, () => kube.listPods(scope.namespace)),
        read(`events in ${scope.namespace}`, () => kube.listEvents(scope.namespace)),
        read("events in default", () => kube.listEvents("default")),
        read(`resource quotas in ${scope.namespace}`, () => kube.listResourceQuotas(scope.namespace)),
        scope.operatorNamespace
            ? read(`pods in ${scope.operatorNamespace}`, () => kube.listPods(scope.operatorNamespace as string))
            : Promise.resolve(undefined),
    ]);
    const jobPods = pods.filter((p) => belongsToJob(p, scope.match));
    const podNames = new Set(jobPods.map((p) => p.metadata?.name));
    const since = scope.since.getTime();
    const events = [
        ...teamEvents.filter((e) => {
            const name = e.involvedObject?.name ?? "";
            return name.includes(scope.match) || podNames.has(name);
        }),
        ...clusterEvents.filter(
            (e) => CAPACITY_KINDS.has(e.involvedObject?.kind ?? "") && eventTime(e) >= since - 60_000,
        ),
    ];
    return { pods: jobPods, events, quotas, operatorPods, unreadable };
}

/**
 * The Spark pool contract: per Spark zone and role, the labels and taints the nodes carry and the nodeSelector
 * and tolerations pod templates must use. Karpenter and Cluster Autoscaler both implement exactly this contract,
 * so switching autoscaler changes nothing for the Spark side of the platform.
 *
 * Each pool lives in one zone: a job whose driver and executors share a zone keeps its shuffle traffic (often
 * terabytes) off cross-zone links, which are slower and billed per GB.
 *
 * Each role's pools run the architectures the stack gives the role (amd64, arm64, or both with arm64 preferred).
 * Every image a Spark pod pulls is published for both, so a pod needs no architecture in its nodeSelector; with
 * two, pod templates carry a preferred node affinity for the first.
 */
import { ARCH_LABEL, type Architecture, DEFAULT_ARCHITECTURES } from "./architectures";

export const SPARK_ROLES = ["driver", "executor"] as const;
export type SparkRole = (typeof SPARK_ROLES)[number];
export type CapacityType = "on-demand" | "spot";

/** Label keys the platform puts on Spark nodes. */
export const POOL_LABELS = {
    role: "spark-platform/role",
    pool: "spark-platform/pool",
} as const;
/** Well-known zone label; the kubelet (and Karpenter) set it on every node. */
export const ZONE_LABEL = "topology.kubernetes.io/zone";

export interface NodeTaint {
    readonly key: string;
    readonly value: string;
    readonly effect: "NoSchedule";
}

export interface Toleration {
    readonly key: string;
    readonly operator: "Equal";
    readonly value: string;
    readonly effect: "NoSchedule";
}

/** A preference for nodes of one architecture, as a pod's `affinity.nodeAffinity` spells it. */
export interface PreferredArchitectureAffinity {
    readonly preferredDuringSchedulingIgnoredDuringExecution: readonly {
        readonly weight: number;
        readonly preference: {
            readonly matchExpressions: readonly { key: string; operator: "In"; values: readonly string[] }[];
        };
    }[];
}

export interface SparkPool {
    /** Pool name, also the NodePool name and the `spark-platform/pool` label: `spark-<role>-<zone>`. */
    readonly name: string;
    /** The one zone the pool's nodes live in. */
    readonly zone: string;
    readonly role: SparkRole;
    /** Drivers run on on-demand capacity (losing one fails the job); executors on spot. */
    readonly capacityType: CapacityType;
    /** Architectures the pool's nodes may have, in order of preference: [amd64], [arm64] or [arm64, amd64]. */
    readonly architectures: readonly Architecture[];
    /**
     * Node affinity of the role's pods when the pool runs two architectures: a preference for the first. Karpenter
     * treats a preference as a requirement and relaxes it only when no node can satisfy it (so arm64 first, amd64
     * when no Graviton capacity is found); kube-scheduler ranks existing nodes by it. Absent with one architecture.
     */
    readonly nodeAffinity?: PreferredArchitectureAffinity;
    /** Labels the autoscaler puts on the pool's nodes (the zone label comes from the kubelet). */
    readonly nodeLabels: Readonly<Record<string, string>>;
    /** Taints on the pool's nodes: only pods of this role land there. */
    readonly taints: readonly NodeTaint[];
    /** What a pod template selects to land in this pool: its zone and role. */
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly tolerations: readonly Toleration[];
    /**
     * Annotations pod templates of this role carry. Drivers ask both autoscalers not to remove their node while
     * they run (each ignores the other's annotation, so both are always set).
     */
    readonly podAnnotations: Readonly<Record<string, string>>;
}

export interface PoolContract {
    readonly pools: readonly SparkPool[];
}

const CAPACITY: Readonly<Record<SparkRole, CapacityType>> = { driver: "on-demand", executor: "spot" };

const POD_ANNOTATIONS: Readonly<Record<SparkRole, Readonly<Record<string, string>>>> = {
    // https://karpenter.sh/docs/concepts/disruption/#pod-level-controls and the Cluster Autoscaler FAQ
    // ("What types of pods can prevent CA from removing a node?").
    driver: { "karpenter.sh/do-not-disrupt": "true", "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" },
    executor: {},
};

export function poolName(role: SparkRole, zone: string): string {
    return `spark-${role}-${zone}`;
}

/** Architectures of each role's pools, in order of preference; a role left out runs amd64. */
export type PoolArchitectures = Partial<Readonly<Record<SparkRole, readonly Architecture[]>>>;

/** One driver and one executor pool per Spark zone, in zone order. */
export function buildPoolContract(zones: readonly string[], architectures: PoolArchitectures = {}): PoolContract {
    if (zones.length === 0) throw new RangeError("a pool contract needs at least one Spark zone");
    if (new Set(zones).size !== zones.length)
        throw new RangeError(`Spark zones must be distinct, got ${zones.join(", ")}`);
    for (const role of SPARK_ROLES) {
        const list = architectures[role];
        if (list && (list.length === 0 || new Set(list).size !== list.length))
            throw new RangeError(`the ${role} pools need distinct architectures, got [${list.join(", ")}]`);
    }
    return {
        pools: zones.flatMap((zone) =>
            SPARK_ROLES.map((role) => sparkPool(role, zone, architectures[role] ?? DEFAULT_ARCHITECTURES)),
        ),
    };
}

function sparkPool(role: SparkRole, zone: string, architectures: readonly Architecture[]): SparkPool {
    const name = poolName(role, zone);
    const taint: NodeTaint = { key: POOL_LABELS.role, value: role, effect: "NoSchedule" };
    return {
        name,
        zone,
        role,
        capacityType: CAPACITY[role],
        architectures: [...architectures],
        ...(architectures.length > 1 ? { nodeAffinity: preferArchitecture(architectures[0]) } : {}),
        nodeLabels: { [POOL_LABELS.role]: role, [POOL_LABELS.pool]: name },
        taints: [taint],
        nodeSelector: { [ZONE_LABEL]: zone, [POOL_LABELS.role]: role },
        tolerations: [{ key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect }],
        podAnnotations: POD_ANNOTATIONS[role],
    };
}

function preferArchitecture(architecture: Architecture): PreferredArchitectureAffinity {
    return {
        preferredDuringSchedulingIgnoredDuringExecution: [
            {
                weight: 100,
                preference: { matchExpressions: [{ key: ARCH_LABEL, operator: "In", values: [architecture] }] },
            },
        ],
    };
}

/** The pool of `role` in `zone`; throws when the zone is not a Spark zone. */
export function findPool(contract: PoolContract, zone: string, role: SparkRole): SparkPool {
    const pool = contract.pools.find((p) => p.zone === zone && p.role === role);
    if (!pool) {
        const zones = [...new Set(contract.pools.map((p) => p.zone))].join(", ");
        throw new RangeError(`no Spark ${role} pool in ${zone}; Spark zones are ${zones}`);
    }
    return pool;
}

/** The contract as plain data, for a stack output. */
export function summarizePools(contract: PoolContract): Record<string, Omit<SparkPool, "name">> {
    return Object.fromEntries(contract.pools.map(({ name, ...rest }) => [name, rest]));
}

/** What both autoscaler components expose: the contract they implement. */
export interface SparkCapacity {
    readonly pools: PoolContract;
}

/**
 * Effective zone set of a Karpenter NodePool (v1/v1beta1 `spec.template.spec.requirements`) or v1alpha5
 * Provisioner (`spec.requirements`). Karpenter ANDs requirements, so requirements on the same key intersect:
 * In bounds the set, NotIn removes values, Exists only demands the label, DoesNotExist (every node has a zone
 * label) and Gt/Lt (zone names are not integers) match no node. A pool is single-zone when some zone key's set is
 * bounded to exactly one value and no zone key is empty; `minValues` > 1 on a zone key demands several zones.
 * Zone keys: topology.kubernetes.io/zone and topology.k8s.aws/zone-id (aws/karpenter-provider-aws
 * pkg/apis/v1/labels.go). Karpenter rewrites the deprecated failure-domain.beta.kubernetes.io/zone onto
 * topology.kubernetes.io/zone before it intersects requirements (kubernetes-sigs/karpenter pkg/apis/v1/labels.go
 * NormalizedLabels, applied by scheduling.NewRequirements), so both spellings are one key here too.
 * @internal
 */
import { asList, isRecord, show } from "../lib/values";

const ZONE_KEYS: ReadonlySet<string> = new Set(["topology.kubernetes.io/zone", "topology.k8s.aws/zone-id"]);
/** Deprecated keys Karpenter normalizes onto a zone key. */
const NORMALIZED_KEYS: ReadonlyMap<string, string> = new Map([
    ["failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone"],
]);

export const ZONE_FIX = "add {key: topology.kubernetes.io/zone, operator: In, values: [<one zone>]}";

interface KeyState {
    /** `undefined` = not bounded by any In requirement. */
    allowed: Set<string> | undefined;
    readonly excluded: Set<string>;
    /** Why the key matches no node (DoesNotExist, Gt/Lt), if it does not. */
    noMatch: string | undefined;
    minValues: number;
}

/** Why the requirements do not pin exactly one zone, or undefined when they do. */
export function zoneRequirementProblem(requirements: unknown, path: string): string | undefined {
    if (!Array.isArray(requirements)) return `${path} is not set, so nothing pins the pool to a zone; ${ZONE_FIX}`;
    const states = new Map<string, KeyState>();
    for (const [i, requirement] of requirements.entries()) {
        if (!isRecord(requirement) || typeof requirement.key !== "string") continue;
        const key = NORMALIZED_KEYS.get(requirement.key) ?? requirement.key;
        if (!ZONE_KEYS.has(key)) continue;
        const state = states.get(key) ?? {
            allowed: undefined,
            excluded: new Set(),
            noMatch: undefined,
            minValues: 0,
        };
        states.set(key, state);
        const problem = applyRequirement(state, requirement, `${path}[${i}]`);
        if (problem) return problem;
    }
    if (states.size === 0) {
        return (
            `${path} has no topology.kubernetes.io/zone or topology.k8s.aws/zone-id requirement, so the pool can ` +
            `launch nodes in every zone of its subnets; ${ZONE_FIX}`
        );
    }
    return judgeStates(states, path);
}

function applyRequirement(state: KeyState, requirement: Record<string, unknown>, at: string): string | undefined {
    const values = asList(requirement.values).map((v) => (typeof v === "string" ? v : show(v)));
    const operator = requirement.operator;
    if (typeof requirement.minValues === "number") state.minValues = Math.max(state.minValues, requirement.minValues);
    switch (operator) {
        case "In":
            state.allowed = state.allowed ? new Set(values.filter((v) => state.allowed?.has(v))) : new Set(values);
            return undefined;
        case "NotIn":
            values.forEach((v) => state.excluded.add(v));
            return undefined;
        case "Exists":
            return undefined;
        case "DoesNotExist":
            state.noMatch = "DoesNotExist (every node carries a zone label)";
            return undefined;
        case "Gt":
        case "Lt":
            state.noMatch = `${operator} (zone names are not integers)`;
            return undefined;
        default:
            return `${at}.operator is ${show(operator)}, not a Karpenter operator (In, NotIn, Exists, DoesNotExist, Gt, Lt); ${ZONE_FIX}`;
    }
}

function judgeStates(states: ReadonlyMap<string, KeyState>, path: string): string | undefined {
    const descriptions: string[] = [];
    let pinned = false;
    for (const [key, state] of states) {
        if (state.noMatch)
            return `${path}: ${key} ${state.noMatch} matches no zone, so the pool can launch no node; ${ZONE_FIX}`;
        const effective = state.allowed && [...state.allowed].filter((z) => !state.excluded.has(z)).sort();
        if (effective && effective.length === 0) {
            return `${path}: the requirements on ${key} leave no zone (In minus NotIn is empty); ${ZONE_FIX}`;
        }
        if (state.minValues > 1) {
            return (
                `${path}: minValues ${state.minValues} on ${key} requires at least ${state.minValues} zones; a Spark pool ` +
                "must use exactly one — drop minValues or set it to 1"
            );
        }
        if (effective && effective.length === 1) pinned = true;
        else if (effective) descriptions.push(`${key} allows ${effective.length} zones (${effective.join(", ")})`);
        else if (state.excluded.size > 0)
            descriptions.push(
                `${key} only excludes zones (NotIn ${[...state.excluded].join(", ")}), leaving every other zone open`,
            );
        else descriptions.push(`${key} Exists allows any zone`);
    }
    if (pinned) return undefined;
    return `${path}: ${descriptions.join("; ")} — a Spark pool must be pinned to exactly one zone; use operator In with a single zone`;
}

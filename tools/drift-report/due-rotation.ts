/**
 * Which planned changes of a preview are a rotation falling due (rotation.ts), and what the preview shows only
 * because of it; and, when a preview failed, whether an error is a rotated credential the provider no longer
 * accepts. Everything here fails closed: whatever cannot be tied to a rotation with certainty stays drift (or a
 * plain error).
 *
 * A due rotation replaces the rotated resource, so its outputs are unknown in the preview. Pulumi then shows, besides
 * the replacement:
 * - a provider configured from it (the Grafana provider's `auth` takes the token's key) as an update of exactly
 *   those inputs;
 * - every resource of that provider as an update without property detail, with the engine's warning "The provider
 *   for this resource has inputs that are not known during preview" (pulumi/pulumi
 *   `pkg/resource/plugin/provider_plugin.go`, `Diff`): the preview cannot compare them until the new credential
 *   exists. They are listed with the rotation, as not compared, never as clean.
 */
import type { EngineStep, PreviewRun, StepState } from "./preview";
import { isSecret, parsePropertyPath, valueAt, ABSENT } from "./property-path";
import type { DriftOp, PropertyChange } from "./report";
import type { RotationRule } from "./rotation";
import { parseUrn } from "../stack-export";

/** One URN's drift steps as report.ts gathers them. */
export interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly op: DriftOp;
    readonly properties: ReadonlyMap<string, PropertyChange>;
    readonly steps: readonly EngineStep[];
}

/** A resource the preview shows changed only because of a due rotation. */
export interface RotationFollower {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** `configured-from`: these inputs take the rotated resource's new value; `not-compared`: its diff is unknown. */
    readonly kind: "configured-from" | "not-compared";
    readonly properties: PropertyChange[];
}

export interface DueRotation {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The input that rotates, its value in the state (Cloud) and the one the program sets (Program). */
    readonly path: string;
    readonly old: string;
    readonly new: string;
    readonly reason: string;
    readonly followers: RotationFollower[];
}

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const DIFF_UNAVAILABLE = "The provider for this resource has inputs that are not known during preview";
const PROVIDER_TYPE = "pulumi:providers:";

/**
 * The HTTP status 401 as the Grafana provider's API clients print it: a response the OpenAPI client knows
 * (`[GET /dashboards/uid/{uid}][401] getDashboardByUidUnauthorized {…}`, grafana-openapi-client-go), one it does not
 * (`… (status 401): …`, go-openapi runtime APIError) and the legacy client (`status: 401, body: …`).
 */
const HTTP_401 = /\]\[401\] [A-Za-z]+Unauthorized\b|\(status 401\)|\bstatus: 401, body:/;

/** The URN part of a provider reference `<urn>::<id>`. */
function providerUrn(reference: string | undefined): string | undefined {
    const at = reference?.lastIndexOf("::") ?? -1;
    const urn = at > 0 ? reference?.slice(0, at) : undefined;
    return urn !== undefined && parseUrn(urn)?.type.startsWith(PROVIDER_TYPE) ? urn : undefined;
}

/** Every state and provider reference the run holds per URN (refresh steps included), and its warnings. */
class RunIndex {
    /** States from the program's side of a step (not a refresh's), and every state, per URN. */
    private readonly planned = new Map<string, StepState[]>();
    private readonly states = new Map<string, StepState[]>();
    private readonly providers = new Map<string, string[]>();
    private readonly warnings = new Map<string, string[]>();

    constructor(run: PreviewRun) {
        const push = (map: Map<string, unknown[]>, urn: string, value: unknown) => {
            if (value !== undefined) map.set(urn, [...(map.get(urn) ?? []), value]);
        };
        for (const step of run.steps) {
            push(this.providers, step.urn, providerUrn(step.provider));
            if (step.op !== "refresh") push(this.planned, step.urn, step.new);
            for (const state of [step.old, step.new]) {
                push(this.states, step.urn, state);
                push(this.providers, step.urn, providerUrn(state?.provider));
            }
        }
        for (const d of run.diagnostics) if (d.severity === "warning" && d.urn) push(this.warnings, d.urn, d.message);
    }

    /** The one provider the run names for `urn`; undefined when it names none or several. */
    providerOf(urn: string): string | undefined {
        const found = new Set(this.providers.get(urn));
        return found.size === 1 ? [...found][0] : undefined;
    }

    /**
     * The URNs the input `key` (any input, without one) of `urn` takes its value from: as the program registers it
     * when the run shows that, else as the state has it.
     */
    dependenciesOf(urn: string, key?: string): Set<string> {
        const withDependencies = (states: StepState[] | undefined) =>
            (states ?? []).filter((s) => s.propertyDependencies !== undefined);
        const planned = withDependencies(this.planned.get(urn));
        const out = new Set<string>();
        for (const state of planned.length > 0 ? planned : withDependencies(this.states.get(urn))) {
            for (const [k, urns] of Object.entries(state.propertyDependencies ?? {}))
                if (key === undefined || k === key) for (const u of urns) out.add(u);
        }
        return out;
    }

    saysDiffUnavailable(urn: string): boolean {
        return (this.warnings.get(urn) ?? []).some((m) => m.includes(DIFF_UNAVAILABLE));
    }
}

const known = (value: unknown) =>
    value !== ABSENT && !isSecret(value) && !JSON.stringify(value ?? null).includes(UNKNOWN);

/** The due rotation `resource` is under `rule`, or undefined when anything about it is more than the rotation. */
function rotationOf(resource: PlannedResource, rule: RotationRule): DueRotation | undefined {
    if (resource.op !== "replace" || resource.properties.size !== 1) return undefined;
    const [change] = resource.properties.values();
    const segments = parsePropertyPath(change.path) ?? [change.path];
    const samePath = segments.length === rule.segments.length && segments.every((s, i) => s === rule.segments[i]);
    if (!samePath || change.kind !== "update-replace") return undefined;
    if (!rule.rotates(change.old, change.new)) return undefined;
    // Every step must be part of the replacement, and every side the run shows must keep the `unchanged` inputs.
    const pairs = resource.steps.filter((s) => s.old !== undefined && s.new !== undefined);
    if (
        pairs.length === 0 ||
        resource.steps.some((s) => !["replace", "create-replacement", "delete-replaced"].includes(s.op))
    )
        return undefined;
    for (const step of pairs) {
        for (const key of rule.unchanged) {
            const before = valueAt(step.old?.inputs ?? {}, [key]);
            const after = valueAt(step.new?.inputs ?? {}, [key]);
            if (!known(before) || !known(after) || JSON.stringify(before) !== JSON.stringify(after)) return undefined;
        }
    }
    return {
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        path: change.path,
        old: change.old as string,
        new: change.new as string,
        reason: rule.reason,
        followers: [],
    };
}

/**
 * The due rotations among `resources` and what follows from them; `explained` holds every URN they account for,
 * which the report then leaves out of the drift.
 */
export function dueRotations(
    resources: readonly PlannedResource[],
    run: PreviewRun,
    rules: readonly RotationRule[],
): { rotations: DueRotation[]; explained: Set<string> } {
    const rotations = new Map<string, DueRotation>();
    for (const r of resources) {
        const rule = rules.find((x) => x.type === r.type && x.name === r.name);
        const due = rule && rotationOf(r, rule);
        if (due) rotations.set(r.urn, due);
    }
    const explained = new Set(rotations.keys());
    if (rotations.size === 0) return { rotations: [], explained };
    const index = new RunIndex(run);
    const follow = (r: PlannedResource, rotated: string, kind: RotationFollower["kind"]) => {
        rotations.get(rotated)?.followers.push({
            urn: r.urn,
            type: r.type,
            name: r.name,
            kind,
            properties: [...r.properties.values()],
        });
        explained.add(r.urn);
    };
    /** The one rotated URN among `urns`. */
    const rotatedAmong = (urns: Set<string>) => {
        const hits = [...urns].filter((u) => rotations.has(u));
        return hits.length === 1 ? hits[0] : undefined;
    };

    // Providers whose changed inputs all take their value from the same rotated resource.
    for (const r of resources) {
        if (!r.type.startsWith(PROVIDER_TYPE) || r.op !== "update" || r.properties.size === 0) continue;
        const sources = [...r.properties.values()].map((c) =>
            c.kind.endsWith("-replace")
                ? undefined
                : rotatedAmong(index.dependenciesOf(r.urn, String((parsePropertyPath(c.path) ?? [c.path])[0]))),
        );
        if (sources[0] !== undefined && sources.every((s) => s === sources[0]))
            follow(r, sources[0], "configured-from");
    }
    // Resources the engine could not diff because their provider's configuration waits for the rotated resource.
    const planned = new Map(resources.map((r) => [r.urn, r]));
    for (const r of resources) {
        if (r.op !== "update" || r.properties.size > 0 || !index.saysDiffUnavailable(r.urn)) continue;
        const provider = index.providerOf(r.urn);
        // The provider must itself be unchanged or changed only by the rotation.
        if (provider === undefined || (planned.has(provider) && !explained.has(provider))) continue;
        const rotated = rotatedAmong(index.dependenciesOf(provider));
        if (rotated !== undefined) follow(r, rotated, "not-compared");
    }
    return { rotations: [...rotations.values()], explained };
}

/**
 * What to do about a failed preview's errors, where it is certain: a resource whose provider is configured from a
 * rotated resource got HTTP 401, so the value in the state (the Grafana token) is no longer accepted.
 */
export function withRotationHints<E extends { readonly urn?: string; readonly message: string }>(
    errors: readonly E[],
    run: PreviewRun,
    rules: readonly RotationRule[],
): (E & { hint?: string })[] {
    if (rules.length === 0) return [...errors];
    const index = new RunIndex(run);
    return errors.map((error) => {
        const provider = error.urn === undefined ? undefined : index.providerOf(error.urn);
        if (provider === undefined || !HTTP_401.test(error.message)) return error;
        const rotated = [...index.dependenciesOf(provider)].filter((u) => {
            const parsed = parseUrn(u);
            return parsed !== undefined && rules.some((r) => r.type === parsed.type && r.name === parsed.name);
        });
        if (rotated.length !== 1) return error;
        const name = parseUrn(rotated[0])?.name ?? rotated[0];
        const hint =
            `HTTP 401: this resource's provider is configured from \`${name}\` (rotated by \`pulumi up\`, see ` +
            "drift-ignore.yaml), and the value in the state is no longer accepted. If no `pulumi up` ran for longer " +
            "than it lives, it has expired: run `pulumi up` (without `--refresh`), which makes a new one before it " +
            "calls the provider; the next drift check then runs. If it was revoked by hand: " +
            `\`pulumi up --replace '${rotated[0]}'\`.`;
        return { ...error, hint };
    });
}

/**
 * The drift report: which resources differ between the cloud (the refreshed state) and the program, how the next
 * `pulumi up` would reconcile them, and per property the cloud value and the program value. A run that did not
 * complete is a failure with its errors and no drift verdict; drift is never an error. A rotation falling due
 * (drift-ignore.yaml `rotations:`, due-rotation.ts) is reported on its own, with what it keeps the preview from
 * comparing, and is not drift.
 */
import { DueRotation, dueRotations, PlannedResource, withRotationHints } from "./due-rotation";
import { DriftRules } from "./ignore";
import { EngineStep, PreviewRun } from "./preview";
import { ABSENT, isSecret, parsePropertyPath, SECRET, valueAt } from "./property-path";
import { parseUrn } from "../stack-export";

export type DriftOp = "update" | "replace" | "create" | "delete";

export interface PropertyChange {
    readonly path: string;
    /** add (only in the program), delete (only in the cloud) or update; `-replace` when it forces a replacement. */
    readonly kind: string;
    /** The cloud's value (refreshed state); null when the cloud has none. */
    readonly old: unknown;
    /** The program's value; null when the program sets none. */
    readonly new: unknown;
}

export interface DriftedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly op: DriftOp;
    readonly properties: PropertyChange[];
}

export interface IgnoredChange extends PropertyChange {
    readonly urn: string;
    readonly type: string;
    readonly op: DriftOp;
    readonly reason: string;
}

export interface ReportError {
    readonly urn?: string;
    readonly message: string;
    /** What to do, where the report can tell with certainty (a rotated credential refused with HTTP 401). */
    readonly hint?: string;
}

export interface PolicyNote {
    readonly urn?: string;
    readonly policy: string;
    readonly pack: string;
    readonly level: string;
    readonly message: string;
}

export interface DriftReport {
    /** The stack, from the URNs; undefined when the preview named no resource. */
    readonly stack?: string;
    readonly drifted: DriftedResource[];
    /** Rotations falling due (drift-ignore.yaml `rotations:`): `pulumi up` makes them; not drift. */
    readonly rotations: DueRotation[];
    readonly ignored: IgnoredChange[];
    readonly errors: ReportError[];
    /** What the policy pack said (from the event log; `--json` previews omit policy events). */
    readonly policy: PolicyNote[];
}

export type Verdict = "clean" | "drift" | "failed";

export function verdictOf(report: DriftReport): Verdict {
    return report.errors.length > 0 ? "failed" : report.drifted.length > 0 ? "drift" : "clean";
}

/** Engine ops that are drift, and the op that reconciles them; any other op (refresh, same, read, …) is not drift. */
const DRIFT_OPS: Readonly<Record<string, DriftOp>> = {
    update: "update",
    replace: "replace",
    "create-replacement": "replace",
    "delete-replaced": "replace",
    "import-replacement": "replace",
    create: "create",
    import: "create",
    delete: "delete",
};

const OP_RANK: Readonly<Record<DriftOp, number>> = { update: 0, create: 1, delete: 1, replace: 2 };

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Secrets as "[secret]" at any depth, unknowns as "[unknown]", absence as null. */
function shown(value: unknown): unknown {
    if (value === ABSENT || value === undefined) return null;
    if (isSecret(value)) return SECRET;
    if (value === UNKNOWN) return "[unknown]";
    if (Array.isArray(value)) return value.map(shown);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shown(v)]));
    }
    return value;
}

function propertyChanges(step: EngineStep): PropertyChange[] {
    const changes: PropertyChange[] = [];
    const entries =
        step.detailedDiff !== undefined
            ? Object.entries(step.detailedDiff)
            : // No detailed diff from the provider: the top-level keys that differ, compared as inputs.
              [...new Set([...step.diffReasons, ...step.replaceReasons])].map(
                  (key) =>
                      [
                          key,
                          {
                              kind: step.replaceReasons.includes(key) ? "update-replace" : "update",
                              inputDiff: true,
                          },
                      ] as const,
              );
    for (const [path, diff] of entries) {
        const segments = parsePropertyPath(path) ?? [path];
        // The program's side is always its inputs; the cloud's side is the refreshed inputs or outputs.
        const oldBag = diff.inputDiff ? step.old?.inputs : step.old?.outputs;
        const cloud = diff.kind.startsWith("add") ? ABSENT : valueAt(oldBag ?? {}, segments);
        const program = diff.kind.startsWith("delete") ? ABSENT : valueAt(step.new?.inputs ?? {}, segments);
        // A value secret on one side is secret on both: the other side would give it away.
        const secret = isSecret(cloud) || isSecret(program);
        changes.push({
            path,
            kind: diff.kind,
            old: secret && cloud !== ABSENT ? SECRET : shown(cloud),
            new: secret && program !== ABSENT ? SECRET : shown(program),
        });
    }
    return changes;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

function cleanMessage(message: string): string {
    // Raw-colour output carries <{%reset%}>-style markers; the digest folds "error: " into the message.
    return message
        .replace(/<\{%[^%]*%\}>/g, "")
        .replace(/^error: /, "")
        .trim();
}

export function buildReport(run: PreviewRun, rules: DriftRules): DriftReport {
    const stacks = new Set(run.steps.map((s) => parseUrn(s.urn)?.stack).filter((s): s is string => s !== undefined));
    const stack = stacks.size === 1 ? [...stacks][0] : undefined;
    const policy = dedupe(
        run.policy.map((p) => ({ ...p, message: cleanMessage(p.message) })),
        (p) => `${p.urn}|${p.policy}|${p.message}`,
    ).sort((a, b) =>
        `${a.level === "mandatory" ? 0 : 1}${a.urn ?? ""}${a.policy}`.localeCompare(
            `${b.level === "mandatory" ? 0 : 1}${b.urn ?? ""}${b.policy}`,
        ),
    );

    const errors: ReportError[] = [
        ...run.failures.map((message) => ({ message })),
        ...run.diagnostics
            .filter((d) => d.severity === "error")
            .map((d) => ({ urn: d.urn, message: cleanMessage(d.message) })),
        // The engine fails a preview on a mandatory violation, like on an error.
        ...policy
            .filter((p) => p.level === "mandatory")
            .map((p) => ({ urn: p.urn, message: `mandatory policy violation ${p.pack}/${p.policy}: ${p.message}` })),
    ];
    const uniqueErrors = dedupe(errors, (e) => `${e.urn}|${e.message}`);
    // A failed run gives no drift verdict: its steps stop wherever the engine stopped.
    if (uniqueErrors.length > 0) {
        const hinted = withRotationHints(uniqueErrors, run, rules.rotations);
        return { stack, drifted: [], rotations: [], ignored: [], errors: hinted, policy };
    }

    type Entry = PlannedResource & { op: DriftOp; properties: Map<string, PropertyChange>; steps: EngineStep[] };
    const resources = new Map<string, Entry>();
    for (const step of run.steps) {
        const op = DRIFT_OPS[step.op];
        if (op === undefined) continue;
        const urn = parseUrn(step.urn);
        const type = step.type ?? step.new?.type ?? step.old?.type ?? urn?.type ?? "";
        const entry: Entry = resources.get(step.urn) ?? {
            urn: step.urn,
            type,
            name: urn?.name ?? step.urn,
            op,
            properties: new Map(),
            steps: [],
        };
        if (OP_RANK[op] > OP_RANK[entry.op]) entry.op = op;
        if (op === "update" || op === "replace") {
            for (const change of propertyChanges(step))
                if (!entry.properties.has(change.path)) entry.properties.set(change.path, change);
        }
        entry.steps.push(step);
        resources.set(step.urn, entry);
    }
    const sorted = [...resources.values()].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    const { rotations, explained } = dueRotations(sorted, run, rules.rotations);

    const drifted: DriftedResource[] = [];
    const ignored: IgnoredChange[] = [];
    for (const entry of sorted.filter((r) => !explained.has(r.urn))) {
        const urn = entry.urn;
        const kept: PropertyChange[] = [];
        for (const change of [...entry.properties.values()].sort(byPath)) {
            // A change that forces a replacement is never ignored: the next `pulumi up` would replace the resource.
            const rule = change.kind.endsWith("-replace")
                ? undefined
                : rules.ignore.find((r) => r.matches(entry.type, urn, parsePropertyPath(change.path) ?? [change.path]));
            if (rule) ignored.push({ urn, type: entry.type, op: entry.op, ...change, reason: rule.reason });
            else kept.push(change);
        }
        const wholeResource = entry.op === "create" || entry.op === "delete";
        const everythingIgnored = kept.length === 0 && entry.properties.size > 0 && entry.op === "update";
        if (wholeResource || !everythingIgnored)
            drifted.push({ urn, type: entry.type, name: entry.name, op: entry.op, properties: kept });
    }
    return { stack, drifted, rotations, ignored, errors: [], policy };
}

function dedupe<T>(items: readonly T[], key: (item: T) => string): T[] {
    const seen = new Map<string, T>();
    for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
    return [...seen.values()];
}

/**
 * Reads what `pulumi preview --refresh --json` prints (a PreviewDigest, `pkg/backend/display/json.go`) and the
 * engine event log `--event-log` writes (one EngineEvent per line, `sdk/go/common/apitype/events.go`) into one
 * shape: the steps the engine planned, its diagnostics, the policy pack's findings and anything that says the run
 * itself did not complete. Shapes are checked as far as the report relies on them; anything else is ignored, so a
 * newer CLI that adds fields still reads.
 */
import { InputError } from "../cli";

/** One side of a step: the resource's inputs and outputs (secrets already masked as "[secret]" by the CLI). */
export interface StepState {
    readonly type?: string;
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly outputs: Readonly<Record<string, unknown>>;
    /** The provider reference (`<provider URN>::<id>`), when the state names one. */
    readonly provider?: string;
    /** Per input, the URNs its value came from (the digest's states carry them; event-log states do not). */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** One entry of a step's detailed diff; `kind` is add|add-replace|delete|delete-replace|update|update-replace. */
export interface PropertyDiff {
    readonly kind: string;
    /** True when old inputs were compared with new inputs; false when old outputs were. */
    readonly inputDiff: boolean;
}

export interface EngineStep {
    readonly op: string;
    readonly urn: string;
    readonly type?: string;
    /** The provider reference of the step (`<provider URN>::<id>`). */
    readonly provider?: string;
    readonly old?: StepState;
    readonly new?: StepState;
    /** Undefined when the provider gave no detailed diff (`null` in the JSON). */
    readonly detailedDiff?: Readonly<Record<string, PropertyDiff>>;
    readonly diffReasons: readonly string[];
    readonly replaceReasons: readonly string[];
}

export interface Diagnostic {
    readonly urn?: string;
    readonly message: string;
    readonly severity: string;
}

export interface PolicyFinding {
    readonly urn?: string;
    readonly policy: string;
    readonly pack: string;
    readonly level: string;
    readonly message: string;
}

export interface PreviewRun {
    readonly steps: EngineStep[];
    readonly diagnostics: Diagnostic[];
    readonly policy: PolicyFinding[];
    /** Reasons the run did not complete that no diagnostic carries (no output at all, cancelled, cut off). */
    readonly failures: string[];
}

export const emptyRun = (): PreviewRun => ({ steps: [], diagnostics: [], policy: [], failures: [] });

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
    typeof value === "object" && value !== null && !Array.isArray(value);

class Reader {
    constructor(private readonly file: string) {}

    fail(where: string, expected: string): never {
        throw new InputError(`${this.file}: ${where} must be ${expected}`);
    }

    object(value: unknown, where: string): Json {
        return isObject(value) ? value : this.fail(where, "an object");
    }

    string(value: unknown, where: string): string {
        return typeof value === "string" ? value : this.fail(where, "a string");
    }

    optionalString(value: unknown, where: string): string | undefined {
        return value === undefined || value === null ? undefined : this.string(value, where);
    }

    array(value: unknown, where: string): unknown[] {
        if (value === undefined || value === null) return [];
        return Array.isArray(value) ? value : this.fail(where, "an array");
    }

    strings(value: unknown, where: string): string[] {
        return this.array(value, where).map((v, i) => this.string(v, `${where}[${i}]`));
    }

    bag(value: unknown, where: string): Json {
        return value === undefined || value === null ? {} : this.object(value, where);
    }

    state(value: unknown, where: string): StepState | undefined {
        if (value === undefined || value === null) return undefined;
        const state = this.object(value, where);
        return {
            type: this.optionalString(state.type, `${where}.type`),
            inputs: this.bag(state.inputs, `${where}.inputs`),
            outputs: this.bag(state.outputs, `${where}.outputs`),
            provider: this.optionalString(state.provider, `${where}.provider`) || undefined,
            propertyDependencies: this.dependencies(state.propertyDependencies, `${where}.propertyDependencies`),
        };
    }

    dependencies(value: unknown, where: string): Record<string, string[]> | undefined {
        if (value === undefined || value === null) return undefined;
        const bag = this.object(value, where);
        return Object.fromEntries(
            Object.entries(bag).map(([key, urns]) => [key, this.strings(urns, `${where}[${JSON.stringify(key)}]`)]),
        );
    }

    /** `detailedDiff` of a PreviewStep ({kind, inputDiff}) or of StepEventMetadata ({diffKind, inputDiff}). */
    detailedDiff(value: unknown, where: string): Record<string, PropertyDiff> | undefined {
        if (value === undefined || value === null) return undefined;
        const diff = this.object(value, where);
        const result: Record<string, PropertyDiff> = {};
        for (const [path, entry] of Object.entries(diff)) {
            const at = `${where}[${JSON.stringify(path)}]`;
            const e = this.object(entry, at);
            const kind = this.string(e.kind ?? e.diffKind, `${at}.kind`);
            result[path] = { kind, inputDiff: e.inputDiff === true };
        }
        return result;
    }

    step(value: unknown, where: string, oldKey: string, newKey: string): EngineStep {
        const s = this.object(value, where);
        return {
            op: this.string(s.op, `${where}.op`),
            urn: this.string(s.urn, `${where}.urn`),
            type: this.optionalString(s.type, `${where}.type`),
            provider: this.optionalString(s.provider, `${where}.provider`) || undefined,
            old: this.state(s[oldKey], `${where}.${oldKey}`),
            new: this.state(s[newKey], `${where}.${newKey}`),
            detailedDiff: this.detailedDiff(s.detailedDiff, `${where}.detailedDiff`),
            diffReasons: this.strings(s.diffReasons ?? s.diffs, `${where}.diffReasons`),
            replaceReasons: this.strings(s.replaceReasons ?? s.keys, `${where}.replaceReasons`),
        };
    }

    diagnostic(value: unknown, where: string): Diagnostic {
        const d = this.object(value, where);
        return {
            urn: this.optionalString(d.urn, `${where}.urn`) || undefined,
            message: this.string(d.message, `${where}.message`),
            severity: this.string(d.severity, `${where}.severity`),
        };
    }
}

/**
 * The preview's stdout: a PreviewDigest, or (with PULUMI_ENABLE_STREAMING_JSON_PREVIEW) engine events, one per
 * line. Nothing at all means the CLI failed before the engine started (login, stack selection, config).
 */
export function readPreview(text: string, file: string): PreviewRun {
    if (text.trim() === "") {
        return {
            ...emptyRun(),
            failures: ["the preview printed no JSON: it failed before the engine started (see its stderr)"],
        };
    }
    let digest: unknown;
    try {
        digest = JSON.parse(text);
    } catch (e) {
        if (text.trimStart().startsWith("{") && text.trim().includes("\n")) return readEventLog(text, file);
        throw new InputError(`${file} is not valid JSON: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
    const r = new Reader(file);
    const d = r.object(digest, "the preview");
    if (!("steps" in d) && !("changeSummary" in d) && !("diagnostics" in d) && !("config" in d)) {
        r.fail(
            "the preview",
            "the output of `pulumi preview --json` (a PreviewDigest with steps, diagnostics, changeSummary)",
        );
    }
    return {
        steps: r.array(d.steps, "steps").map((s, i) => r.step(s, `steps[${i}]`, "oldState", "newState")),
        diagnostics: r.array(d.diagnostics, "diagnostics").map((x, i) => r.diagnostic(x, `diagnostics[${i}]`)),
        policy: [],
        failures: [],
    };
}

/** The `--event-log` file: one EngineEvent per line. A cut-off last line means the CLI was interrupted. */
export function readEventLog(text: string, file: string): PreviewRun {
    const run = emptyRun();
    const r = new Reader(file);
    const lines = text.split("\n");
    const last = lines.reduce((at, line, i) => (line.trim() === "" ? at : i), -1);
    lines.forEach((line, i) => {
        if (line.trim() === "") return;
        let event: unknown;
        try {
            event = JSON.parse(line);
        } catch (e) {
            if (i === last) {
                run.failures.push(`the event log ends in a cut-off line (line ${i + 1}): the preview was interrupted`);
                return;
            }
            throw new InputError(
                `${file}: line ${i + 1} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
            );
        }
        readEvent(r, r.object(event, `line ${i + 1}`), `line ${i + 1}`, run);
    });
    return run;
}

function readEvent(r: Reader, e: Json, where: string, run: PreviewRun): void {
    if (e.cancelEvent !== undefined) run.failures.push("the preview was cancelled");
    if (e.diagnosticEvent !== undefined) {
        const d = r.object(e.diagnosticEvent, `${where}.diagnosticEvent`);
        const prefix = r.optionalString(d.prefix, `${where}.diagnosticEvent.prefix`) ?? "";
        const diagnostic = r.diagnostic(d, `${where}.diagnosticEvent`);
        // Events carry the "error: " prefix separately; the digest folds it into the message. Keep the digest's form.
        run.diagnostics.push({ ...diagnostic, message: `${prefix}${diagnostic.message}` });
    }
    if (e.policyEvent !== undefined) {
        const p = r.object(e.policyEvent, `${where}.policyEvent`);
        run.policy.push({
            urn: r.optionalString(p.resourceUrn, `${where}.policyEvent.resourceUrn`) || undefined,
            policy: r.string(p.policyName, `${where}.policyEvent.policyName`),
            pack: r.string(p.policyPackName, `${where}.policyEvent.policyPackName`),
            level: r.string(p.enforcementLevel, `${where}.policyEvent.enforcementLevel`),
            message: r.string(p.message, `${where}.policyEvent.message`),
        });
    }
    if (e.resourcePreEvent !== undefined) {
        const pre = r.object(e.resourcePreEvent, `${where}.resourcePreEvent`);
        run.steps.push(r.step(pre.metadata, `${where}.resourcePreEvent.metadata`, "old", "new"));
    }
}

/** Both sources of one run, as one: the report deduplicates what both carry. */
export function mergeRuns(...runs: PreviewRun[]): PreviewRun {
    return {
        steps: runs.flatMap((x) => x.steps),
        diagnostics: runs.flatMap((x) => x.diagnostics),
        policy: runs.flatMap((x) => x.policy),
        failures: runs.flatMap((x) => x.failures),
    };
}

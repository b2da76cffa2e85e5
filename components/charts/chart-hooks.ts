/**
 * Helm hooks of a pinned chart, declared in its pin (`hooks:`), and the rule that keeps `helm.v4.Chart` from
 * installing a chart that cannot work: Chart v4 renders with hooks disabled and drops every `helm.sh/hook` object
 * (pulumi/pulumi-kubernetes#3284; a post-renderer never sees them either), so whatever a hook would have created,
 * the program must create itself, and the chart's own copy must be switched off wherever a value switches it off
 * (one owner per object, whichever install path runs).
 */
import * as pulumi from "@pulumi/pulumi";
import { isRecord } from "../settings/validators";

/** When the chart's other objects rely on what a hook creates. */
export const HOOK_NEEDS = ["always", "when-rendered", "never"] as const;
export type HookNeed = (typeof HOOK_NEEDS)[number];

export interface ChartHook {
    /** Name the program's replacement is handed over by (`hookReplacements.<name>`). */
    readonly name: string;
    /** Kind of the hook object, e.g. Job. */
    readonly kind: string;
    /** Template of the chart that renders it, at the pinned version. */
    readonly template: string;
    /** Its `helm.sh/hook` events, as the template annotates them. */
    readonly events: string;
    /** Value paths of which any truthy one makes the chart render it; absent: always rendered. */
    readonly renderedWhen?: readonly string[];
    /** Whether setting every `renderedWhen` value to false turns off only the hook, not the feature it serves. */
    readonly offSwitch: boolean;
    /** When the chart relies on what it creates. */
    readonly needed: HookNeed;
    /** What it creates and who relies on it, for the error that names it. */
    readonly creates: string;
}

/** The `hooks:` list of a pin file, or one line per problem. */
export function parseChartHooks(doc: unknown): ChartHook[] | string[] {
    if (!Array.isArray(doc)) return ["hooks must be a list (empty when the chart has none)"];
    const problems: string[] = [];
    const hooks: ChartHook[] = [];
    const names = new Set<string>();
    doc.forEach((entry: unknown, i) => {
        const at = `hooks[${i}]`;
        if (!isRecord(entry)) {
            problems.push(`${at} must be a map`);
            return;
        }
        const text = (key: string): string => {
            const value = entry[key];
            if (typeof value === "string" && value !== "") return value;
            problems.push(`${at}.${key} must be a non-empty string`);
            return "";
        };
        const hook = {
            name: text("name"),
            kind: text("kind"),
            template: text("template"),
            events: text("events"),
            creates: text("creates"),
        };
        const rendered = entry.renderedWhen;
        if (
            rendered !== undefined &&
            !(Array.isArray(rendered) && rendered.length > 0 && rendered.every((p) => typeof p === "string" && p))
        ) {
            problems.push(`${at}.renderedWhen must be a non-empty list of value paths such as webhook.enable`);
        }
        if (typeof entry.offSwitch !== "boolean") problems.push(`${at}.offSwitch must be true or false`);
        if (entry.offSwitch === true && rendered === undefined) {
            problems.push(`${at}.offSwitch is true but renderedWhen names no value that switches it off`);
        }
        const needed = entry.needed;
        if (!(HOOK_NEEDS as readonly unknown[]).includes(needed)) {
            problems.push(`${at}.needed ${JSON.stringify(needed)} is not one of ${HOOK_NEEDS.join(", ")}`);
        }
        if (names.has(hook.name)) problems.push(`${at}.name ${JSON.stringify(hook.name)} is declared twice`);
        names.add(hook.name);
        hooks.push({
            ...hook,
            ...(Array.isArray(rendered) ? { renderedWhen: rendered as string[] } : {}),
            offSwitch: entry.offSwitch === true,
            needed: needed as HookNeed,
        });
    });
    return problems.length > 0 ? problems : hooks;
}

/** A value the check cannot know before deployment (an Output or a promise nested in the computed values). */
const UNKNOWN = Symbol("unknown");

function valueAt(values: unknown, path: string): unknown {
    let current: unknown = values;
    for (const key of path.split(".")) {
        if (current === undefined) return undefined;
        if (!isRecord(current) || isDeferred(current)) return UNKNOWN;
        current = current[key];
    }
    return isDeferred(current) ? UNKNOWN : current;
}

function isDeferred(value: unknown): boolean {
    return value instanceof Promise || pulumi.Output.isInstance(value);
}

/** Whether the chart renders `hook` with these values (computed ones win over base ones; unknown counts as on). */
export function hookRendered(hook: ChartHook, base: Record<string, unknown>, computed: unknown): boolean {
    if (hook.renderedWhen === undefined) return true;
    return hook.renderedWhen.some((path) => {
        const value = valueAt(computed, path);
        const effective = value === undefined ? valueAt(base, path) : value;
        return effective === UNKNOWN || Boolean(effective);
    });
}

/**
 * What is wrong with installing `chart` through Chart v4 with these values and the program's replacements (by
 * hook name): a hook the chart relies on without a replacement, a replaced hook the chart still renders though a
 * value could switch it off, a replacement for a hook the pin does not declare. One line each; empty when sound.
 */
export function chartHookProblems(
    chart: string,
    hooks: readonly ChartHook[],
    base: Record<string, unknown>,
    computed: unknown,
    replaced: readonly string[],
): string[] {
    const problems: string[] = [];
    for (const hook of hooks) {
        const rendered = hookRendered(hook, base, computed);
        const needed = hook.needed === "always" || (hook.needed === "when-rendered" && rendered);
        const isReplaced = replaced.includes(hook.name);
        if (needed && !isReplaced) {
            problems.push(
                `chart ${chart} relies on its ${hook.events} hook ${hook.name} (${hook.kind}, ${hook.template}: ` +
                    `${hook.creates}), which helm.v4.Chart never creates; create it in the program and pass it as ` +
                    `hookReplacements["${hook.name}"]`,
            );
        }
        if (isReplaced && hook.offSwitch && rendered) {
            problems.push(
                `chart ${chart}: the program replaces hook ${hook.name}, but the chart still renders its own; ` +
                    `set ${hook.renderedWhen!.join(" and ")} to false`,
            );
        }
    }
    for (const name of replaced) {
        if (!hooks.some((h) => h.name === name)) {
            problems.push(`chart ${chart} declares no hook ${JSON.stringify(name)} in its pin; fix the name`);
        }
    }
    return problems;
}

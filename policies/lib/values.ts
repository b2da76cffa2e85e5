/**
 * Narrowing helpers for resource props. Props reach policies wrapped in the SDK's unknown-checking proxy, so any
 * read of a value that is unknown during preview throws UnknownValueError; these helpers never catch it except in
 * `cosmetic`, which is only used for text that goes into a message.
 * @internal
 */
import { isUnknownValueError } from "./sdk";

export type Props = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `undefined`/`null` → `[]`, an array → itself, anything else → a one-element list (IAM's "string or list"). */
export function asList(value: unknown): unknown[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
}

/** Follows `path` through nested records; `undefined` as soon as a step is missing or not a record. */
export function dig(value: unknown, path: readonly string[]): unknown {
    let current = value;
    for (const key of path) {
        if (!isRecord(current)) return undefined;
        current = current[key];
    }
    return current;
}

export function isPresent(value: unknown): boolean {
    return value !== undefined && value !== null;
}

/** Reads text that only decorates a message; an unknown value must not stop the check, so it reads as a marker. */
export function cosmetic(read: () => unknown, fallback: string): string {
    try {
        const value = read();
        return typeof value === "string" && value !== "" ? value : fallback;
    } catch (e) {
        if (isUnknownValueError(e)) return "(unknown until apply)";
        throw e;
    }
}

/** Resource name in a URN: everything after the fourth `::` (names may themselves contain `::`). */
export function urnName(urn: string): string {
    let at = -2;
    for (let i = 0; i < 3; i++) {
        at = urn.indexOf("::", at + 2);
        if (at < 0) return urn;
    }
    return urn.slice(at + 2);
}

/** JSON text of a scalar for messages, e.g. `"system:serviceaccount:*:x"` or `0`. */
export function show(value: unknown): string {
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
    try {
        // JSON.stringify gives undefined for functions and symbols, which never come out of a resource's props.
        return JSON.stringify(value) ?? typeof value;
    } catch {
        return `a ${typeof value} that cannot be shown (cyclic)`;
    }
}

/** Property path segment: `.name` for identifiers, `["key.with/dots"]` otherwise. */
export function pathKey(key: string): string {
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

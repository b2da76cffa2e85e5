/**
 * Reading one list of rules of drift-ignore.yaml (`ignore:`, `rotations:`): each entry a mapping of known keys,
 * every problem one InputError line naming the file, the entry and the key.
 */
import { InputError } from "../cli";

/** One entry of a rule list, with the checks every rule needs. */
export interface RuleEntry {
    /** The entry's raw mapping. */
    readonly raw: Readonly<Record<string, unknown>>;
    /** Throws `<file>: <list>[i].<key> <message>` (without a key: `<file>: <list>[i] <message>`). */
    readonly fail: (key: string | undefined, message: string) => never;
    /** The non-empty string at `key`; undefined when it is absent and not `required`. */
    readonly text: {
        (key: string, required: true): string;
        (key: string, required: false): string | undefined;
    };
}

/** The rules of the list `name` (absent: none), each read by `read`. */
export function readRuleList<T>(
    list: unknown,
    file: string,
    name: string,
    keys: readonly string[],
    read: (entry: RuleEntry) => T,
): T[] {
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) throw new InputError(`${file}: \`${name}\` must be a list of rules`);
    return list.map((raw: unknown, i) => {
        const fail = (key: string | undefined, message: string): never => {
            throw new InputError(`${file}: ${name}[${i}]${key === undefined ? "" : `.${key}`} ${message}`);
        };
        if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail(undefined, "must be a mapping");
        const e = raw as Record<string, unknown>;
        for (const key of Object.keys(e)) if (!keys.includes(key)) fail(key, `is not known (${keys.join(", ")})`);
        function text(key: string, required: true): string;
        function text(key: string, required: false): string | undefined;
        function text(key: string, required: boolean): string | undefined {
            const value = e[key];
            if (value === undefined && !required) return undefined;
            return typeof value === "string" && value.trim() !== "" ? value : fail(key, "must be a non-empty string");
        }
        return read({ raw: e, fail, text });
    });
}

/**
 * The drift ignore list (`drift-ignore.yaml`): changes the report files under `ignored` instead of `drifted`. Each
 * rule names the resources (`type` and/or `urn`, `*` matches anything), a property `path` (the rule also covers
 * everything below it; `[*]` matches any array element) and the `reason`, which is required: an ignore without
 * a reason is a silenced alarm nobody can review. Its `rotations:` list is read by rotation.ts.
 */
import { InputError } from "../cli";
import { parsePropertyPath, PathSegment } from "./property-path";
import { readRotationRules, RotationRule } from "./rotation";
import { readRuleList } from "./rule-list";

export interface IgnoreRule {
    readonly type?: string;
    readonly urn?: string;
    readonly path: string;
    readonly reason: string;
}

export interface CompiledRule extends IgnoreRule {
    matches(type: string, urn: string, path: readonly PathSegment[]): boolean;
}

const glob = (pattern: string) =>
    new RegExp(
        `^${pattern
            .split("*")
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    );

/** What drift-ignore.yaml says: changes to ignore, and resources renamed on a schedule (rotation.ts). */
export interface DriftRules {
    readonly ignore: readonly CompiledRule[];
    readonly rotations: readonly RotationRule[];
}

export const NO_RULES: DriftRules = { ignore: [], rotations: [] };

/** The rules of the parsed YAML document `doc` of `file`; a malformed rule is an InputError naming the entry. */
export function readDriftRules(doc: unknown, file: string): DriftRules {
    if (doc === null || doc === undefined) return NO_RULES;
    if (typeof doc !== "object" || Array.isArray(doc))
        throw new InputError(`${file}: the document must be a mapping with \`ignore:\` and/or \`rotations:\` lists`);
    for (const key of Object.keys(doc)) {
        if (key !== "ignore" && key !== "rotations")
            throw new InputError(`${file}: key '${key}' is not known (only \`ignore\` and \`rotations\`)`);
    }
    const { ignore, rotations } = doc as { ignore?: unknown; rotations?: unknown };
    return { ignore: readIgnoreRules(ignore, file), rotations: readRotationRules(rotations, file) };
}

/** The `ignore:` list; malformed rules are an InputError naming the entry. */
function readIgnoreRules(list: unknown, file: string): CompiledRule[] {
    return readRuleList(list, file, "ignore", ["type", "urn", "path", "reason"], ({ fail, text }) => {
        const type = text("type", false);
        const urn = text("urn", false);
        if (type === undefined && urn === undefined)
            fail(undefined, "must name the resources it covers with `type` and/or `urn`");
        const path = text("path", true);
        const reason = text("reason", true);
        const pattern = parsePropertyPath(path);
        if (pattern === undefined) fail("path", `'${path}' is not a property path (e.g. tags["owner"], a.b[0])`);
        const typeRe = type === undefined ? undefined : glob(type);
        const urnRe = urn === undefined ? undefined : glob(urn);
        return {
            type,
            urn,
            path,
            reason,
            matches(t: string, u: string, segments: readonly PathSegment[]): boolean {
                if (typeRe && !typeRe.test(t)) return false;
                if (urnRe && !urnRe.test(u)) return false;
                const p = pattern as PathSegment[];
                return p.length <= segments.length && p.every((s, k) => s === "*" || s === segments[k]);
            },
        };
    });
}

/**
 * Rotation rules (`rotations:` in drift-ignore.yaml): a resource the program renames on a schedule, such as the
 * Grafana provisioning token named for the 15-day window the program runs in. A preview in a later window than the
 * last `pulumi up` plans to replace it: that is the rotation falling due, not a change in the cloud. The report files
 * such a replacement under "Rotation due" instead of drift, never silently: it is the one change a rule may take out
 * of the drift count although it forces a replacement, and only when everything about it is the rotation.
 *
 * A rule names one resource exactly (`type` and `name`, as the program registers them), the input holding the
 * rotating name (`path`), the name's `pattern` with one `{date}` (YYYY-MM-DD, UTC), the inputs that must be equal
 * and known on both sides (`unchanged`) and the `reason`.
 */
import { parsePropertyPath, PathSegment } from "./property-path";
import { readRuleList } from "./rule-list";

export interface RotationRule {
    readonly type: string;
    readonly name: string;
    readonly path: string;
    readonly segments: readonly PathSegment[];
    readonly pattern: string;
    readonly unchanged: readonly string[];
    readonly reason: string;
    /**
     * Whether `from` → `to` moves to a later date; false for anything else (not both plain strings of the pattern,
     * not real dates, the same or an earlier date).
     */
    rotates(from: unknown, to: unknown): boolean;
}

const DATE = "{date}";
const RULE_KEYS = ["type", "name", "path", "pattern", "unchanged", "reason"];

/** The calendar date `text` (YYYY-MM-DD) names, or undefined when it names none (2026-02-30). */
function isoDate(text: string): string | undefined {
    const time = Date.parse(`${text}T00:00:00Z`);
    return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === text ? text : undefined;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The `rotations:` list of the parsed drift-ignore document; a malformed rule is an InputError naming it. */
export function readRotationRules(list: unknown, file: string): RotationRule[] {
    return readRuleList(list, file, "rotations", RULE_KEYS, ({ raw, fail, text }) => {
        const type = text("type", true);
        // One resource, named exactly: a rotation forces a replacement, so no rule may cover more than it means to.
        if (type.includes("*")) fail("type", `'${type}' must be one type token, without \`*\``);
        const name = text("name", true);
        if (name.includes("*") || name.includes("::"))
            fail("name", `'${name}' must be the resource's name as the program registers it, without \`*\``);
        const path = text("path", true);
        const segments = parsePropertyPath(path);
        if (segments === undefined || segments.includes("*"))
            return fail("path", `'${path}' is not a property path without \`*\` (e.g. name, tags["Name"])`);
        const pattern = text("pattern", true);
        if (pattern.split(DATE).length !== 2)
            fail("pattern", `'${pattern}' must hold ${DATE} (YYYY-MM-DD) exactly once, e.g. pulumi-${DATE}`);
        const unchanged = raw.unchanged ?? [];
        if (!Array.isArray(unchanged) || unchanged.some((k) => typeof k !== "string" || k.trim() === ""))
            fail("unchanged", "must be a list of input names (e.g. [secondsToLive])");
        if ((unchanged as string[]).includes(String(segments[0])))
            fail("unchanged", `must not name the rotating input '${String(segments[0])}'`);
        const reason = text("reason", true);

        const [head, tail] = pattern.split(DATE);
        const re = new RegExp(`^${escape(head)}(\\d{4}-\\d{2}-\\d{2})${escape(tail)}$`);
        const dateOf = (value: unknown): string | undefined => {
            const m = typeof value === "string" ? re.exec(value) : null;
            return m ? isoDate(m[1]) : undefined;
        };
        return {
            type,
            name,
            path,
            segments,
            pattern,
            unchanged: unchanged as string[],
            reason,
            rotates(from: unknown, to: unknown) {
                const a = dateOf(from);
                const b = dateOf(to);
                return a !== undefined && b !== undefined && a < b;
            },
        };
    });
}

/**
 * Pulumi property paths as detailed diffs print them: `a.b`, `[0]` for array elements, `["key"]` for keys that are
 * not plain identifiers (`tags["map-migrated"]`), and `*` for any one element in an ignore rule.
 */

export type PathSegment = string | number;

/** The segments of `path`, or undefined when it is not a property path (the caller then treats it as one key). */
export function parsePropertyPath(path: string): PathSegment[] | undefined {
    const segments: PathSegment[] = [];
    let i = 0;
    while (i < path.length) {
        if (path[i] === "[") {
            const index = /^\[(\d+|\*)\]/.exec(path.slice(i));
            if (index) {
                segments.push(index[1] === "*" ? "*" : Number(index[1]));
                i += index[0].length;
            } else {
                const quoted = /^\["((?:[^"\\]|\\.)*)"\]/.exec(path.slice(i));
                if (!quoted) return undefined;
                segments.push(JSON.parse(`"${quoted[1]}"`) as string);
                i += quoted[0].length;
            }
        } else {
            if (segments.length > 0) {
                if (path[i] !== ".") return undefined;
                i++;
            }
            const key = /^[^.[\]]+/.exec(path.slice(i));
            if (!key) return undefined;
            segments.push(key[0]);
            i += key[0].length;
        }
    }
    return segments.length > 0 ? segments : undefined;
}

export const ABSENT: unique symbol = Symbol("absent");
export const SECRET = "[secret]";

/** Pulumi's secret signature: a serialized secret the CLI did not mask. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export function isSecret(value: unknown): boolean {
    return value === SECRET || (typeof value === "object" && value !== null && SECRET_SIG in value);
}

/** The value at `segments` below `root`; a secret anywhere on the way makes the whole value a secret. */
export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
    let value: unknown = root;
    for (const segment of segments) {
        if (isSecret(value)) return SECRET;
        if (Array.isArray(value) && typeof segment === "number")
            value = segment < value.length ? value[segment] : ABSENT;
        else if (typeof value === "object" && value !== null && !Array.isArray(value) && String(segment) in value) {
            value = (value as Record<string, unknown>)[String(segment)];
        } else return ABSENT;
    }
    return value;
}

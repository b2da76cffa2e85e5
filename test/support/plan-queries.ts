/**
 * Reading a captured plan in tests: the resources of one type, exactly one of them, a JSON-document input. Each takes
 * a plan (anything with `resources`) or a resource list.
 */
import type { CapturedResource } from "../../tools/plan/capture";

type Captured = readonly CapturedResource[] | { readonly resources: readonly CapturedResource[] };

const resourcesOf = (from: Captured): readonly CapturedResource[] => ("resources" in from ? from.resources : from);

/** Every captured resource of a Pulumi type token (`aws:iam/role:Role`), in registration order. */
export function ofType(from: Captured, type: string): CapturedResource[] {
    return resourcesOf(from).filter((r) => r.type === type);
}

/** The one resource of `type` (and logical `name`, if given); throws naming the type when there are none or several. */
export function one(from: Captured, type: string, name?: string): CapturedResource {
    const found = ofType(from, type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1)
        throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    return found[0];
}

/** The parsed JSON of a string input (IAM documents). */
export function jsonInput<T = Record<string, unknown>>(r: CapturedResource, key: string): T {
    return JSON.parse(String(r.inputs[key])) as T;
}

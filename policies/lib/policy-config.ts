/**
 * A policy's config as the engine hands it over, refusing properties the policy does not declare. The engine
 * validates a config against the policy's schema, but the schema @pulumi/policy sends it carries only `properties`
 * and `required` (no `additionalProperties`), so a misspelt `exemptPool` would pass and exempt nothing. The pack
 * fails closed instead: the first validation that reads the config throws, and the engine stops the run with it.
 * @internal
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import { isRecord } from "./values";

/** One line per property `config` holds that `schema` does not declare, naming the closest declared one. */
export function unknownConfigProperties(
    policy: string,
    schema: PolicyConfigSchema | undefined,
    config: unknown,
): string[] {
    if (!isRecord(config)) return [];
    const known = Object.keys(schema?.properties ?? {});
    return Object.keys(config)
        .filter((key) => key !== "enforcementLevel" && !known.includes(key))
        .map((key) => {
            const near = nearest(key, known);
            return (
                `${policy}: "${key}" is not a config property of this policy; ` +
                `${near ? `did you mean "${near}"? ` : ""}(properties: ${known.join(", ") || "none"})`
            );
        });
}

/** Reads a string-list config property; the engine has already applied the schema default and validated it. */
export function configList(
    policy: { readonly name: string; readonly configSchema?: PolicyConfigSchema },
    config: unknown,
    key: string,
): readonly string[] {
    const unknown = unknownConfigProperties(policy.name, policy.configSchema, config);
    if (unknown.length > 0) throw new Error(unknown[0]);
    const value = isRecord(config) ? config[key] : undefined;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The declared name sharing the longest prefix with `name` (at least half of it, case-insensitive). */
function nearest(name: string, known: readonly string[]): string | undefined {
    const lower = name.toLowerCase();
    let best: { name: string; shared: number } | undefined;
    for (const candidate of known) {
        const other = candidate.toLowerCase();
        let shared = 0;
        while (shared < Math.min(lower.length, other.length) && lower[shared] === other[shared]) shared++;
        if (shared * 2 >= Math.max(lower.length, other.length) && (!best || shared > best.shared))
            best = { name: candidate, shared };
    }
    return best?.name;
}

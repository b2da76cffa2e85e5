/**
 * Policy-pack config exactly as `pulumi preview --policy-pack-config <file>` reads it: `{"all": <level>,
 * "<policy>": <level> | {"enforcementLevel"?: <level>, …properties}}`. Resolution follows the engine
 * (pulumi/pulumi pkg/resource/analyzer/config.go ReconcilePolicyPackConfig): start from each policy's own level
 * (else the pack's) and its schema defaults, apply "all", then per-policy entries, then validate the properties
 * against the policy's configSchema. The engine ignores entries naming no policy; here they also yield a warning.
 */
import { EnforcementLevel, Policies, PolicyConfigSchema } from "@pulumi/policy";
import { unknownConfigProperties } from "../../policies/lib/policy-config";
import { InputError, isRecord } from "../cli";

export interface ResolvedPolicyConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Readonly<Record<string, unknown>>;
}

export interface ResolvedPackConfig {
    readonly policies: ReadonlyMap<string, ResolvedPolicyConfig>;
    readonly warnings: readonly string[];
}

interface GivenConfig {
    readonly enforcementLevel: EnforcementLevel | undefined;
    readonly properties: Readonly<Record<string, unknown>>;
}

const LEVELS: ReadonlySet<string> = new Set(["advisory", "mandatory", "remediate", "disabled"]);

function level(value: unknown, key: string): EnforcementLevel {
    if (typeof value !== "string")
        throw new InputError(
            `policy config: parsing enforcement level for "${key}": ${JSON.stringify(value)} is not a valid enforcement level; must be a string`,
        );
    if (!LEVELS.has(value))
        throw new InputError(
            `policy config: parsing enforcement level for "${key}": "${value}" is not a valid enforcement level (advisory, mandatory, remediate, disabled)`,
        );
    return value as EnforcementLevel;
}

/** Parses the file's JSON value (already JSON.parse'd). `undefined` means no config file. */
export function parsePolicyConfig(json: unknown): Map<string, GivenConfig> {
    const given = new Map<string, GivenConfig>();
    if (json === undefined || json === null) return given;
    if (!isRecord(json))
        throw new InputError(
            'policy config must be a JSON object mapping policy names (or "all") to an enforcement level or an object',
        );
    for (const [key, value] of Object.entries(json)) {
        if (typeof value === "string") {
            given.set(key, { enforcementLevel: level(value, key), properties: {} });
        } else if (isRecord(value)) {
            const { enforcementLevel, ...properties } = value;
            given.set(key, {
                enforcementLevel: enforcementLevel === undefined ? undefined : level(enforcementLevel, key),
                properties,
            });
        } else {
            throw new InputError(
                `policy config: parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`,
            );
        }
    }
    return given;
}

/** Resolves the effective level and properties of every policy; throws InputError on schema errors. */
export function resolvePolicyConfig(
    policies: Policies,
    packLevel: EnforcementLevel,
    json: unknown,
    packLabel: string,
): ResolvedPackConfig {
    const given = parsePolicyConfig(json);
    const all = given.get("all")?.enforcementLevel;
    const resolved = new Map<string, ResolvedPolicyConfig>();
    const errors: string[] = [];
    // Checked before the schema, and alone: the engine lets them through and the pack then stops the run with
    // exactly this line (policies/lib/policy-config.ts).
    const unknown = policies.flatMap((policy) =>
        unknownConfigProperties(policy.name, policy.configSchema, given.get(policy.name)?.properties),
    );
    if (unknown.length > 0) throw new InputError(`policy config: ${unknown[0]}`);
    for (const policy of policies) {
        const own = given.get(policy.name);
        const properties = { ...schemaDefaults(policy.configSchema), ...(own?.properties ?? {}) };
        const enforcementLevel = own?.enforcementLevel ?? all ?? policy.enforcementLevel ?? packLevel;
        errors.push(...configErrors(properties, policy.configSchema).map((e) => `${policy.name}: ${e}`));
        resolved.set(policy.name, { enforcementLevel, properties });
    }
    if (errors.length > 0) throw new InputError(`validating policy config: ${packLabel}  ${errors.join("; ")}`);
    const names = new Set(policies.map((p) => p.name));
    const warnings = [...given.keys()]
        .filter((key) => key !== "all" && !names.has(key))
        .map(
            (key) =>
                `policy config entry "${key}" names no policy of ${packLabel} and is ignored (policies: ${[...names].join(", ")})`,
        );
    return { policies: resolved, warnings };
}

function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema?.properties ?? {})) {
        if (isRecord(property) && "default" in property) defaults[key] = structuredClone(property.default);
    }
    return defaults;
}

/** The subset of JSON Schema the pack's schemas use (type, items, enum, properties, required). */
function configErrors(properties: Record<string, unknown>, schema: PolicyConfigSchema | undefined): string[] {
    if (!schema) return [];
    const errors = (schema.required ?? []).filter((key) => !(key in properties)).map((key) => `${key} is required`);
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (key in properties) errors.push(...valueErrors(properties[key], property, key));
    }
    return errors;
}

function valueErrors(value: unknown, schema: unknown, path: string): string[] {
    if (!isRecord(schema)) return [];
    const expected =
        typeof schema.type === "string" ? [schema.type] : Array.isArray(schema.type) ? schema.type.map(String) : [];
    const actual = jsonType(value);
    if (expected.length > 0 && !expected.some((t) => t === actual || (t === "number" && actual === "integer"))) {
        return [`${path}: Invalid type. Expected: ${expected.join(", ")}, given: ${actual}`];
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
        return [`${path} must be one of the following: ${schema.enum.map((o) => JSON.stringify(o)).join(", ")}`];
    }
    if (Array.isArray(value))
        return value.flatMap((item: unknown, i) => valueErrors(item, schema.items, `${path}.${i}`));
    if (isRecord(value) && isRecord(schema.properties)) {
        return Object.entries(schema.properties).flatMap(([k, s]) =>
            k in value ? valueErrors(value[k], s, `${path}.${k}`) : [],
        );
    }
    return [];
}

function jsonType(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

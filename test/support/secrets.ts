/**
 * Captured inputs hold Pulumi's secret wrappers (`{<sig key>: <secret sig>, value}`); the API server gets the values.
 */
import { SECRET_SIG, SPECIAL_SIG_KEY } from "../../tools/stack-export";

/** `value` with every secret wrapper replaced by what it wraps. */
export function withoutSecretWrappers(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutSecretWrappers);
    if (typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    if (record[SPECIAL_SIG_KEY] === SECRET_SIG) return withoutSecretWrappers(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withoutSecretWrappers(v)]));
}

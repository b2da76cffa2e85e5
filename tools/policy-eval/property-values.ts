/**
 * Converts property values as `pulumi stack export` writes them into the form the engine sends analyzers over
 * gRPC, which is what `@pulumi/policy`'s deserializer expects:
 * - secrets: `{sig, plaintext: "<JSON>"}` (export --show-secrets) become their value, as the engine decrypts
 *   them; `{sig, ciphertext}` cannot be read offline and become the unknown sentinel, so a policy that needs one
 *   reports "not evaluated" instead of passing;
 * - resource references become the referenced resource's id (custom resources) or URN, as the engine marshals
 *   them for analyzers that do not accept references (the policy deserializer throws on the signature);
 * - output values become their value, or the unknown sentinel when not known;
 * - assets and archives are kept; malformed ones become the unknown asset/archive sentinel.
 */
import { unknownArchiveValue, unknownAssetValue, unknownObjectValue } from "../../policies/lib/sdk";
import { isRecord } from "../cli";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

export type AnalyzerValue = null | boolean | number | string | AnalyzerValue[] | { [key: string]: AnalyzerValue };

export interface ConversionNotes {
    /** Set when an encrypted secret was replaced by the unknown sentinel. */
    encryptedSecrets: boolean;
}

export function toAnalyzerProperties(
    props: Record<string, unknown>,
    notes: ConversionNotes,
): Record<string, AnalyzerValue> {
    // Most state is plain JSON already; the analyzer's deserializer copies it anyway, so only rebuild when needed.
    if (isPlainJson(props)) return props as Record<string, AnalyzerValue>;
    const result: Record<string, AnalyzerValue> = {};
    for (const [key, value] of Object.entries(props)) {
        if (value !== undefined) result[key] = toAnalyzerValue(value, notes);
    }
    return result;
}

export function toAnalyzerValue(value: unknown, notes: ConversionNotes): AnalyzerValue {
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return Number.isFinite(value) ? value : null;
    if (Array.isArray(value))
        return value.map((item: unknown) => (item === undefined ? null : toAnalyzerValue(item, notes)));
    if (!isRecord(value)) return null;
    const sig = value[SIG_KEY];
    if (sig === undefined) return toAnalyzerProperties(value, notes);
    switch (sig) {
        case SECRET_SIG:
            return secretValue(value, notes);
        case RESOURCE_REF_SIG:
            return typeof value.id === "string" && value.id !== ""
                ? value.id
                : typeof value.urn === "string"
                  ? value.urn
                  : unknownObjectValue;
        case OUTPUT_VALUE_SIG:
            return "value" in value && value.value !== undefined
                ? toAnalyzerValue(value.value, notes)
                : unknownObjectValue;
        case ASSET_SIG:
            return ["path", "text", "uri"].some((k) => typeof value[k] === "string" && value[k] !== "")
                ? plainCopy(value)
                : unknownAssetValue;
        case ARCHIVE_SIG:
            return ["assets", "path", "uri"].some((k) => value[k] !== undefined && value[k] !== "")
                ? plainCopy(value)
                : unknownArchiveValue;
        default:
            return unknownObjectValue;
    }
}

function secretValue(value: Record<string, unknown>, notes: ConversionNotes): AnalyzerValue {
    if (typeof value.plaintext === "string") {
        try {
            return toAnalyzerValue(JSON.parse(value.plaintext), notes);
        } catch {
            return value.plaintext;
        }
    }
    if ("value" in value) return toAnalyzerValue(value.value, notes);
    notes.encryptedSecrets = true;
    return unknownObjectValue;
}

function plainCopy(value: Record<string, unknown>): AnalyzerValue {
    return JSON.parse(JSON.stringify(value)) as AnalyzerValue;
}

/** True when `value` holds no signature object, undefined or non-finite number (nothing to convert). */
function isPlainJson(value: unknown): boolean {
    if (value === null || typeof value === "string" || typeof value === "boolean") return true;
    if (typeof value === "number") return Number.isFinite(value);
    if (Array.isArray(value)) return value.every(isPlainJson);
    if (!isRecord(value) || SIG_KEY in value) return false;
    for (const key in value) {
        if (!isPlainJson(value[key])) return false;
    }
    return true;
}

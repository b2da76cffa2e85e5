/**
 * Writes captured registrations in the format of `pulumi stack export --show-secrets`, so the offline plan feeds
 * the same tools a real stack's state does (the policy check, `pulumi stack import`, jq scripts).
 */
import type { CapturedResource, Json } from "./capture";

/** Signatures Pulumi uses inside serialized property values. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** One resource of a stack export; `Props` is looser for fixtures tests build by hand. */
export interface ExportedResource<Props = Record<string, Json>> {
    urn: string;
    custom: boolean;
    id: string;
    type: string;
    inputs: Props;
    outputs: Props;
    parent: string;
    protect: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    provider: string;
}

export interface StackExport {
    version: 3;
    deployment: {
        manifest: { time: string; magic: string; version: string };
        resources: ExportedResource[];
    };
}

export function toStackExport(resources: readonly CapturedResource[], time = new Date()): StackExport {
    return {
        version: 3,
        deployment: {
            manifest: { time: time.toISOString(), magic: "", version: "offline-plan" },
            resources: resources.map((r) => ({
                urn: r.urn,
                custom: r.custom,
                id: r.id ?? "",
                type: r.type,
                inputs: exportSecrets(r.serializedInputs) as Record<string, Json>,
                outputs: exportSecrets(r.outputs) as Record<string, Json>,
                parent: r.parent ?? "",
                protect: r.protect,
                dependencies: r.dependencies,
                propertyDependencies: r.propertyDependencies,
                provider: r.provider ?? "",
            })),
        },
    };
}

/** Secrets are exported as `{sig, plaintext: <JSON text>}`, as `pulumi stack export --show-secrets` writes them. */
function exportSecrets(value: Json): Json {
    if (Array.isArray(value)) return value.map(exportSecrets);
    if (value === null || typeof value !== "object") return value;
    if (value[SPECIAL_SIG_KEY] === SECRET_SIG) {
        return { [SPECIAL_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value.value ?? null) };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exportSecrets(v)]));
}

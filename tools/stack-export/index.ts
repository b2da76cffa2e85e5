/**
 * The `pulumi stack export` format (checkpoint version 3) in one place: its type, the writer the offline plan uses
 * (`--show-secrets` style, so the plan feeds the same tools a real stack's state does: the policy check,
 * `pulumi stack import`, jq scripts) and the validating reader the policy check uses on files users give it.
 */
import { InputError, isRecord } from "../cli";

/** JSON as the engine stores it: secrets and resource references keep their signature objects. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a stack export records of one registration (the offline plan's capture has these and more). */
export interface RegisteredResource {
    urn: string;
    type: string;
    custom: boolean;
    id?: string;
    parent?: string;
    provider?: string;
    protect: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Engine-serialized inputs (secrets and resource references as signature objects). */
    serializedInputs: Record<string, Json>;
    /** Engine-serialized outputs. */
    outputs: Record<string, Json>;
}

/** Signatures Pulumi uses inside serialized property values. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** One resource of a stack export; `Props` is looser for exports built by hand (tests, the bench generator). */
export interface ExportedResource<Props = Record<string, unknown>> {
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
    /** Omitted by `pulumi stack export` when empty. */
    additionalSecretOutputs?: string[];
    /** Omitted by `pulumi stack export` when empty. */
    aliases?: string[];
    /** Pending deletion, as `pulumi stack export` marks the old half of a replacement. */
    delete?: boolean;
}

export interface StackExport<Props = Record<string, Json>> {
    version: 3;
    deployment: {
        manifest: { time: string; magic: string; version: string };
        resources: ExportedResource<Props>[];
    };
}

/** A resource as the reader returns it: validated, optional lists present, `delete` as `pendingDelete`. */
export interface ValidatedResource extends Readonly<Required<Omit<ExportedResource, "delete">>> {
    /** Pending deletion: not part of the stack the engine analyzes. */
    readonly pendingDelete: boolean;
}

export function toStackExport(resources: readonly RegisteredResource[], time = new Date()): StackExport {
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

/**
 * Validates a parsed export (versions 1 and 2 share the fields used here) and returns its resources in state
 * order; shape errors are InputErrors with a one-line message naming the field.
 */
export function readStackExport(json: unknown): ValidatedResource[] {
    if (!isRecord(json)) throw new InputError('the stack export must be a JSON object with a "deployment"');
    if (json.version !== undefined && ![1, 2, 3].includes(json.version as number)) {
        throw new InputError(`unsupported stack export version ${JSON.stringify(json.version)} (expected 3)`);
    }
    const deployment = json.deployment;
    if (!isRecord(deployment)) throw new InputError('the stack export has no "deployment" object');
    const resources = deployment.resources ?? [];
    if (!Array.isArray(resources)) throw new InputError("deployment.resources must be a list");
    return resources.map((raw: unknown, i) => readResource(raw, `deployment.resources[${i}]`));
}

function readResource(raw: unknown, at: string): ValidatedResource {
    if (!isRecord(raw)) throw new InputError(`${at} must be an object`);
    if (typeof raw.urn !== "string" || !raw.urn.startsWith("urn:pulumi:")) {
        throw new InputError(`${at}.urn must be a Pulumi URN`);
    }
    if (typeof raw.type !== "string" || raw.type === "") {
        throw new InputError(`${at}.type must be a resource type token`);
    }
    const deps = propertyMap(raw.propertyDependencies, `${at}.propertyDependencies`);
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, urns] of Object.entries(deps)) {
        propertyDependencies[key] = stringList(urns, `${at}.propertyDependencies.${key}`);
    }
    return {
        urn: raw.urn,
        type: raw.type,
        custom: raw.custom === true,
        id: optionalString(raw.id, `${at}.id`),
        parent: optionalString(raw.parent, `${at}.parent`),
        provider: optionalString(raw.provider, `${at}.provider`),
        inputs: propertyMap(raw.inputs, `${at}.inputs`),
        outputs: propertyMap(raw.outputs, `${at}.outputs`),
        dependencies: stringList(raw.dependencies, `${at}.dependencies`),
        propertyDependencies,
        protect: raw.protect === true,
        additionalSecretOutputs: stringList(raw.additionalSecretOutputs, `${at}.additionalSecretOutputs`),
        aliases: Array.isArray(raw.aliases) ? raw.aliases.filter((a): a is string => typeof a === "string") : [],
        pendingDelete: raw.delete === true,
    };
}

function stringList(value: unknown, at: string): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
        throw new InputError(`${at} must be a list of strings`);
    }
    return value as string[];
}

function optionalString(value: unknown, at: string): string {
    if (value === undefined || value === null) return "";
    if (typeof value !== "string") throw new InputError(`${at} must be a string`);
    return value;
}

function propertyMap(value: unknown, at: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (!isRecord(value)) throw new InputError(`${at} must be an object`);
    return value;
}

export interface UrnParts {
    readonly stack: string;
    readonly type: string;
    readonly name: string;
}

/** `urn:pulumi:<stack>::<project>::<parent types $ type>::<name>`; the name may itself contain `::`. */
export function parseUrn(urn: string): UrnParts | undefined {
    if (!urn.startsWith("urn:pulumi:")) return undefined;
    const parts = urn.slice("urn:pulumi:".length).split("::");
    if (parts.length < 4) return undefined;
    const qualified = parts[2].split("$");
    return { stack: parts[0], type: qualified[qualified.length - 1], name: parts.slice(3).join("::") };
}

/**
 * Reads `pulumi stack export` JSON (checkpoint version 3; 1 and 2 share the fields used here):
 * `{"version":3,"deployment":{"manifest":…,"resources":[{urn,type,custom,id,parent,inputs,outputs,dependencies,
 * propertyDependencies,provider,protect,…}]}}`. Shape errors become InvalidInputError with a one-line message.
 */

/** Bad usage or unreadable input: the CLI prints the message alone and exits 2. */
export class InvalidInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InvalidInputError";
    }
}

export interface ExportedResource {
    readonly urn: string;
    readonly type: string;
    readonly custom: boolean;
    readonly id: string;
    readonly parent: string;
    readonly provider: string;
    readonly inputs: Record<string, unknown>;
    readonly outputs: Record<string, unknown>;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly protect: boolean;
    readonly additionalSecretOutputs: readonly string[];
    readonly aliases: readonly string[];
    /** Pending deletion (`delete: true`): not part of the stack the engine analyzes. */
    readonly pendingDelete: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, at: string): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw new InvalidInputError(`${at} must be a list of strings`);
    return value as string[];
}

function optionalString(value: unknown, at: string): string {
    if (value === undefined || value === null) return "";
    if (typeof value !== "string") throw new InvalidInputError(`${at} must be a string`);
    return value;
}

function propertyMap(value: unknown, at: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (!isObject(value)) throw new InvalidInputError(`${at} must be an object`);
    return value;
}

/** Validates the export and returns its resources in state order. */
export function readStackExport(json: unknown): ExportedResource[] {
    if (!isObject(json)) throw new InvalidInputError("the stack export must be a JSON object with a \"deployment\"");
    if (json.version !== undefined && ![1, 2, 3].includes(json.version as number)) {
        throw new InvalidInputError(`unsupported stack export version ${JSON.stringify(json.version)} (expected 3)`);
    }
    const deployment = json.deployment;
    if (!isObject(deployment)) throw new InvalidInputError("the stack export has no \"deployment\" object");
    const resources = deployment.resources ?? [];
    if (!Array.isArray(resources)) throw new InvalidInputError("deployment.resources must be a list");
    return resources.map((raw: unknown, i) => readResource(raw, `deployment.resources[${i}]`));
}

function readResource(raw: unknown, at: string): ExportedResource {
    if (!isObject(raw)) throw new InvalidInputError(`${at} must be an object`);
    if (typeof raw.urn !== "string" || !raw.urn.startsWith("urn:pulumi:")) throw new InvalidInputError(`${at}.urn must be a Pulumi URN`);
    if (typeof raw.type !== "string" || raw.type === "") throw new InvalidInputError(`${at}.type must be a resource type token`);
    const deps = propertyMap(raw.propertyDependencies, `${at}.propertyDependencies`);
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, urns] of Object.entries(deps)) propertyDependencies[key] = stringList(urns, `${at}.propertyDependencies.${key}`);
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

/**
 * Reads a stack's configuration the way the Pulumi CLI does before it starts the program: the stack file's
 * `config:` block, plus the defaults of keys declared in Pulumi.yaml, type-checked against those declarations.
 * The result is the map the engine hands the program (PULUMI_CONFIG): qualified key → string, JSON for lists
 * and objects.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { closestName } from "../../components/vocabulary";
import { isRecord } from "../cli";

export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

/** No stack file by that name, or one that cannot be read: bad input to a command (exit 2), not an invalid config. */
export class StackFileMissingError extends StackConfigError {
    constructor(message: string) {
        super(message);
        this.name = "StackFileMissingError";
    }
}

interface ConfigDeclaration {
    type: "string" | "integer" | "boolean" | "array";
    default?: unknown;
    items?: { type: string };
}

export interface ProjectFile {
    name: string;
    declarations: Record<string, ConfigDeclaration>;
}

export function readProject(projectDir: string): ProjectFile {
    const file = path.join(projectDir, "Pulumi.yaml");
    const doc: unknown = parseYamlFile(file);
    if (!isRecord(doc) || typeof doc.name !== "string") throw new StackConfigError(`${file}: has no project name`);
    const declarations: Record<string, ConfigDeclaration> = {};
    for (const [key, decl] of Object.entries(isRecord(doc.config) ? doc.config : {})) {
        if (isRecord(decl) && typeof decl.type === "string") declarations[key] = decl as unknown as ConfigDeclaration;
    }
    return { name: doc.name, declarations };
}

/** Stacks are the Pulumi.<name>.yaml files next to Pulumi.yaml. */
export function listStacks(projectDir: string): string[] {
    return readdirSync(projectDir)
        .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Reads Pulumi.<stack>.yaml from `stackDir` (the project folder unless tests keep their own stack files). */
export function readStackConfig(stackDir: string, project: ProjectFile, stack: string): Map<string, string> {
    const file = path.join(stackDir, `Pulumi.${stack}.yaml`);
    if (!existsSync(file)) {
        const known = listStacks(stackDir);
        throw new StackFileMissingError(
            `no stack file Pulumi.${stack}.yaml; stacks here: ${known.join(", ") || "none"}`,
        );
    }
    const doc: unknown = parseYamlFile(file) ?? {};
    if (!isRecord(doc) || (doc.config !== undefined && !isRecord(doc.config))) {
        throw new StackConfigError(`${path.basename(file)}: the config block is not a map of keys to values`);
    }
    checkTopLevelKeys(path.basename(file), doc);
    const values = doc.config ?? {};
    const raw = new Map<string, string>();
    for (const [key, value] of Object.entries(values)) {
        const qualified = key.includes(":") ? key : `${project.name}:${key}`;
        if (isRecord(value) && "secure" in value) {
            throw new StackConfigError(
                `${qualified}: is encrypted (secure:); the offline plan cannot decrypt it, set a plain test value`,
            );
        }
        raw.set(qualified, typeof value === "string" ? value : JSON.stringify(value));
    }
    for (const [key, decl] of Object.entries(project.declarations)) {
        const qualified = `${project.name}:${key}`;
        const value = values[qualified] ?? values[key];
        if (value === undefined) {
            if (decl.default !== undefined)
                raw.set(qualified, typeof decl.default === "string" ? decl.default : JSON.stringify(decl.default));
            continue;
        }
        checkDeclaredType(qualified, value, decl);
    }
    return raw;
}

/**
 * The attributes of a stack settings file (pulumi/pulumi sdk/go/common/workspace/project.go `ProjectStack`; the
 * "Stack settings file reference" lists the same). A misspelt `confg:` leaves the stack without its configuration;
 * the program only sees the configuration, never the file, so the tools that read the file refuse it.
 */
export const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"];

function checkTopLevelKeys(file: string, doc: Record<string, unknown>): void {
    const unknown = Object.keys(doc).filter((key) => !STACK_FILE_KEYS.includes(key));
    if (unknown.length === 0) return;
    const key = unknown[0];
    const near = closestName(key, STACK_FILE_KEYS);
    throw new StackConfigError(
        `${file}: "${key}" is not a stack file attribute; ${near ? `did you mean "${near}"? ` : ""}` +
            `(a stack file holds ${STACK_FILE_KEYS.join(", ")})`,
    );
}

/** The engine rejects a value that does not match its Pulumi.yaml declaration before the program runs. */
function checkDeclaredType(key: string, value: unknown, decl: ConfigDeclaration): void {
    const itemType = decl.items?.type;
    const ok = {
        string: typeof value === "string",
        integer: Number.isInteger(value) || (typeof value === "string" && /^-?\d+$/.test(value)),
        boolean: typeof value === "boolean" || value === "true" || value === "false",
        array: Array.isArray(value) && (itemType === undefined || value.every((v) => typeof v === itemType)),
    }[decl.type];
    if (!ok) {
        const expected = decl.type === "array" && itemType ? `a list of ${itemType}s` : `of type ${decl.type}`;
        throw new StackConfigError(`${key}: ${JSON.stringify(value)} must be ${expected} (declared in Pulumi.yaml)`);
    }
}

/**
 * Documents parsed from Pulumi.yaml and stack files, by path, with the text each was parsed from: a process that plans
 * or validates several stacks (the tests, preflight) reads the same files many times, and parsing Pulumi.yaml again
 * cost more than the rest of reading a stack's configuration. The file is still read each time, and parsed again when
 * its text changed.
 */
const parsedYaml = new Map<string, { text: string; doc: unknown }>();

/** The YAML document in `file`, the caller's own copy. */
function parseYamlFile(file: string): unknown {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (e) {
        throw new StackFileMissingError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    const cached = parsedYaml.get(file);
    if (cached?.text === text) return structuredClone(cached.doc);
    let doc: unknown;
    try {
        doc = parse(text);
    } catch (e) {
        const first = String((e as Error).message).split("\n")[0];
        throw new StackConfigError(`${path.basename(file)}: is not valid YAML: ${first}`);
    }
    parsedYaml.set(file, { text, doc });
    return structuredClone(doc);
}

/**
 * Command-line plumbing every offline tool shares: one usage-error type, one unreadable-input type, reading JSON and
 * YAML inputs with one-line errors, option parsing, and the process entry point that turns a command's result into
 * an exit code. A command is a plain async function of (argv, io), so tests run it in-process; `runCommand` is the
 * only place that touches `process`.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { parse as parseYaml } from "yaml";

/** Exit codes shared by every tool; a tool may add its own above these (the drift report's 3 = drift found). */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/** Bad usage: reported as one line followed by the usage text, exit 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** Input that cannot be used (missing, unreadable, malformed): reported as one line, exit 2, never a stack trace. */
export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}

/** Where a command writes; tests pass a buffer, `runCommand` the process streams. */
export interface CommandIo {
    stdout(text: string): void;
    stderr(text: string): void;
}

/** A tool: parses `argv`, writes through `io`, resolves to its exit code; throws UsageError/InputError for exit 2. */
export type Command = (argv: readonly string[], io: CommandIo) => Promise<number>;

export function readTextFile(file: string, what: string): string {
    try {
        return readFileSync(file, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(code ?? e);
        throw new InputError(`cannot read ${what} ${file}: ${reason}`);
    }
}

export function readJsonFile(file: string, what: string): unknown {
    const text = readTextFile(file, what);
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new InputError(`${what} ${file} is not valid JSON: ${firstLine(e)}`);
    }
}

/** YAML with duplicate keys refused (readers disagree on which one wins). */
export function readYamlFile(file: string, what: string): unknown {
    const text = readTextFile(file, what);
    try {
        return parseYaml(text, { uniqueKeys: true });
    } catch (e) {
        throw new InputError(`${what} ${file} is not valid YAML: ${firstLine(e)}`);
    }
}

/** `node:util` parseArgs, strict, with its errors turned into one-line UsageErrors. */
export function parseOptions<T extends NonNullable<ParseArgsConfig["options"]>>(argv: readonly string[], options: T) {
    try {
        return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
    } catch (e) {
        throw new UsageError(firstLine(e).replace(/\. To specify a positional.*$/, ""));
    }
}

/** The program's narrowing of untyped input to a JSON object, shared by every tool. */
export { isRecord } from "../../components/vocabulary";

export const POLICY_CONFIG_DIR = path.resolve(__dirname, "..", "..", "policies", "config");

/** policies/config/<stack>.json, the config `pulumi preview --policy-pack-config` gets for that stack, if it exists. */
export function stackPolicyConfigFile(stack: string): string | undefined {
    const file = path.join(POLICY_CONFIG_DIR, `${stack}.json`);
    return existsSync(file) ? file : undefined;
}

/** The first line of an error's message, for one-line reports. */
export function firstLine(e: unknown): string {
    return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/**
 * Runs a command and turns what it throws into an exit code, as the process would report it: UsageError prints the
 * message and the usage (exit 2); InputError prints the message (exit 2); anything else is an internal error,
 * reported with its stack (exit 1), since it is a bug of the tool rather than of the user's input. Never rejects;
 * tests call it in-process with a buffering `io`.
 */
export async function invokeCommand(
    name: string,
    usage: string,
    command: Command,
    argv: readonly string[],
    io: CommandIo,
): Promise<number> {
    try {
        return await command(argv, io);
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr(`${name}: error: ${e.message}\n${usage}\n`);
            return ExitCode.usage;
        }
        if (e instanceof InputError) {
            io.stderr(`${name}: error: ${e.message}\n`);
            return ExitCode.usage;
        }
        io.stderr(`${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        return ExitCode.failed;
    }
}

/**
 * Runs a command as the process (see invokeCommand). Exits only once stdout has drained, and even if a planned
 * program left handles open.
 */
export function runCommand(name: string, usage: string, command: Command): void {
    const io: CommandIo = {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
    };
    void invokeCommand(name, usage, command, process.argv.slice(2), io).then((code) => {
        process.stdout.write("", () => process.exit(code));
    });
}

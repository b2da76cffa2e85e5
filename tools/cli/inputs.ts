/** Input files of the offline CLIs: JSON documents and the per-stack policy config the pack ships. */
import * as fs from "node:fs";
import * as path from "node:path";

export const POLICY_CONFIG_DIR = path.resolve(__dirname, "..", "..", "policies", "config");

/** Input that cannot be used (missing, unreadable, not JSON): reported as one line, never a stack trace. */
export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}

export function readJsonFile(file: string, what: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new InputError(`cannot read ${what} ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(code ?? e)}`);
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new InputError(`${what} ${file} is not valid JSON: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
}

/** policies/config/<stack>.json, the config `pulumi preview --policy-pack-config` gets for that stack, if it exists. */
export function stackPolicyConfigFile(stack: string): string | undefined {
    const file = path.join(POLICY_CONFIG_DIR, `${stack}.json`);
    return fs.existsSync(file) ? file : undefined;
}

/** Minimal, strict argument parsing shared by the offline CLIs: unknown flags are usage errors, not ignored. */

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export interface FlagSpec {
    /** Flags that take a value (`--stack dev` or `--stack=dev`). */
    readonly values: readonly string[];
    /** Flags that stand alone (`--json`). */
    readonly switches: readonly string[];
}

export function parseFlags(argv: readonly string[], spec: FlagSpec): Map<string, string | true> {
    const flags = new Map<string, string | true>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const eq = arg.indexOf("=");
        const flag = eq > 0 ? arg.slice(0, eq) : arg;
        if (spec.switches.includes(flag) && eq < 0) {
            flags.set(flag, true);
        } else if (spec.values.includes(flag)) {
            const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
            if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) {
                throw new UsageError(`${flag} needs a value`);
            }
            if (flags.has(flag)) throw new UsageError(`${flag} is given twice`);
            flags.set(flag, value);
        } else {
            throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
        }
    }
    return flags;
}

/**
 * Reads raw stack configuration (the strings the Pulumi engine hands the program) into typed values,
 * collecting one line per problem instead of failing on the first.
 */

/** Raw configuration as the engine passes it: fully qualified key → string (JSON for arrays and objects). */
export type RawConfig = ReadonlyMap<string, string>;

export class ConfigReader {
    private readonly problems: string[] = [];

    constructor(
        private readonly raw: RawConfig,
        /** Namespace of the project's own keys (the project name). */
        readonly namespace: string,
    ) {}

    /** `key` qualified with the project namespace unless it already names one (`aws:region`). */
    qualify(key: string): string {
        // `tags.aws:owner` is a path inside the project's `tags` key, not a key of the `tags.aws` namespace.
        const namespaceEnd = key.search(/[:.[]/);
        return namespaceEnd >= 0 && key[namespaceEnd] === ":" ? key : `${this.namespace}:${key}`;
    }

    /** Records a problem with `key`'s value; `what` says what is wrong and what is allowed. */
    report(key: string, value: unknown, what: string): void {
        this.problems.push(`${this.qualify(key)}: ${describe(value)} ${what}`);
    }

    reportMissing(key: string, what: string): void {
        this.problems.push(`${this.qualify(key)}: is not set; ${what}`);
    }

    get errors(): readonly string[] {
        return this.problems;
    }

    has(key: string): boolean {
        return this.lookup(key) !== undefined;
    }

    private lookup(key: string): string | undefined {
        return this.raw.get(this.qualify(key));
    }

    string(key: string, hint: string): string | undefined {
        const value = this.lookup(key);
        if (value === undefined || value === "") {
            this.reportMissing(key, hint);
            return undefined;
        }
        return value;
    }

    oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
        const value = this.string(key, `set it to one of: ${allowed.join(", ")}`);
        if (value === undefined) return undefined;
        if (!(allowed as readonly string[]).includes(value)) {
            this.report(key, value, `is not allowed; use one of: ${allowed.join(", ")}`);
            return undefined;
        }
        return value as T;
    }

    integer(key: string, min: number, max: number): number | undefined {
        const text = this.string(key, `set it to a whole number from ${min} to ${max}`);
        if (text === undefined) return undefined;
        const value = Number(text);
        if (!/^-?\d+$/.test(text.trim()) || value < min || value > max) {
            this.report(key, text, `is not allowed; use a whole number from ${min} to ${max}`);
            return undefined;
        }
        return value;
    }

    boolean(key: string): boolean | undefined {
        const text = this.string(key, "set it to true or false");
        if (text === undefined) return undefined;
        if (text !== "true" && text !== "false") {
            this.report(key, text, "is not allowed; use true or false");
            return undefined;
        }
        return text === "true";
    }

    /** A JSON value (array or object) as stored by `pulumi config set --path` or a YAML stack file. */
    json(key: string, hint: string): unknown {
        const text = this.string(key, hint);
        if (text === undefined) return undefined;
        try {
            return JSON.parse(text);
        } catch {
            this.report(key, text, `is not structured config; ${hint}`);
            return undefined;
        }
    }

    stringList(key: string, hint: string, opts: { allowEmpty: boolean }): string[] | undefined {
        const value = this.json(key, hint);
        if (value === undefined) return undefined;
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
            this.report(key, value, `is not a list of strings; ${hint}`);
            return undefined;
        }
        if (!opts.allowEmpty && value.length === 0) {
            this.report(key, value, `is empty; ${hint}`);
            return undefined;
        }
        const duplicate = value.find((v, i) => value.indexOf(v) !== i);
        if (duplicate !== undefined) {
            this.report(key, value, `lists ${JSON.stringify(duplicate)} twice; list each value once`);
            return undefined;
        }
        return value as string[];
    }
}

function describe(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

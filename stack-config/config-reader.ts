/**
 * Reads raw stack configuration (the strings the Pulumi engine hands the program) into typed values,
 * collecting one line per problem instead of failing on the first.
 */

import { Cidr, parseCidr } from "../components/vocabulary";

/**
 * A check of one value: what is wrong with it and how to fix it ("is not ...; use ..."), or undefined when it is
 * fine. Sections write each check once, as one of these, and run it through `ConfigReader.check`.
 */
export type Check<T> = (value: T) => string | undefined;

/** A check that a string matches `pattern`, failing with `what`. */
export function matches(pattern: RegExp, what: string): Check<string> {
    return (value) => (pattern.test(value) ? undefined : what);
}

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

    /**
     * Runs `check` on `value` and reports the problem it finds under `key`. True when the value passed; an absent
     * value (already reported as missing, or not applicable) is not checked and counts as not passed.
     */
    check<T>(key: string, value: T | undefined, check: Check<T>): boolean {
        if (value === undefined) return false;
        const problem = check(value);
        if (problem !== undefined) this.report(key, value, problem);
        return problem === undefined;
    }

    /** Checks every value of a list, reporting each one that fails; true when all passed. */
    checkEach<T>(key: string, values: readonly T[] | undefined, check: Check<T>): boolean {
        if (values === undefined) return false;
        return values.map((v) => this.check(key, v, check)).every(Boolean);
    }

    /** Checks a list up to its first failing value, which alone is reported; true when all passed. */
    checkFirst<T>(key: string, values: readonly T[] | undefined, check: Check<T>): boolean {
        return values !== undefined && values.every((v) => this.check(key, v, check));
    }

    /** Records a key that should not be there at all; its value is not shown (it may be a secret). */
    reportUnknown(key: string, what: string): void {
        this.problems.push(`${this.qualify(key)}: ${what}`);
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

    /** A string that may be left unset: absent and "" both read as undefined. */
    optionalString(key: string): string | undefined {
        const value = this.lookup(key);
        return value === undefined || value === "" ? undefined : value;
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

    /** An IPv4 CIDR block whose prefix length lies in `range`. */
    cidr(key: string, range: { minPrefix: number; maxPrefix: number }): Cidr | undefined {
        const text = this.string(key, `set it to an IPv4 CIDR block from /${range.minPrefix} to /${range.maxPrefix}`);
        if (text === undefined) return undefined;
        const cidr = parseCidr(text);
        if (typeof cidr === "string") {
            this.report(key, text, cidr);
            return undefined;
        }
        if (cidr.prefixLength < range.minPrefix || cidr.prefixLength > range.maxPrefix) {
            this.report(
                key,
                text,
                `is not allowed; use a prefix length from /${range.minPrefix} to /${range.maxPrefix}`,
            );
            return undefined;
        }
        return cidr;
    }

    stringList(key: string, hint: string, opts: { allowEmpty: boolean }): string[] | undefined {
        const value = this.json(key, hint);
        if (value === undefined) return undefined;
        if (!isStringList(value)) {
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
        return value;
    }
}

function describe(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function isStringList(value: unknown): value is string[] {
    return Array.isArray(value) && value.every((v) => typeof v === "string");
}

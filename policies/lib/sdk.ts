/**
 * Typed access to the parts of `@pulumi/policy` 1.21.0 that exist at runtime but are stripped from its typings
 * (`@internal` in `proxy.ts`): the unknown-value sentinels and `UnknownValueError`. The package's `index.d.ts`
 * re-exports `UnknownValueError` from a `proxy.d.ts` that declares nothing, so importing it from
 * "@pulumi/policy" type-checks only because `skipLibCheck` hides the broken re-export, and it arrives untyped.
 * The versions are pinned exactly (policies/package.json), and test/policies/sdk.test.ts fails loudly if these
 * exports move.
 * @internal
 */

export interface UnknownValueErrorLike extends Error {
    /** Property path from the resource's props to the unknown value, e.g. `["spec", "containers"]`. */
    readonly props: PropertyKey[];
}

type UnknownValueErrorClass = new (sentinel: string, props: PropertyKey[]) => UnknownValueErrorLike;

interface PolicyProxyModule {
    readonly UnknownValueError: UnknownValueErrorClass;
    readonly unknownCheckingProxy: <T extends object>(value: T) => T;
    readonly unknownBooleanValue: string;
    readonly unknownNumberValue: string;
    readonly unknownStringValue: string;
    readonly unknownArrayValue: string;
    readonly unknownAssetValue: string;
    readonly unknownArchiveValue: string;
    readonly unknownObjectValue: string;
    readonly getSpecialProxyTarget: string;
}

// A CommonJS require keeps this module loadable by the Pulumi CLI's ts-node as well as by tsx and mocha.
const proxyModule = require("@pulumi/policy/proxy") as PolicyProxyModule;

export const UnknownValueError: UnknownValueErrorClass = proxyModule.UnknownValueError;
export const unknownCheckingProxy = proxyModule.unknownCheckingProxy;

/** The sentinels the engine puts where a value is not known during preview. */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    proxyModule.unknownBooleanValue,
    proxyModule.unknownNumberValue,
    proxyModule.unknownStringValue,
    proxyModule.unknownArrayValue,
    proxyModule.unknownAssetValue,
    proxyModule.unknownArchiveValue,
    proxyModule.unknownObjectValue,
]);

export const unknownStringValue = proxyModule.unknownStringValue;
export const unknownBooleanValue = proxyModule.unknownBooleanValue;
export const unknownNumberValue = proxyModule.unknownNumberValue;
export const unknownArrayValue = proxyModule.unknownArrayValue;
export const unknownObjectValue = proxyModule.unknownObjectValue;
export const unknownAssetValue = proxyModule.unknownAssetValue;
export const unknownArchiveValue = proxyModule.unknownArchiveValue;

/**
 * The object behind the SDK's unknown-checking proxy. Needed only to await an asset's `text` promise: calling
 * `then` through the proxy fails V8's receiver check ("Promise.prototype.then called on incompatible receiver").
 */
export function proxyTarget(value: unknown): unknown {
    if (typeof value !== "object" || value === null) return value;
    return (value as Record<string, unknown>)[proxyModule.getSpecialProxyTarget] ?? value;
}

export function isUnknownValueError(e: unknown): e is UnknownValueErrorLike {
    return e instanceof proxyModule.UnknownValueError;
}

/**
 * Raised when a policy cannot judge a resource at all (not only during preview): a helm.v3.Release renders its
 * workloads inside the provider, or an unknown value could not be resolved through the stack graph. It extends
 * the SDK's UnknownValueError on purpose: the analyzer turns that error into an *advisory* "can't run policy …"
 * diagnostic instead of a pass, which is the only visible, non-blocking outcome the engine offers a policy.
 */
export class NotEvaluableError extends proxyModule.UnknownValueError {
    /**
     * `message` says what was not checked and how to make it checkable; `coverage`, when the engine run does not
     * simply resolve the value at `pulumi up`, says what (if anything) covers it there. The offline check splits
     * the two at ENGINE_COVERAGE_MARK.
     */
    constructor(message: string, coverage?: string) {
        super(proxyModule.unknownObjectValue, []);
        this.message = coverage === undefined ? message : `${message}${ENGINE_COVERAGE_MARK}${coverage}`;
        this.name = "NotEvaluableError";
    }
}

/** Separates what a not-evaluated resource lacks from how the engine run covers it, in one diagnostic message. */
export const ENGINE_COVERAGE_MARK = ". Engine run: ";

/** Coverage of what nothing but the user can cover: the engine sees no more than the pack does. */
export const NOT_COVERED_BY_ENGINE = "not covered — the engine sees no more of it than this pack does";

/**
 * Throws the SDK's UnknownValueError when `value` (plain data parsed from a known string, so not proxied) holds an
 * unknown sentinel anywhere, so documents decoded from JSON/YAML text get the same treatment as proxied props.
 */
export function assertKnownDeep(value: unknown, path: PropertyKey[]): void {
    if (typeof value === "string") {
        if (UNKNOWN_SENTINELS.has(value)) throw new UnknownValueError(value, path);
        return;
    }
    if (Array.isArray(value)) {
        value.forEach((item, i) => assertKnownDeep(item, [...path, i]));
        return;
    }
    if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) assertKnownDeep(v, [...path, k]);
    }
}

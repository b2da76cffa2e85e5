/**
 * Test harness for the pack's policies, mirroring the analyzer's runtime semantics (@pulumi/policy server.js):
 * props wrapped in the SDK's unknownCheckingProxy, `notApplicable` that throws, `getConfig` returning the schema
 * defaults merged with the test's config (as the engine's ReconcilePolicyPackConfig does), stack resources linked
 * to their parent, dependencies and propertyDependencies. A run ends in one of three outcomes: evaluated (with its
 * violation messages), not applicable, or unknown (the SDK's UnknownValueError surfaced, i.e. "can't run during
 * preview") — an unknown must never read as a pass.
 */
import * as assert from "node:assert/strict";
import {
    PolicyConfigSchema,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknownValueError, unknownCheckingProxy, UnknownValueErrorLike } from "../../policies/lib/sdk";

// The sentinels come from @pulumi/policy/proxy (see policies/lib/sdk.ts for why through a typed shim).
export {
    unknownArrayValue,
    unknownBooleanValue,
    unknownNumberValue,
    unknownObjectValue,
    unknownStringValue,
} from "../../policies/lib/sdk";

export const STACK = "dev";
export const PROJECT = "spark-platform";

export function urnOf(type: string, name: string, parentType?: string): string {
    const qualified = parentType ? `${parentType}$${type}` : type;
    return `urn:pulumi:${STACK}::${PROJECT}::${qualified}::${name}`;
}

class NotApplicable extends Error {
    constructor(readonly reason: string | undefined) {
        super(reason ?? "not applicable");
    }
}

export type Outcome =
    | { readonly kind: "evaluated"; readonly violations: readonly Reported[] }
    | { readonly kind: "notApplicable"; readonly reason: string | undefined }
    | { readonly kind: "unknown"; readonly error: UnknownValueErrorLike; readonly violations: readonly Reported[] };

export interface Reported {
    readonly message: string;
    readonly urn?: string;
}

const emptyOptions: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
};

/** Schema defaults overlaid with `config`, minus enforcementLevel — what `getConfig()` returns under the engine. */
export function configFor(
    schema: PolicyConfigSchema | undefined,
    config: Record<string, unknown> = {},
): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema?.properties ?? {})) {
        if (typeof property === "object" && property !== null && "default" in property)
            defaults[key] = structuredClone(property.default);
    }
    const { enforcementLevel: _level, ...properties } = config;
    return { ...defaults, ...properties };
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

export interface ResourceSpec {
    readonly type: string;
    readonly props: Record<string, unknown>;
    readonly name?: string;
}

export function resourceArgs(
    policy: ResourceValidationPolicy,
    spec: ResourceSpec,
    config?: Record<string, unknown>,
): ResourceValidationArgs {
    const name = spec.name ?? "test-resource";
    const props = unknownCheckingProxy(structuredClone(spec.props));
    const resolved = configFor(policy.configSchema, config);
    return {
        type: spec.type,
        props,
        urn: urnOf(spec.type, name),
        name,
        opts: emptyOptions,
        stackTags: new Map(),
        isType: (cls) => (cls as { __pulumiType?: string }).__pulumiType === spec.type,
        asType: (cls) => ((cls as { __pulumiType?: string }).__pulumiType === spec.type ? props : undefined) as never,
        getConfig: <T extends object>() => structuredClone(resolved) as T,
        notApplicable,
    };
}

async function outcomeOf(run: (report: ReportViolation) => Promise<void>): Promise<Outcome> {
    const violations: Reported[] = [];
    const report: ReportViolation = (message, urn) =>
        violations.push(urn === undefined ? { message } : { message, urn });
    try {
        await run(report);
    } catch (e) {
        if (e instanceof NotApplicable) return { kind: "notApplicable", reason: e.reason };
        if (isUnknownValueError(e)) return { kind: "unknown", error: e, violations };
        throw e;
    }
    return { kind: "evaluated", violations };
}

export function runResourcePolicy(
    policy: ResourceValidationPolicy,
    spec: ResourceSpec,
    config?: Record<string, unknown>,
): Promise<Outcome> {
    const args = resourceArgs(policy, spec, config);
    const validations = policy.validateResource;
    const list = validations === undefined ? [] : Array.isArray(validations) ? validations : [validations];
    return outcomeOf(async (report) => {
        for (const validate of list) await validate(args, report);
    });
}

export interface StackResourceSpec extends ResourceSpec {
    readonly name: string;
    readonly parent?: string;
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** PolicyResources linked the way the analyzer links them (unknown URNs are dropped, as server.js does). */
export function stackArgs(
    policy: StackValidationPolicy,
    specs: readonly StackResourceSpec[],
    config?: Record<string, unknown>,
): StackValidationArgs {
    const resolved = configFor(policy.configSchema, config);
    const byUrn = new Map<string, PolicyResource>();
    const resources = specs.map((spec) => {
        const props = unknownCheckingProxy(structuredClone(spec.props));
        const resource: PolicyResource = {
            type: spec.type,
            props,
            urn: spec.parent ? urnOf(spec.type, spec.name, typeOfUrn(spec.parent)) : urnOf(spec.type, spec.name),
            name: spec.name,
            opts: emptyOptions,
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => (cls as { __pulumiType?: string }).__pulumiType === spec.type,
            asType: (cls) =>
                ((cls as { __pulumiType?: string }).__pulumiType === spec.type ? props : undefined) as never,
        };
        byUrn.set(resource.urn, resource);
        return resource;
    });
    const lookup = (urns: readonly string[] | undefined) => (urns ?? []).flatMap((u) => byUrn.get(u) ?? []);
    specs.forEach((spec, i) => {
        const resource = resources[i];
        if (spec.parent) resource.parent = byUrn.get(spec.parent);
        resource.dependencies = lookup(spec.dependencies);
        for (const [key, urns] of Object.entries(spec.propertyDependencies ?? {}))
            resource.propertyDependencies[key] = lookup(urns);
    });
    return {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => structuredClone(resolved) as T,
        notApplicable,
    };
}

function typeOfUrn(urn: string): string {
    return urn.split("::")[2];
}

export function runStackPolicy(
    policy: StackValidationPolicy,
    specs: readonly StackResourceSpec[],
    config?: Record<string, unknown>,
): Promise<Outcome> {
    const args = stackArgs(policy, specs, config);
    return outcomeOf(async (report) => policy.validateStack(args, report));
}

/** Asserts the run was evaluated and reported exactly `expected` (in order); prints everything on failure. */
export function assertViolations(outcome: Outcome, expected: readonly string[]): void {
    assert.equal(outcome.kind, "evaluated", `expected an evaluated run, got ${JSON.stringify(outcome)}`);
    if (outcome.kind !== "evaluated") return;
    assert.deepEqual(
        outcome.violations.map((v) => v.message),
        expected,
    );
}

export function assertCompliant(outcome: Outcome): void {
    assertViolations(outcome, []);
}

export function assertNotApplicable(outcome: Outcome, reason?: string): void {
    assert.equal(outcome.kind, "notApplicable", `expected notApplicable, got ${JSON.stringify(outcome)}`);
    if (outcome.kind === "notApplicable" && reason !== undefined) assert.equal(outcome.reason, reason);
}

/** Asserts the SDK's unknown-value error surfaced (the engine's "can't run policy during preview"). */
export function assertUnknown(outcome: Outcome, messagePart?: string): void {
    assert.equal(outcome.kind, "unknown", `expected the unknown value to surface, got ${JSON.stringify(outcome)}`);
    if (outcome.kind === "unknown" && messagePart !== undefined)
        assert.ok(outcome.error.message.includes(messagePart), outcome.error.message);
}

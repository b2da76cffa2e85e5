/**
 * Independent IAM evaluation with @cloud-copilot/iam-simulate, shared by every test that checks a trust or
 * permission policy the program builds. The simulator only knows the condition keys IAM documents for
 * sts:AssumeRoleWithWebIdentity, which EKS issuers are not among, so the trusted issuer is aliased to one it
 * knows (accounts.google.com) on both sides; StringEquals/StringLike semantics are unchanged
 * (policy-and-operations.md §5.2).
 */
import * as assert from "node:assert/strict";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";

const KNOWN_ISSUER = "accounts.google.com";
const DEFAULT_AUDIENCE = "sts.amazonaws.com";

export interface WebIdentityRequest {
    /** The role's trust policy, as a parsed JSON document. */
    readonly trustPolicy: unknown;
    /** OIDC provider ARN the token came through. */
    readonly providerArn: string;
    /** Issuer (no scheme) whose `sub`/`aud` keys the token carries. */
    readonly issuer: string;
    /** ARN of the role to assume; its account is the resource account. */
    readonly roleArn: string;
    /** The token's `sub` claim. */
    readonly sub: string;
    /** The token's `aud` claim. @default "sts.amazonaws.com" */
    readonly aud?: string;
    /** Issuer the trust policy names in its condition keys. @default issuer */
    readonly trustIssuer?: string;
}

export interface PermissionRequest {
    /** ARN of the principal making the request. */
    readonly principal: string;
    /** The IAM action, e.g. `es:ESHttpPost`. */
    readonly action: string;
    /** ARN of the resource the request names. */
    readonly resource: string;
    /** Account that owns the resource. */
    readonly accountId: string;
    /** Identity policies attached to the principal, by name. */
    readonly identityPolicies: Readonly<Record<string, unknown>>;
    /** The resource's own policy, if it has one. */
    readonly resourcePolicy?: unknown;
    /** Request context keys. @default {} */
    readonly context?: Readonly<Record<string, string | string[]>>;
}

/** `Allowed`, `ImplicitlyDenied` or `ExplicitlyDenied`, as IAM would decide the request. */
export type Decision = string;

function accountOf(arn: string): string {
    const account = arn.split(":")[4];
    if (!account) throw new Error(`not an ARN with an account: ${arn}`);
    return account;
}

function aliasIssuer<T>(value: T, issuer: string): T {
    return JSON.parse(JSON.stringify(value).split(`"${issuer}:`).join(`"${KNOWN_ISSUER}:`)) as T;
}

async function decide(simulation: Simulation, checkIgnoredKeys: boolean): Promise<Decision> {
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
    if (result.resultType !== "single") {
        throw new Error("the resource ARN is concrete, so the simulation must be single");
    }
    if (checkIgnoredKeys) {
        // Guard against the simulator silently dropping the keys under test.
        assert.deepEqual(result.result.ignoredContextKeys ?? [], [], "the simulator ignored condition keys");
    }
    return result.overallResult;
}

/** How IAM decides sts:AssumeRoleWithWebIdentity of `roleArn` with the given token under `trustPolicy`. */
export async function assumeWithWebIdentity(request: WebIdentityRequest): Promise<Decision> {
    const trustIssuer = request.trustIssuer ?? request.issuer;
    const context = {
        [`${request.issuer}:sub`]: request.sub,
        [`${request.issuer}:aud`]: request.aud ?? DEFAULT_AUDIENCE,
    };
    // Only the trusted issuer is aliased: a token of another issuer keeps keys the trust does not name.
    const sameIssuer = request.issuer === trustIssuer;
    return decide(
        {
            request: {
                principal: request.providerArn,
                action: "sts:AssumeRoleWithWebIdentity",
                resource: { resource: request.roleArn, accountId: accountOf(request.roleArn) },
                contextVariables: sameIssuer ? aliasIssuer(context, request.issuer) : context,
            },
            identityPolicies: [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: aliasIssuer(request.trustPolicy, trustIssuer) as Simulation["resourcePolicy"],
        },
        sameIssuer,
    );
}

/** How IAM decides a request against the principal's identity policies and the resource's own policy. */
export async function evaluatePermission(request: PermissionRequest): Promise<Decision> {
    return decide(
        {
            request: {
                action: request.action,
                principal: request.principal,
                resource: { resource: request.resource, accountId: request.accountId },
                contextVariables: { ...request.context },
            },
            identityPolicies: Object.entries(request.identityPolicies).map(([name, policy]) => ({
                name,
                policy: policy as Simulation["identityPolicies"][number]["policy"],
            })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: request.resourcePolicy as Simulation["resourcePolicy"],
        },
        true,
    );
}

/**
 * Independent IAM evaluation of a trust policy with @cloud-copilot/iam-simulate. The simulator only knows the
 * condition keys IAM documents for sts:AssumeRoleWithWebIdentity, which EKS issuers are not among, so the issuer
 * is aliased to one it knows (accounts.google.com) on both sides; StringEquals/StringLike semantics are unchanged.
 */
import * as assert from "node:assert/strict";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";

const KNOWN_ISSUER = "accounts.google.com";

export interface WebIdentityRequest {
    /** OIDC provider ARN the token came through. */
    readonly providerArn: string;
    /** Issuer (no scheme) whose `sub`/`aud` keys the token carries. */
    readonly issuer: string;
    readonly sub: string;
    readonly aud?: string;
    readonly roleArn: string;
    readonly accountId: string;
}

export async function assumeWithWebIdentity(
    trustPolicy: unknown,
    request: WebIdentityRequest,
    trustIssuer: string,
): Promise<string> {
    const aliasIssuer = <T>(value: T, issuer: string): T =>
        JSON.parse(JSON.stringify(value).split(`"${issuer}:`).join(`"${KNOWN_ISSUER}:`)) as T;
    const context = {
        [`${request.issuer}:sub`]: request.sub,
        [`${request.issuer}:aud`]: request.aud ?? "sts.amazonaws.com",
    };
    const simulation: Simulation = {
        request: {
            principal: request.providerArn,
            action: "sts:AssumeRoleWithWebIdentity",
            resource: { resource: request.roleArn, accountId: request.accountId },
            // Only the trusted issuer is aliased: a token of another issuer keeps keys the trust does not name.
            contextVariables: request.issuer === trustIssuer ? aliasIssuer(context, request.issuer) : context,
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: aliasIssuer(trustPolicy, trustIssuer) as Simulation["resourcePolicy"],
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
    if (result.resultType !== "single") throw new Error("the role ARN is concrete, so the simulation must be single");
    if (request.issuer === trustIssuer) {
        // Guard against the simulator silently dropping the keys under test.
        assert.deepEqual(result.result.ignoredContextKeys ?? [], [], "the simulator ignored condition keys");
    }
    return result.overallResult;
}

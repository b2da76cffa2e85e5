/**
 * Reads an IAM role trust policy (`aws.iam.Role.assumeRolePolicy`: a JSON string or a policy-document object)
 * and finds, per statement, what makes an OIDC/web-identity trust too broad. Element names (Statement, Effect,
 * Principal, Action, Condition, Federated…) are looked up case-insensitively so a differently-cased document cannot
 * slip past; `Statement`, `Principal` values and `Action` may each be a single value or a list.
 * @internal
 */
import { conditionEntries, pinFindings } from "./iam-conditions";
import { assertKnownDeep } from "../lib/sdk";
import { asList, isRecord, show } from "../lib/values";

export interface TrustStatement {
    /** `Statement[2]`, or `Statement` when the document holds a single statement object. */
    readonly path: string;
    readonly body: Record<string, unknown>;
}

export type ParsedTrust = { readonly statements: TrustStatement[] } | { readonly problem: string };

interface OidcPrincipal {
    readonly issuer: string;
    readonly account: string | undefined;
}

interface PrincipalSummary {
    /** Description of a wildcard principal, e.g. `"*"` or `AWS "*"`. */
    readonly wildcard: string | undefined;
    readonly oidc: readonly OidcPrincipal[];
}

export interface StatementVerdict {
    /** True when the statement grants web-identity or OIDC trust (or trusts everyone). */
    readonly relevant: boolean;
    readonly findings: readonly string[];
}

const WEB_IDENTITY_ACTION = "sts:assumerolewithwebidentity";
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):oidc-provider\/(.+)$/i;
const SAML_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\//i;

export function parseTrustDocument(raw: unknown): ParsedTrust {
    let doc: unknown = raw;
    if (typeof raw === "string") {
        try {
            doc = JSON.parse(raw);
        } catch (e) {
            return { problem: `is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
        }
        assertKnownDeep(doc, ["assumeRolePolicy"]);
    }
    if (!isRecord(doc)) return { problem: `is ${show(doc)}, not a policy document` };
    const statement = field(doc, "Statement");
    if (Array.isArray(statement)) {
        return {
            statements: statement.flatMap((body: unknown, i) => (isRecord(body) ? [{ path: `Statement[${i}]`, body }] : [])),
        };
    }
    return { statements: isRecord(statement) ? [{ path: "Statement", body: statement }] : [] };
}

/** Element lookup: exact name first, then case-insensitive. */
function field(record: Record<string, unknown>, name: string): unknown {
    if (name in record) return record[name];
    const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : record[key];
}

/** Judges one statement; `roleName` is read only when an EMR pattern has to be checked. */
export function judgeStatement(statement: TrustStatement, roleName: () => string): StatementVerdict {
    const { body, path } = statement;
    const effect = field(body, "Effect");
    if (typeof effect === "string" && effect.toLowerCase() === "deny") return { relevant: false, findings: [] };
    const notPrincipal = field(body, "NotPrincipal");
    const principals = summarizePrincipal(field(body, "Principal"));
    const actions = summarizeActions(body);
    // A wildcard action alone does not make a service- or account-trusted statement an OIDC trust (those roles
    // are out of scope); naming web identity explicitly, a Federated OIDC principal or trusting everyone does.
    const relevant = principals.wildcard !== undefined || notPrincipal !== undefined || principals.oidc.length > 0 || actions.namesWebIdentity;
    if (!relevant) return { relevant, findings: [] };

    const findings: string[] = [];
    const oidcFix = "name the cluster's OIDC provider ARN as Principal.Federated";
    if (principals.wildcard) findings.push(`${path}.Principal: ${principals.wildcard} trusts every principal; ${oidcFix}`);
    if (notPrincipal !== undefined) findings.push(`${path}.NotPrincipal in an Allow statement trusts every principal not listed; ${oidcFix}`);
    if (actions.wildcard) findings.push(`${path}.${actions.wildcard}; list sts:AssumeRoleWithWebIdentity explicitly`);
    if (principals.oidc.length === 0 && !principals.wildcard && notPrincipal === undefined) {
        findings.push(`${path}: allows sts:AssumeRoleWithWebIdentity without a Federated OIDC provider principal, so no ` +
            `issuer's sub and aud can be pinned; ${oidcFix}`);
    }
    const entries = conditionEntries(field(body, "Condition"));
    for (const principal of principals.oidc) {
        findings.push(...pinFindings(entries, { ...principal, roleName, conditionPath: `${path}.Condition` }));
    }
    return { relevant, findings };
}

function summarizePrincipal(principal: unknown): PrincipalSummary {
    if (!isRecord(principal)) {
        // Only "*" is a valid non-object Principal, but read a list or a bare ARN too rather than skip it.
        const wildcard = asList(principal).some((p) => typeof p === "string" && p.includes("*"));
        return { wildcard: wildcard ? show(principal) : undefined, oidc: [] };
    }
    let wildcard: string | undefined;
    const oidc: OidcPrincipal[] = [];
    for (const kind of Object.keys(principal)) {
        for (const value of asList(principal[kind])) {
            if (typeof value !== "string") continue;
            if (value.includes("*")) {
                wildcard ??= `${kind} ${show(value)}`;
                continue;
            }
            if (kind.toLowerCase() !== "federated" || SAML_PROVIDER_ARN.test(value)) continue;
            const arn = OIDC_PROVIDER_ARN.exec(value);
            // A bare issuer (accounts.google.com, cognito-identity.amazonaws.com…) is a web-identity principal too.
            oidc.push(arn ? { issuer: arn[2], account: arn[1] } : { issuer: value, account: undefined });
        }
    }
    return { wildcard, oidc };
}

interface ActionSummary {
    /** The statement lists sts:AssumeRoleWithWebIdentity by name (any case). */
    readonly namesWebIdentity: boolean;
    /** e.g. `Action: "sts:*" is a wildcard`, or the NotAction equivalent. */
    readonly wildcard: string | undefined;
}

function summarizeActions(body: Record<string, unknown>): ActionSummary {
    const notAction = field(body, "NotAction");
    if (notAction !== undefined) {
        return { namesWebIdentity: false, wildcard: `NotAction: ${show(notAction)} allows every action not listed` };
    }
    let namesWebIdentity = false;
    let wildcard: string | undefined;
    for (const action of asList(field(body, "Action"))) {
        if (typeof action !== "string") continue;
        if (action.trim().toLowerCase() === WEB_IDENTITY_ACTION) namesWebIdentity = true;
        if (/[*?]/.test(action)) wildcard ??= `Action: ${show(action)} is a wildcard`;
    }
    return { namesWebIdentity, wildcard };
}

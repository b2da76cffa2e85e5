/**
 * Reads an IAM role trust policy (`aws.iam.Role.assumeRolePolicy`: a JSON string or a policy-document object)
 * and finds, per statement, what makes an OIDC/web-identity trust too broad. Element names (Statement, Effect,
 * Principal, Action, Condition, Federated…) are looked up case-insensitively so a differently-cased document cannot
 * slip past; `Statement`, `Principal` values and `Action` may each be a single value or a list.
 * @internal
 */
import { conditionEntries, EKS_SUBJECTS, GITHUB_SUBJECTS, pinFindings, SubjectRules } from "./iam-conditions";
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
    /** Description of a principal value that is not a string (no reader can agree on what it names). */
    readonly malformed: string | undefined;
}

export interface StatementVerdict {
    /** True when the statement grants web-identity or OIDC trust (or trusts everyone). */
    readonly relevant: boolean;
    readonly findings: readonly string[];
}

const WEB_IDENTITY_ACTION = "sts:assumerolewithwebidentity";
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):oidc-provider\/(.+)$/i;
const SAML_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\//i;
/** An EKS cluster's OIDC issuer (also in the China and GovCloud partitions). */
const EKS_ISSUER = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[0-9A-Za-z]+$/i;
/** GitHub Actions' issuer, or a GitHub Enterprise Cloud one with its slug (token.actions.githubusercontent.com/<slug>). */
const GITHUB_ISSUER = /^token\.actions\.githubusercontent\.com(\/[A-Za-z0-9_-]+)?$/i;

/** The sub rules of a known issuer; undefined for an issuer the pack has no rules for. */
function issuerSubjects(issuer: string): SubjectRules | undefined {
    if (EKS_ISSUER.test(issuer)) return EKS_SUBJECTS;
    if (GITHUB_ISSUER.test(issuer)) return GITHUB_SUBJECTS;
    return undefined;
}

/** Reads a trust document given as JSON text or as an object; `prop` names the property for messages. */
export function parseTrustDocument(raw: unknown, prop: string): ParsedTrust {
    let doc: unknown = raw;
    if (typeof raw === "string") {
        try {
            doc = JSON.parse(raw);
        } catch (e) {
            return { problem: `is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
        }
        assertKnownDeep(doc, [prop]);
        // JSON.parse keeps the last of duplicate keys; other readers keep the first or reject the document.
        const duplicate = duplicateJsonKey(raw);
        if (duplicate)
            return { problem: `repeats the key ${show(duplicate)} in one object, which readers resolve differently` };
    }
    if (!isRecord(doc)) return { problem: `is ${show(doc)}, not a policy document` };
    const docClash = caseClash(doc, ["Statement", "Version", "Id"]);
    if (docClash) return { problem: docClash };
    const statement = field(doc, "Statement");
    if (statement === undefined) return { statements: [] };
    const list = Array.isArray(statement) ? statement : [statement];
    const statements: TrustStatement[] = [];
    for (const [i, body] of list.entries()) {
        const path = Array.isArray(statement) ? `Statement[${i}]` : "Statement";
        if (!isRecord(body)) return { problem: `${path} is ${show(body)}, not a statement object` };
        const clash = caseClash(body, STATEMENT_ELEMENTS);
        if (clash) return { problem: `${path} ${clash}` };
        statements.push({ path, body });
    }
    return { statements };
}

const STATEMENT_ELEMENTS = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/** An element written twice in different cases (`Effect` and `effect`) is read differently by different readers. */
function caseClash(record: Record<string, unknown>, names: readonly string[]): string | undefined {
    for (const name of names) {
        const spellings = Object.keys(record).filter((k) => k.toLowerCase() === name.toLowerCase());
        if (spellings.length > 1)
            return `spells the element ${name} ${spellings.length} ways (${spellings.join(", ")}), which readers resolve differently`;
    }
    return undefined;
}

/**
 * The first key that appears twice in one JSON object of `text` (already known to be valid JSON), in document order.
 * One pass over the text: a full parser (yaml's, with uniqueKeys) spent more time here than every policy together.
 */
function duplicateJsonKey(text: string): string | undefined {
    // The keys seen in each open object, innermost last; undefined for an open array.
    const open: (Set<string> | undefined)[] = [];
    let atKey = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
            let end = i + 1;
            let escaped = false;
            for (; text[end] !== '"'; end++) {
                if (text[end] === "\\") {
                    escaped = true;
                    end++;
                }
            }
            if (atKey) {
                const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
                const keys = open[open.length - 1]!;
                if (keys.has(key)) return key;
                keys.add(key);
                atKey = false;
            }
            i = end;
        } else if (c === "{") {
            open.push(new Set());
            atKey = true;
        } else if (c === "[") {
            open.push(undefined);
            atKey = false;
        } else if (c === "}" || c === "]") {
            open.pop();
            atKey = false;
        } else if (c === ",") {
            atKey = open[open.length - 1] !== undefined;
        } else if (c === ":") {
            atKey = false;
        }
    }
    return undefined;
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
    const malformed = principals.malformed ?? actions.malformed;
    const relevant =
        principals.wildcard !== undefined ||
        notPrincipal !== undefined ||
        principals.oidc.length > 0 ||
        actions.namesWebIdentity ||
        malformed !== undefined;
    if (!relevant) return { relevant, findings: [] };

    const findings: string[] = [];
    if (malformed)
        findings.push(
            `${path}.${malformed} — a value that is not a string cannot be shown to name anything narrower than everyone; write it as a string`,
        );
    const oidcFix = "name the cluster's OIDC provider ARN as Principal.Federated";
    if (principals.wildcard)
        findings.push(`${path}.Principal: ${principals.wildcard} trusts every principal; ${oidcFix}`);
    if (notPrincipal !== undefined)
        findings.push(`${path}.NotPrincipal in an Allow statement trusts every principal not listed; ${oidcFix}`);
    if (actions.wildcard) findings.push(`${path}.${actions.wildcard}; list sts:AssumeRoleWithWebIdentity explicitly`);
    if (principals.oidc.length === 0 && !principals.wildcard && notPrincipal === undefined) {
        findings.push(
            `${path}: allows sts:AssumeRoleWithWebIdentity without a Federated OIDC provider principal, so no ` +
                `issuer's sub and aud can be pinned; ${oidcFix}`,
        );
    }
    const entries = conditionEntries(field(body, "Condition"));
    for (const principal of principals.oidc) {
        const subjects = issuerSubjects(principal.issuer);
        if (subjects === undefined) {
            findings.push(
                `${path}.Principal.Federated: trusts the OIDC issuer ${principal.issuer}, which is neither an EKS ` +
                    "cluster's (oidc.eks.<region>.amazonaws.com/id/<id>) nor GitHub Actions' " +
                    "(token.actions.githubusercontent.com); the pack knows no rules for its tokens' claims, so it cannot " +
                    "show the trust is scoped — trust a known issuer, or review the role and list it in " +
                    "irsa-scoped-roles.exemptRoles",
            );
            continue;
        }
        findings.push(
            ...pinFindings(entries, { ...principal, roleName, conditionPath: `${path}.Condition` }, subjects),
        );
    }
    return { relevant, findings };
}

function summarizePrincipal(principal: unknown): PrincipalSummary {
    if (!isRecord(principal)) {
        // Only "*" is a valid non-object Principal, but read a list or a bare ARN too rather than skip it.
        const values = asList(principal);
        const wildcard = values.some((p) => typeof p === "string" && p.includes("*"));
        const odd = values.find((p) => typeof p !== "string");
        return {
            wildcard: wildcard ? show(principal) : undefined,
            oidc: [],
            malformed: odd === undefined ? undefined : `Principal: ${show(odd)}`,
        };
    }
    let wildcard: string | undefined;
    let malformed: string | undefined;
    const oidc: OidcPrincipal[] = [];
    for (const kind of Object.keys(principal)) {
        for (const value of asList(principal[kind])) {
            if (typeof value !== "string") {
                malformed ??= `Principal.${kind}: ${show(value)}`;
                continue;
            }
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
    return { wildcard, oidc, malformed };
}

interface ActionSummary {
    /** The statement lists sts:AssumeRoleWithWebIdentity by name (any case). */
    readonly namesWebIdentity: boolean;
    /** e.g. `Action: "sts:*" is a wildcard`, or the NotAction equivalent. */
    readonly wildcard: string | undefined;
    readonly malformed?: string;
}

function summarizeActions(body: Record<string, unknown>): ActionSummary {
    const notAction = field(body, "NotAction");
    if (notAction !== undefined) {
        return { namesWebIdentity: false, wildcard: `NotAction: ${show(notAction)} allows every action not listed` };
    }
    let namesWebIdentity = false;
    let wildcard: string | undefined;
    let malformed: string | undefined;
    for (const action of asList(field(body, "Action"))) {
        if (typeof action !== "string") {
            malformed ??= `Action: ${show(action)}`;
            continue;
        }
        if (action.trim().toLowerCase() === WEB_IDENTITY_ACTION) namesWebIdentity = true;
        if (/[*?]/.test(action)) wildcard ??= `Action: ${show(action)} is a wildcard`;
    }
    return { namesWebIdentity, wildcard, malformed };
}

/**
 * IAM condition evaluator for IRSA trust statements: decides whether `<issuer>:sub` is pinned to concrete
 * Kubernetes service accounts and `<issuer>:aud` to STS. Keys are case-insensitive (IAM condition keys are);
 * operators are matched case-insensitively too. Within a statement all condition entries are ANDed, so one
 * pinning entry whose every value is concrete is enough; values in a list are ORed, so every value must be pinned.
 * Negated operators, `…IfExists`, `ForAnyValue:`/`ForAllValues:` and `Null` never pin: each passes for requests
 * the operator does not name (IfExists and ForAllValues pass when the key is absent).
 * @internal
 */
import { base36 } from "./base36";
import { asList, isRecord, show } from "../lib/values";

export interface ConditionEntry {
    /** Operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
    readonly operator: string;
    /** Lower-cased operator without set qualifier and IfExists, e.g. `stringlike`. */
    readonly base: string;
    readonly setQualifier: boolean;
    readonly ifExists: boolean;
    readonly key: string;
    readonly values: readonly unknown[];
}

export interface PinContext {
    /** Issuer as written in the Federated principal, e.g. `oidc.eks.us-west-2.amazonaws.com/id/ABC`. */
    readonly issuer: string;
    /** Account of the OIDC provider ARN; undefined for a bare issuer principal. */
    readonly account: string | undefined;
    /** The role's own name (read lazily: only the EMR pattern needs it, and it may be unknown in preview). */
    readonly roleName: () => string;
    /** e.g. `Statement[0].Condition`. */
    readonly conditionPath: string;
}

const PINNING_OPERATORS: ReadonlySet<string> = new Set(["stringequals", "stringlike", "stringequalsignorecase"]);
export const STS_AUDIENCE = "sts.amazonaws.com";
const SA_FORM = "system:serviceaccount:<namespace>:<service-account>";
const DNS_LABEL = "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
/** A namespace is a DNS-1123 label; a service-account name a DNS-1123 subdomain (at most 253 characters). */
const CONCRETE_SUBJECT = new RegExp(`^system:serviceaccount:${DNS_LABEL}:(${DNS_LABEL}(?:\\.${DNS_LABEL})*)$`);
/** `aws emr-containers update-role-trust-policy` (awscli customizations/emrcontainers/constants.py). */
const EMR_PATTERN = new RegExp(`^system:serviceaccount:${DNS_LABEL}:emr-containers-sa-\\*-\\*-(\\d{12})-([0-9a-z]+)$`);

export function conditionEntries(condition: unknown): ConditionEntry[] {
    if (!isRecord(condition)) return [];
    const entries: ConditionEntry[] = [];
    for (const operator of Object.keys(condition)) {
        const block = condition[operator];
        if (!isRecord(block)) continue;
        const match = /^(?:(forallvalues|foranyvalue):)?(.*?)(ifexists)?$/i.exec(operator.trim());
        const base = (match?.[2] ?? operator).toLowerCase();
        for (const key of Object.keys(block)) {
            entries.push({
                operator,
                base,
                key,
                values: asList(block[key]),
                setQualifier: match?.[1] !== undefined,
                ifExists: match?.[3] !== undefined,
            });
        }
    }
    return entries;
}

function isPinning(entry: ConditionEntry): boolean {
    return PINNING_OPERATORS.has(entry.base) && !entry.setQualifier && !entry.ifExists;
}

/** How one issuer's `sub` claim must be pinned. */
export interface SubjectRules {
    /** The pinned form, for fixes, e.g. `system:serviceaccount:<namespace>:<service-account>`. */
    readonly form: string;
    /** What an unpinned sub lets in. */
    readonly risk: string;
    /** Why one value under a pinning operator does not pin, or undefined when it does. */
    readonly problem: (value: unknown, entry: ConditionEntry, ctx: PinContext) => string | undefined;
}

/** An EKS cluster's issuer: tokens of Kubernetes service accounts. */
export const EKS_SUBJECTS: SubjectRules = {
    form: SA_FORM,
    risk: "any service account (any token from the issuer) can assume the role",
    problem: subjectProblem,
};

const GITHUB_FORM = "repo:<owner>/<repo>:ref:refs/heads/<branch>";
const GITHUB_QUALIFIERS = "ref:refs/heads/<branch>, ref:refs/tags/<tag>, environment:<name> or pull_request";
const GITHUB_SUBJECT = /^repo:([A-Za-z0-9](?:[A-Za-z0-9-]*))\/([A-Za-z0-9._-]+):(.+)$/;

/**
 * GitHub Actions' issuer (token.actions.githubusercontent.com): the default subject is
 * `repo:<owner>/<repo>:<context>`, the context being `ref:refs/heads/<branch>`, `ref:refs/tags/<tag>`,
 * `environment:<name>` or `pull_request` (GitHub docs "About security hardening with OpenID Connect", example
 * subject claims). A sub is pinned when it names one repository and one such context, with no wildcard anywhere:
 * `repo:org/*`, `repo:org/repo:*` or `…:ref:refs/heads/*` admit any repository or any ref (anyone who can push a
 * branch could assume the role). Git forbids `*` and `?` in ref names, so under StringEquals they match nothing.
 */
export const GITHUB_SUBJECTS: SubjectRules = {
    form: GITHUB_FORM,
    risk: "any workflow of any repository on GitHub can assume the role",
    problem: (value, entry) => {
        if (typeof value !== "string") return `is ${show(value)}, not a ${GITHUB_FORM} string`;
        const fix = `pin it to one repository and one context: repo:<owner>/<repo>: followed by ${GITHUB_QUALIFIERS}`;
        if (/[*?]/.test(value)) {
            return entry.base === "stringlike"
                ? `is ${show(value)} — a wildcard admits any repository or ref that matches it; ${fix}`
                : `is ${show(value)} under ${entry.operator}, where * and ? are literal characters no ref or repository name contains; ${fix}`;
        }
        const subject = GITHUB_SUBJECT.exec(value);
        if (!subject) return `is ${show(value)}, which is not GitHub's repo:<owner>/<repo>:<context> subject; ${fix}`;
        const context = subject[3];
        const known =
            /^ref:refs\/(heads|tags)\/[^:]+/.test(context) ||
            /^environment:./.test(context) ||
            /^pull_request(:|$)/.test(context);
        return known ? undefined : `is ${show(value)}, whose context "${context}" is not ${GITHUB_QUALIFIERS}; ${fix}`;
    },
};

/** Findings (message tails) for one issuer of one statement; empty when both sub and aud are pinned. */
export function pinFindings(
    entries: readonly ConditionEntry[],
    ctx: PinContext,
    subjects: SubjectRules = EKS_SUBJECTS,
): string[] {
    const findings: string[] = [];
    const sub = claimFinding(entries, ctx, "sub", subjects);
    if (sub) findings.push(sub);
    const aud = claimFinding(entries, ctx, "aud", subjects);
    if (aud) findings.push(aud);
    return findings;
}

function claimFinding(
    entries: readonly ConditionEntry[],
    ctx: PinContext,
    claim: "sub" | "aud",
    subjects: SubjectRules,
): string | undefined {
    const wanted = `${ctx.issuer}:${claim}`.toLowerCase();
    const onClaim = entries.filter((e) => e.key.toLowerCase() === wanted);
    // Operators and keys are case-insensitive: the same key twice under one operator (`StringEquals` and
    // `stringequals`, or `…:sub` and `…:SUB`) is one condition that readers may resolve to either value.
    const operators = onClaim.map((e) => e.operator.trim().toLowerCase());
    const repeated = onClaim.find((e, i) => operators.indexOf(e.operator.trim().toLowerCase()) !== i);
    if (repeated) {
        return (
            `${ctx.conditionPath}.${repeated.operator}: ${repeated.key} is set more than once under ${repeated.operator} ` +
            "(operators and condition keys are case-insensitive), which readers may resolve to either value; set it once"
        );
    }
    const pinning = onClaim.filter(isPinning);
    const problems = pinning.map((e) => entryProblem(e, ctx, claim, subjects));
    if (pinning.length > 0 && problems.some((p) => p === undefined)) return undefined;
    const firstProblem = problems.find((p): p is string => p !== undefined);
    if (firstProblem) return firstProblem;
    const fix =
        claim === "sub"
            ? `use StringEquals {"${ctx.issuer}:sub": "${subjects.form}"}`
            : `use StringEquals {"${ctx.issuer}:aud": "${STS_AUDIENCE}"}`;
    if (onClaim.length > 0) {
        const e = onClaim[0];
        return `${ctx.conditionPath}.${e.operator}: ${e.key} — ${whyNotPinning(e)}, so it does not pin the ${claim} claim; ${fix}`;
    }
    const foreign = entries.find((e) => e.key.toLowerCase().endsWith(`:${claim}`));
    if (foreign) {
        return (
            `${ctx.conditionPath}: ${foreign.key} belongs to another issuer than the principal's ` +
            `(${ctx.issuer}); condition keys must use the same issuer as Principal.Federated — ${fix}`
        );
    }
    const risk = claim === "sub" ? subjects.risk : "tokens minted for any audience are accepted";
    return `${ctx.conditionPath}: no ${ctx.issuer}:${claim} condition — ${risk}; ${fix}`;
}

function whyNotPinning(entry: ConditionEntry): string {
    if (entry.setQualifier)
        return `the set operator in ${entry.operator} is meant for multivalued keys and passes vacuously`;
    if (entry.ifExists) return `${entry.operator} passes when the key is absent`;
    if (entry.base === "null") return "Null only tests whether the key is present";
    if (entry.base.includes("not")) return `${entry.operator} is negated and allows every other value`;
    return `${entry.operator} is not a string-equality operator`;
}

/** Why one pinning entry does not pin, or undefined when every value is pinned. */
function entryProblem(
    entry: ConditionEntry,
    ctx: PinContext,
    claim: "sub" | "aud",
    subjects: SubjectRules,
): string | undefined {
    const at = `${ctx.conditionPath}: ${entry.key}`;
    if (entry.values.length === 0) return `${at} has no values under ${entry.operator}`;
    for (const value of entry.values) {
        const problem = claim === "sub" ? subjects.problem(value, entry, ctx) : audienceProblem(value, entry);
        if (problem) return `${at} ${problem}`;
    }
    return undefined;
}

function audienceProblem(value: unknown, entry: ConditionEntry): string | undefined {
    const text = typeof value === "string" && entry.base === "stringequalsignorecase" ? value.toLowerCase() : value;
    if (text === STS_AUDIENCE) return undefined;
    return `is ${show(value)} — the audience must be exactly "${STS_AUDIENCE}"`;
}

function subjectProblem(value: unknown, entry: ConditionEntry, ctx: PinContext): string | undefined {
    if (typeof value !== "string") return `is ${show(value)}, not a ${SA_FORM} string`;
    const text = entry.base === "stringequalsignorecase" ? value.toLowerCase() : value;
    const concrete = CONCRETE_SUBJECT.exec(text);
    if (concrete && concrete[1].length <= 253) return undefined;
    const wildcard = /[*?]/.test(value);
    if (entry.base === "stringlike" && wildcard) {
        const emr = EMR_PATTERN.exec(value);
        if (emr) return emrProblem(value, emr[1], emr[2], ctx);
        return `is ${show(value)} — wildcards are not allowed outside the EMR on EKS pattern; pin it to ${SA_FORM}`;
    }
    if (wildcard) {
        return (
            `is ${show(value)} under ${entry.operator}, where * and ? are literal characters that match no service ` +
            `account; pin it to ${SA_FORM}`
        );
    }
    return `is ${show(value)}, which is not a ${SA_FORM} subject; pin it to ${SA_FORM}`;
}

/** The one allowed wildcard: emr-containers-sa-*-*-<account of the provider>-<base36(this role's name)>. */
function emrProblem(value: string, account: string, suffix: string, ctx: PinContext): string | undefined {
    if (ctx.account === undefined) {
        return (
            `is ${show(value)} — the EMR on EKS pattern can only be verified against an oidc-provider ARN principal ` +
            `(it embeds the provider's account id), but the principal is the bare issuer ${ctx.issuer}`
        );
    }
    if (account !== ctx.account) {
        return (
            `is ${show(value)} — the EMR on EKS pattern names account ${account}, but the OIDC provider is in ` +
            `account ${ctx.account}; use emr-containers-sa-*-*-${ctx.account}-<base36(role name)>`
        );
    }
    const roleName = ctx.roleName();
    const expected = base36(roleName);
    if (suffix !== expected) {
        return (
            `is ${show(value)} — the EMR on EKS pattern must end in base36 of this role's name ` +
            `(base36("${roleName}") = "${expected}"), not "${suffix}"`
        );
    }
    return undefined;
}

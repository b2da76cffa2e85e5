/**
 * Human-readable verdicts for `npm run policy:check` and for the plan CLI to print after its summary: the violations
 * grouped per resource, then the explicit "not evaluated" section (each resource by URN, what was not checked and
 * how the engine run covers it). The summary never says "no violations" while something was not evaluated.
 * `hasMandatoryViolation` / `failsCheck` are the pass/fail rule (exit 1 when true).
 */
import { PACK_NAME } from "../../policies/pack";
import { PACK_VERSION, PolicyVerdicts } from "./evaluate";

export interface CheckOptions {
    /** `--strict`: anything not evaluated fails the check too. */
    readonly strict?: boolean;
}

export function hasMandatoryViolation(verdicts: PolicyVerdicts): boolean {
    return verdicts.violations.some((v) => v.enforcementLevel === "mandatory");
}

/** The check's verdict: a mandatory violation fails it, and with --strict so does anything not evaluated. */
export function failsCheck(verdicts: PolicyVerdicts, options: CheckOptions = {}): boolean {
    return hasMandatoryViolation(verdicts) || (options.strict === true && verdicts.notEvaluated.length > 0);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The one-line count, e.g. "no violations in what could be evaluated; 2 not evaluated". */
export function verdictSummary(verdicts: PolicyVerdicts): string {
    const { violations, notEvaluated } = verdicts;
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    if (violations.length === 0)
        return notEvaluated.length === 0
            ? "no violations"
            : `no violations in what could be evaluated; ${notEvaluated.length} not evaluated`;
    return `${plural(violations.length, "violation")} (${mandatory} mandatory), ${notEvaluated.length} not evaluated`;
}

/** The closing line: FAILED or PASSED, and why. */
export function verdictLine(verdicts: PolicyVerdicts, options: CheckOptions = {}): string {
    const mandatory = verdicts.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const unevaluated = verdicts.notEvaluated.length;
    if (mandatory > 0) return `FAILED: ${plural(mandatory, "mandatory violation")}.`;
    if (unevaluated > 0 && options.strict) return `FAILED (--strict): ${unevaluated} not evaluated.`;
    if (unevaluated > 0)
        return `PASSED: no mandatory violations in what could be evaluated; ${unevaluated} not evaluated (listed above).`;
    return "PASSED: no mandatory violations.";
}

export function formatVerdicts(verdicts: PolicyVerdicts, resourceCount: number, options: CheckOptions = {}): string {
    const { violations, notEvaluated } = verdicts;
    const head = `Policy pack ${PACK_NAME} ${PACK_VERSION} on ${plural(resourceCount, "resource")}: ${verdictSummary(verdicts)}.`;
    if (violations.length === 0 && notEvaluated.length === 0) return `${head}\n`;

    const lines = [head, ""];
    const byUrn = new Map<string, string[]>();
    for (const v of violations) {
        const entry = [`  [${v.enforcementLevel}] ${v.policy}`, ...v.message.split("\n").map((l) => `      ${l}`)];
        byUrn.set(v.urn, [...(byUrn.get(v.urn) ?? []), ...entry]);
    }
    for (const [urn, entries] of byUrn) lines.push(urn || "(stack)", ...entries, "");
    if (notEvaluated.length > 0) {
        lines.push(
            `Not evaluated (${notEvaluated.length}): what the offline check could not see, and how the engine run covers it`,
            "",
        );
        for (const n of notEvaluated) {
            lines.push(
                n.urn || "(stack)",
                `  [not evaluated] ${n.policy}`,
                ...n.reason.split("\n").map((l) => `      ${l}`),
                `      engine run: ${n.coverage}`,
                "",
            );
        }
    }
    lines.push(verdictLine(verdicts, options));
    return `${lines.join("\n")}\n`;
}

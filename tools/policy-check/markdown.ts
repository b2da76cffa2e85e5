/**
 * Policy verdicts as Markdown for where reviewers read them: the pull request's job summary and its sticky
 * comment. One verdict line (the same pass/fail rule as the CLI's exit status), then a table with the mandatory
 * violations first, then advisory ones, then the "not evaluated" section: each resource by URN, what was not
 * checked and how the engine run covers it. Everything a resource or a
 * policy message carries is escaped: it comes from the pull request under review.
 */
import { PACK_NAME } from "../../policies/pack";
import { PACK_VERSION } from "../policy-eval/evaluate";
import { CheckOptions, failsCheck, hasMandatoryViolation, verdictSummary } from "../policy-eval/report";
import { PolicyVerdicts } from "../policy-eval/verdicts";
import { parseUrn } from "../stack-export";

export interface MarkdownContext {
    /** The stack the verdicts are for, shown in the heading. */
    readonly stack?: string;
    /** Resources evaluated. */
    readonly resourceCount: number;
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const cell = (text: string) => escapeHtml(text).replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");

const code = (text: string) => `<code>${escapeHtml(text).replace(/\|/g, "&#124;")}</code>`;

/** A resource as `name` `type`: the whole URN would make the table unreadable; the name is unique per type. */
function resource(urn: string): string {
    if (urn === "") return "(stack)";
    const parts = parseUrn(urn);
    return parts === undefined ? code(urn) : `${code(parts.name)} ${code(parts.type)}`;
}

const LEVEL_ORDER: Readonly<Record<string, number>> = { mandatory: 0, remediate: 1, advisory: 2, disabled: 3 };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function verdictsMarkdown(
    verdicts: PolicyVerdicts,
    context: MarkdownContext,
    options: CheckOptions = {},
): string {
    const { violations, notEvaluated } = verdicts;
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const failed = failsCheck(verdicts, options);
    const stack = context.stack === undefined ? "" : ` for stack \`${context.stack}\``;
    const outcome = hasMandatoryViolation(verdicts)
        ? `failed, ${plural(mandatory, "mandatory violation")}`
        : failed
          ? `failed (--strict), ${notEvaluated.length} not evaluated`
          : notEvaluated.length > 0
            ? `passed in what could be evaluated; ${notEvaluated.length} not evaluated`
            : "passed";
    const lines = [
        `### ${failed ? "❌" : notEvaluated.length > 0 ? "⚠️" : "✅"} Policy check${stack}: ${outcome}`,
        "",
        `Policy pack \`${PACK_NAME}\` ${PACK_VERSION} on ${plural(context.resourceCount, "resource")}: ` +
            `${verdictSummary(verdicts)}.`,
    ];
    if (violations.length > 0) {
        const rows = [...violations]
            .sort(
                (a, b) =>
                    (LEVEL_ORDER[a.enforcementLevel] ?? 9) - (LEVEL_ORDER[b.enforcementLevel] ?? 9) ||
                    a.urn.localeCompare(b.urn) ||
                    a.policy.localeCompare(b.policy),
            )
            .map((v) => `| ${v.enforcementLevel} | ${code(v.policy)} | ${resource(v.urn)} | ${cell(v.message)} |`);
        lines.push("", "| Level | Policy | Resource | Finding |", "| --- | --- | --- | --- |", ...rows);
    }
    if (notEvaluated.length > 0) {
        const rows = [...notEvaluated]
            .sort((a, b) => a.urn.localeCompare(b.urn) || a.policy.localeCompare(b.policy))
            .map(
                (n) =>
                    `| ${n.urn ? code(n.urn) : "(stack)"} | ${code(n.policy)} | ${cell(n.reason)} | ${cell(n.coverage)} |`,
            );
        lines.push(
            "",
            `#### Not evaluated (${notEvaluated.length})`,
            "",
            "What the offline check could not see, by URN, and how the engine run (`pulumi preview`/`up` with the pack) covers it.",
            "",
            "| Resource | Policy | Not checked | How the engine run covers it |",
            "| --- | --- | --- | --- |",
            ...rows,
        );
    }
    return `${lines.join("\n")}\n`;
}

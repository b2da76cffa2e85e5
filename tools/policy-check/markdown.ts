/**
 * Policy verdicts as Markdown for where reviewers read them: the pull request's job summary and its sticky
 * comment. One verdict line (the same pass/fail rule as the CLI's exit status), then a table with the mandatory
 * violations first, then advisory ones, then what could not be evaluated offline. Everything a resource or a
 * policy message carries is escaped: it comes from the pull request under review.
 */
import { PACK_NAME } from "../../policies/pack";
import { PACK_VERSION } from "./evaluate";
import { hasMandatoryViolation } from "./report";
import { PolicyVerdicts } from "./verdicts";
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

export function verdictsMarkdown(verdicts: PolicyVerdicts, context: MarkdownContext): string {
    const { violations, notEvaluated } = verdicts;
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const failed = hasMandatoryViolation(verdicts);
    const stack = context.stack === undefined ? "" : ` for stack \`${context.stack}\``;
    const lines = [
        `### ${failed ? "❌" : "✅"} Policy check${stack}: ` +
            `${failed ? `failed, ${plural(mandatory, "mandatory violation")}` : "passed"}`,
        "",
        `Policy pack \`${PACK_NAME}\` ${PACK_VERSION} on ${plural(context.resourceCount, "resource")}: ` +
            `${plural(violations.length, "violation")} (${mandatory} mandatory), ${notEvaluated.length} not evaluated.`,
    ];
    if (violations.length === 0 && notEvaluated.length === 0) return `${lines.join("\n")}\n`;

    const rows = [
        ...[...violations]
            .sort(
                (a, b) =>
                    (LEVEL_ORDER[a.enforcementLevel] ?? 9) - (LEVEL_ORDER[b.enforcementLevel] ?? 9) ||
                    a.urn.localeCompare(b.urn) ||
                    a.policy.localeCompare(b.policy),
            )
            .map((v) => `| ${v.enforcementLevel} | ${code(v.policy)} | ${resource(v.urn)} | ${cell(v.message)} |`),
        ...[...notEvaluated]
            .sort((a, b) => a.urn.localeCompare(b.urn) || a.policy.localeCompare(b.policy))
            .map((n) => `| not evaluated | ${code(n.policy)} | ${resource(n.urn)} | ${cell(n.reason)} |`),
    ];
    lines.push("", "| Level | Policy | Resource | Finding |", "| --- | --- | --- | --- |", ...rows);
    if (notEvaluated.length > 0) {
        lines.push(
            "",
            "_Not evaluated: the value is only known after deployment; the policy runs again at `pulumi up`._",
        );
    }
    return `${lines.join("\n")}\n`;
}

/**
 * The drift report as Markdown, for the job summary and the stack's drift issue: a verdict line, a table of
 * drifted resources, per resource the changed properties (cloud → program), then what was ignored and why.
 */
import { DriftReport, DriftOp, PolicyNote, PropertyChange, verdictOf } from "./report";

const OP_TEXT: Readonly<Record<DriftOp, string>> = {
    update: "update (the cloud differs from the program)",
    replace: "replace (the next `pulumi up` would recreate it)",
    create: "create (missing in the cloud: deleted out of band, or never deployed)",
    delete: "delete (in the stack but no longer in the program)",
};

const MAX_VALUE = 300;

/** Text safe inside a table cell: no pipes, no raw HTML, no line breaks. */
export function cell(text: string): string {
    return text
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/\|/g, "\\|")
        .replace(/\r?\n/g, "<br>");
}

/** Inline code that survives backticks and pipes in the text (used inside table cells). */
export function code(text: string): string {
    const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "&#124;");
    return `<code>${escaped.replace(/\r?\n/g, "<br>")}</code>`;
}

function value(v: unknown): string {
    if (v === null) return "_(none)_";
    if (v === "[secret]" || v === "[unknown]") return `_${v}_`;
    const json = JSON.stringify(v);
    return code(json.length > MAX_VALUE ? `${json.slice(0, MAX_VALUE)}…` : json);
}

function propertyRows(changes: readonly PropertyChange[]): string[] {
    return [
        "| Property | Cloud | Program |",
        "| --- | --- | --- |",
        ...changes.map(
            (c) =>
                `| ${code(c.path)}${c.kind.endsWith("-replace") ? " (forces replacement)" : ""} | ` +
                `${value(c.old)} | ${value(c.new)} |`,
        ),
    ];
}

function policyLines(policy: readonly PolicyNote[]): string[] {
    if (policy.length === 0) return [];
    return [
        "",
        "### Policy pack",
        "",
        "| Level | Policy | Resource | Finding |",
        "| --- | --- | --- | --- |",
        ...policy.map(
            (p) =>
                `| ${p.level} | ${code(`${p.pack}/${p.policy}`)} | ${p.urn ? code(p.urn) : "(stack)"} | ` +
                `${cell(p.message)} |`,
        ),
    ];
}

export function driftMarkdown(report: DriftReport): string {
    const stack = report.stack ? ` in stack \`${report.stack}\`` : "";
    const verdict = verdictOf(report);
    const lines: string[] = [];
    if (verdict === "failed") {
        lines.push(
            `## Drift check${stack}: the preview failed`,
            "",
            "The preview did not complete, so there is no drift verdict. Its errors:",
            "",
        );
        for (const e of report.errors) lines.push(`- ${e.urn ? `${code(e.urn)}: ` : ""}${cell(e.message)}`);
        lines.push(...policyLines(report.policy));
        return `${lines.join("\n")}\n`;
    }
    if (verdict === "clean") {
        lines.push(
            `## Drift check${stack}: no drift`,
            "",
            "The cloud matches the program: `pulumi up` would change nothing.",
        );
    } else {
        const n = report.drifted.length;
        lines.push(
            `## Drift check${stack}: ${n} resource${n === 1 ? "" : "s"} drifted`,
            "",
            "Cloud = the refreshed state, read from AWS and the cluster; Program = what `pulumi up` would set.",
            "",
            "| Resource | Type | Operation | Properties |",
            "| --- | --- | --- | --- |",
            ...report.drifted.map((r) => `| ${code(r.name)} | ${code(r.type)} | ${r.op} | ${r.properties.length} |`),
        );
        for (const r of report.drifted) {
            lines.push("", `### ${code(r.name)} — ${r.op}`, "", `${code(r.type)} · ${code(r.urn)}`);
            lines.push("", OP_TEXT[r.op]);
            if (r.properties.length > 0) lines.push("", ...propertyRows(r.properties));
            else if (r.op === "update" || r.op === "replace")
                lines.push("", "_The provider reported no property detail._");
        }
    }
    if (report.ignored.length > 0) {
        lines.push(
            "",
            `### Ignored (${report.ignored.length}, see drift-ignore.yaml)`,
            "",
            "| Resource | Property | Cloud | Program | Reason |",
            "| --- | --- | --- | --- | --- |",
            ...report.ignored.map(
                (i) => `| ${code(i.urn)} | ${code(i.path)} | ${value(i.old)} | ${value(i.new)} | ${cell(i.reason)} |`,
            ),
        );
    }
    lines.push(...policyLines(report.policy));
    return `${lines.join("\n")}\n`;
}

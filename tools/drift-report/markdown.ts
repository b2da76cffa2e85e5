/**
 * The drift report as Markdown, for the job summary and the stack's drift issue: a verdict line, a table of
 * drifted resources, per resource the changed properties (cloud → program), then any rotation due and what it keeps
 * the preview from comparing, then what was ignored and why.
 */
import type { DueRotation } from "./due-rotation";
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

/** The heading of the rotation section; the drift-detection workflow looks for it to put a notice on the run. */
export const ROTATION_HEADING = "### Rotation due: run `pulumi up`";

function rotationLines(rotations: readonly DueRotation[]): string[] {
    if (rotations.length === 0) return [];
    const lines = [
        "",
        `${ROTATION_HEADING} (${rotations.length}, see drift-ignore.yaml)`,
        "",
        "Not drift: the program renames these on a schedule and the last `pulumi up` ran in an earlier period. " +
            "`pulumi up` replaces them (the new one is made before the old one is deleted).",
        "",
        "| Resource | Type | Property | Cloud | Program | Reason |",
        "| --- | --- | --- | --- | --- | --- |",
        ...rotations.map(
            (r) =>
                `| ${code(r.name)} | ${code(r.type)} | ${code(r.path)} | ${value(r.old)} | ${value(r.new)} | ` +
                `${cell(r.reason)} |`,
        ),
    ];
    for (const r of rotations) {
        if (r.followers.length === 0) continue;
        lines.push(
            "",
            `Until then the preview shows these only because of ${code(r.name)}; the check after \`pulumi up\` ` +
                "compares them again:",
            "",
        );
        for (const f of r.followers) {
            const what =
                f.kind === "configured-from"
                    ? `${f.properties.map((p) => code(p.path)).join(", ")} take${f.properties.length === 1 ? "s" : ""} ` +
                      `the new ${code(r.name)}`
                    : "not compared: its provider is configured from the new value, unknown until `pulumi up`";
            lines.push(`- ${code(f.name)} (${code(f.type)}): ${what}`);
        }
    }
    return lines;
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
        const hints = [...new Set(report.errors.flatMap((e) => (e.hint ? [e.hint] : [])))];
        if (hints.length > 0) lines.push("", "What to do:", "", ...hints.map((h) => `- ${cell(h)}`));
        lines.push(...policyLines(report.policy));
        return `${lines.join("\n")}\n`;
    }
    if (verdict === "clean" && report.rotations.length > 0) {
        lines.push(
            `## Drift check${stack}: no drift; a rotation is due, run \`pulumi up\``,
            "",
            "The cloud matches the program as far as the preview could compare it; `pulumi up` would make the " +
                "rotation below and nothing else it could see.",
        );
    } else if (verdict === "clean") {
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
    lines.push(...rotationLines(report.rotations));
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

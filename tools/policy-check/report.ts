/**
 * Human-readable verdicts, grouped per resource, for `npm run policy:check` and for the plan CLI to print after
 * its summary. `hasMandatoryViolation` is the pass/fail rule both use (exit 1 when true).
 */
import { PACK_NAME } from "../../policies/pack";
import { PACK_VERSION, PolicyVerdicts } from "./evaluate";

export function hasMandatoryViolation(verdicts: PolicyVerdicts): boolean {
    return verdicts.violations.some((v) => v.enforcementLevel === "mandatory");
}

interface Entry {
    readonly tag: string;
    readonly policy: string;
    readonly text: string;
}

export function formatVerdicts(verdicts: PolicyVerdicts, resourceCount: number): string {
    const { violations, notEvaluated } = verdicts;
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const head = `Policy pack ${PACK_NAME} ${PACK_VERSION} on ${resourceCount} resource${resourceCount === 1 ? "" : "s"}: `;
    if (violations.length === 0 && notEvaluated.length === 0) return `${head}no violations.\n`;

    const byUrn = new Map<string, Entry[]>();
    const add = (urn: string, entry: Entry) => byUrn.set(urn, [...(byUrn.get(urn) ?? []), entry]);
    violations.forEach((v) => add(v.urn, { tag: v.enforcementLevel, policy: v.policy, text: v.message }));
    notEvaluated.forEach((n) => add(n.urn, { tag: "not evaluated", policy: n.policy, text: n.reason }));

    const lines = [
        `${head}${violations.length} violation${violations.length === 1 ? "" : "s"} (${mandatory} mandatory), ` +
            `${notEvaluated.length} not evaluated.`,
        "",
    ];
    for (const [urn, entries] of byUrn) {
        lines.push(urn || "(stack)");
        for (const entry of entries)
            lines.push(`  [${entry.tag}] ${entry.policy}`, ...entry.text.split("\n").map((l) => `      ${l}`));
        lines.push("");
    }
    lines.push(
        mandatory > 0
            ? `FAILED: ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"}.`
            : "PASSED: no mandatory violations.",
    );
    return `${lines.join("\n")}\n`;
}

/** Renders an offline plan as the readable summary `npm run plan` prints. */
import type { CapturedResource, Json } from "./capture";
import type { PlanResult } from "./plan";
import { SECRET_SIG, SPECIAL_SIG_KEY } from "../stack-export";

export function formatPlanSummary(plan: PlanResult): string {
    const custom = plan.resources.filter((r) => r.custom);
    const remote = plan.resources.filter((r) => r.remote);
    const lines = [
        `${plan.project} · stack ${plan.stack} · offline plan under mocks (account ${plan.account.accountId}, ${plan.account.region}; nothing was sent to AWS)`,
        "",
        `Resources: ${plan.resources.length} (${custom.length} custom, ${plan.resources.length - custom.length} components)`,
        "",
        "Resource tree:",
        ...formatTree(plan.resources),
        "",
        "Counts by type:",
        ...formatCounts(plan.resources),
        "",
        "Outputs:",
        ...formatOutputs(stackOutputs(plan.resources)),
    ];
    if (remote.length > 0) {
        lines.push(
            "",
            `Remote components (${remote.length}): their children are created by the component's provider during \`pulumi up\``,
            "and are not part of this plan; what is planned for them is the inputs shown in the stack export.",
            ...remote.map((r) => `  ${r.type}  ${r.name}`),
        );
    }
    return lines.join("\n");
}

function formatTree(resources: readonly CapturedResource[]): string[] {
    const children = new Map<string, CapturedResource[]>();
    for (const r of resources) {
        const key = r.parent ?? "";
        children.set(key, [...(children.get(key) ?? []), r]);
    }
    const lines: string[] = [];
    const walk = (parent: string, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const marker = r.remote ? "  [remote: no children under mocks]" : "";
            lines.push(`${"  ".repeat(depth + 1)}${r.type}  ${r.name}${marker}`);
            walk(r.urn, depth + 1);
        }
    };
    walk("", 0);
    return lines;
}

function formatCounts(resources: readonly CapturedResource[]): string[] {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([type, n]) => `  ${String(n).padStart(4)}  ${type}`);
}

/** The root Stack resource's registered outputs, with secrets still marked as such. */
function stackOutputs(resources: readonly CapturedResource[]): Record<string, Json> {
    return resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
}

function formatOutputs(outputs: Record<string, Json>): string[] {
    return Object.keys(outputs)
        .sort()
        .map((key) => `  ${key}: ${truncate(JSON.stringify(maskSecrets(outputs[key])))}`);
}

function maskSecrets(value: Json): Json {
    if (Array.isArray(value)) return value.map(maskSecrets);
    if (value === null || typeof value !== "object") return value;
    if (value[SPECIAL_SIG_KEY] === SECRET_SIG) return "[secret]";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
}

function truncate(text: string, max = 160): string {
    return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

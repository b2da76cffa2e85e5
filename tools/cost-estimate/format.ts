/**
 * The cost estimate as the plan prints it, and the difference a change makes as the pull-request verdict shows it.
 */
import type { CostEstimate, PoolCost } from "./estimate";

const money = (n: number) => `$${n.toFixed(2)}`;
const rate = (n: number) => `$${n.toFixed(4)}`;

function poolLines(pool: PoolCost): string[] {
    const v = pool.cheapestPerVcpu;
    const g = pool.cheapestPerGiB;
    const onDemand = `on-demand ${rate(v.perVcpuHour)} per vCPU-hour (${v.instanceType}), ${rate(g.perGiBHour)} per GiB-hour (${g.instanceType})`;
    return pool.spot === undefined
        ? [`${pool.pool} (on-demand): ${onDemand}`]
        : [
              `${pool.pool} (Spot): Spot estimate ${rate(pool.spot.perVcpuHour)} per vCPU-hour, ${rate(pool.spot.perGiBHour)} per GiB-hour`,
              `${" ".repeat(pool.pool.length + 9)}${onDemand}`,
          ];
}

/** The estimate for the plan's output, or why there is none. */
export function formatCostEstimate(estimate: CostEstimate): string {
    if (!estimate.covered) return `Estimated cost: none: ${estimate.reason}.\n`;
    const width = Math.max(...estimate.idle.map((l) => l.item.length));
    const lines = [
        `Estimated cost (an estimate from tools/cost-estimate/prices.yaml, ${estimate.region} prices read ${estimate.read}):`,
        `  idle, per month: ${money(estimate.idleMonthly)}`,
        ...estimate.idle.map((l) => `    ${l.item.padEnd(width)}  ${money(l.monthly).padStart(10)}  ${l.basis}`),
        `  Spark pools, cheapest instance type of each (Spot = on-demand × ${estimate.spotFraction}, an estimate):`,
        ...estimate.pools.flatMap(poolLines).map((l) => `    ${l}`),
        `  assumes: ${estimate.assumptions.join("; ")}`,
    ];
    return `${lines.join("\n")}\n`;
}

function signed(n: number, format: (n: number) => string): string {
    if (Math.abs(n) < 0.005 && format === money) return "±$0.00";
    return n > 0 ? `+${format(n)}` : n < 0 ? `−${format(-n)}` : `±${format(0)}`;
}

/** Rows of the comparison: name → [base, head] values, each absent where that side has no such row. */
interface Row {
    readonly value: number;
    readonly format: (n: number) => string;
}

function rows(estimate: CostEstimate): Map<string, Row> {
    const out = new Map<string, Row>();
    if (!estimate.covered) return out;
    out.set("**idle, per month**", { value: estimate.idleMonthly, format: money });
    for (const l of estimate.idle) out.set(l.item, { value: l.monthly, format: money });
    for (const p of estimate.pools) {
        const kind = p.spot ? "Spot estimate" : "on-demand";
        out.set(`${p.pool} pool, per vCPU-hour (${kind})`, {
            value: p.spot?.perVcpuHour ?? p.cheapestPerVcpu.perVcpuHour,
            format: rate,
        });
        out.set(`${p.pool} pool, per GiB-hour (${kind})`, {
            value: p.spot?.perGiBHour ?? p.cheapestPerGiB.perGiBHour,
            format: rate,
        });
    }
    return out;
}

/**
 * The difference a change makes, as Markdown: the base branch's stack against this change's, both estimated from
 * this change's price table. `base` is undefined for a stack the base branch does not have.
 */
export function costDiffMarkdown(stack: string, base: CostEstimate | undefined, head: CostEstimate): string {
    const out = [`#### Estimated cost of \`${stack}\``, ""];
    if (!head.covered) return `${[...out, `No estimate: ${head.reason}.`].join("\n")}\n`;
    const before = base === undefined ? new Map<string, Row>() : rows(base);
    const after = rows(head);
    out.push("| | base | this change | difference |", "| --- | ---: | ---: | ---: |");
    for (const [name, h] of after) {
        const b = before.get(name);
        out.push(
            `| ${name} | ${b ? b.format(b.value) : "—"} | ${h.format(h.value)} | ${b ? signed(h.value - b.value, h.format) : "new"} |`,
        );
    }
    for (const [name, b] of before) {
        if (!after.has(name)) out.push(`| ${name} | ${b.format(b.value)} | — | removed |`);
    }
    out.push("");
    if (base === undefined) out.push("The base branch has no such stack: everything is new.");
    else if (!base.covered) out.push(`The base branch's stack has no estimate: ${base.reason}.`);
    out.push(
        `An estimate from tools/cost-estimate/prices.yaml (${head.region} prices read ${head.read}); Spot figures are ` +
            `on-demand × ${head.spotFraction}. Assumes ${head.assumptions.join("; ")}.`,
    );
    return `${out.join("\n")}\n`;
}

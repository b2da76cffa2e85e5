/**
 * PromQL read with Prometheus' own grammar (@prometheus-io/lezer-promql, the parser of Prometheus' web UI): an
 * expression that does not parse is an error, and the selectors it reads are listed with their `job` matcher.
 */
import { parser } from "@prometheus-io/lezer-promql";

export interface Selector {
    /** The metric name of the selector. */
    readonly metric: string;
    /** The value of its `job="…"` or `job=~"…"` matcher, if it has one. */
    readonly job?: string;
}

/** Every vector selector of `expr`; throws naming the position of the first syntax error. */
export function selectorsOf(expr: string): Selector[] {
    const tree = parser.parse(expr);
    const selectors: Selector[] = [];
    tree.iterate({
        enter(node) {
            if (node.type.isError) {
                throw new Error(`PromQL syntax error at ${node.from} in ${JSON.stringify(expr)}`);
            }
            if (node.name !== "VectorSelector") return;
            const text = (from: number, to: number) => expr.slice(from, to);
            const id = node.node.getChild("Identifier");
            if (!id) throw new Error(`a selector without a metric name in ${JSON.stringify(expr)}`);
            let job: string | undefined;
            const matchers = node.node.getChild("LabelMatchers");
            for (const m of matchers?.getChildren("UnquotedLabelMatcher") ?? []) {
                const label = m.getChild("LabelName");
                const value = m.getChild("StringLiteral");
                if (label && value && text(label.from, label.to) === "job") {
                    job = JSON.parse(text(value.from, value.to)) as string;
                }
            }
            selectors.push({ metric: text(id.from, id.to), ...(job === undefined ? {} : { job }) });
        },
    });
    return selectors;
}

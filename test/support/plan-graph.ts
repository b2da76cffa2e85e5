import type { CapturedResource } from "../../tools/plan/capture";
import type { PlanResult } from "../../tools/plan/plan";

/** Every URN `r` waits for in a captured plan, directly or through what it waits for. */
export function waitsFor(plan: PlanResult, r: CapturedResource): Set<string> {
    const index = new Map(plan.resources.map((x) => [x.urn, x]));
    const seen = new Set<string>();
    const queue = [...r.dependencies];
    while (queue.length > 0) {
        const urn = queue.pop()!;
        if (seen.has(urn)) continue;
        seen.add(urn);
        queue.push(...(index.get(urn)?.dependencies ?? []));
    }
    return seen;
}

/**
 * Evidence that cost is visible: Kubecost's allocation API, reached through the API server's service proxy (no
 * port-forward), lists the team's namespace. Kubecost builds allocations every few minutes from Prometheus data,
 * so a namespace whose first pods just ran may need a later run.
 */
import { isRecord } from "../cli";
import { apiMessage } from "./kube";
import type { CheckResult } from "./report";
import { type RunContext, checkResult } from "./run-context";
import type { TeamOutputs } from "./stack-outputs";

const TITLE = "Kubecost allocation for the team's namespace";
export const ALLOCATION_PATH = "model/allocation?window=7d&aggregate=namespace&accumulate=true";

/** Namespaces and their total cost, from an allocation answer (`data` is a list of name → allocation sets). */
export function allocationsOf(body: unknown): Map<string, number> {
    const out = new Map<string, number>();
    const data = isRecord(body) && Array.isArray(body.data) ? body.data : [];
    for (const set of data) {
        if (!isRecord(set)) continue;
        for (const [name, allocation] of Object.entries(set)) {
            const cost = isRecord(allocation) && typeof allocation.totalCost === "number" ? allocation.totalCost : 0;
            out.set(name, (out.get(name) ?? 0) + cost);
        }
    }
    return out;
}

export async function kubecostCheck(ctx: RunContext, team: TeamOutputs): Promise<CheckResult> {
    const id = "kubecost";
    const service = ctx.outputs.kubecost;
    if (!service)
        return checkResult(ctx, team.name, id, TITLE, "skipped", "the stack has no kubecostPortForward output");
    const where = `${service.namespace}/${service.service}:${service.port}`;
    const fixProxy = `kubectl -n ${service.namespace} get pods,endpoints; kubectl get --raw '/api/v1/namespaces/${service.namespace}/services/${service.service}:${service.port}/proxy/${ALLOCATION_PATH}'`;
    let answer: { status: number; body: string };
    try {
        answer = await ctx.kube.proxyGet(service, ALLOCATION_PATH);
    } catch (e) {
        return checkResult(ctx, team.name, id, TITLE, "fail", `no answer from ${where}: ${apiMessage(e)}`, [
            {
                id: "kubecost-unreachable",
                cause: "the API server could not reach Kubecost",
                evidence: apiMessage(e),
                fix: fixProxy,
            },
        ]);
    }
    if (answer.status !== 200)
        return checkResult(ctx, team.name, id, TITLE, "fail", `${where} answered HTTP ${answer.status}`, [
            {
                id: answer.status === 403 ? "kubecost-forbidden" : "kubecost-unavailable",
                cause:
                    answer.status === 403
                        ? "your identity may not use the services/proxy subresource"
                        : "Kubecost is not serving allocations",
                evidence: answer.body.slice(0, 300),
                fix: answer.status === 403 ? "run smoke as a principal in adminPrincipals" : fixProxy,
            },
        ]);
    let body: unknown;
    try {
        body = JSON.parse(answer.body);
    } catch {
        body = undefined;
    }
    const allocations = allocationsOf(body);
    const cost = allocations.get(team.namespace);
    if (cost !== undefined)
        return checkResult(ctx, team.name, id, TITLE, "pass", `${team.namespace}: $${cost.toFixed(4)} over 7 days`);
    return checkResult(ctx, team.name, id, TITLE, "fail", `Kubecost lists no allocation for ${team.namespace}`, [
        {
            id: "no-allocation",
            cause: "Kubecost has no cost data for the team's namespace yet, or its Prometheus data does not reach AMP",
            evidence: `namespaces listed: ${[...allocations.keys()].slice(0, 10).join(", ") || "none"}`,
            fix: `allocations appear some minutes after pods run: run smoke again later; if still missing, check the remote write: kubectl -n ${service.namespace} logs deployment/${service.service} and the prometheus server's log`,
        },
    ]);
}

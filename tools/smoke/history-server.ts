/**
 * The Spark History Server check: the stack does not deploy one yet, so the check says so. Once a
 * `sparkHistoryServer` output ({namespace, service, port}) exists, it asks the server's REST API, through the API
 * server's service proxy, whether it lists the EMR job's application.
 */
import { apiMessage } from "./kube";
import type { CheckResult } from "./report";
import { type RunContext, checkResult } from "./run-context";
import type { TeamOutputs } from "./stack-outputs";

const TITLE = "Spark History Server lists the application";

export async function historyServerCheck(ctx: RunContext, team: TeamOutputs, jobId?: string): Promise<CheckResult> {
    const id = "history-server";
    const service = ctx.outputs.historyServer;
    if (!service) return checkResult(ctx, team.name, id, TITLE, "skipped", "not deployed");
    if (!jobId) return checkResult(ctx, team.name, id, TITLE, "skipped", "the EMR job did not complete");
    try {
        const answer = await ctx.kube.proxyGet(service, "api/v1/applications?limit=200");
        const listed = answer.status === 200 && answer.body.includes(jobId);
        return checkResult(
            ctx,
            team.name,
            id,
            TITLE,
            listed ? "pass" : "fail",
            listed ? `lists job run ${jobId}` : `HTTP ${answer.status}; job run ${jobId} not listed`,
        );
    } catch (e) {
        return checkResult(ctx, team.name, id, TITLE, "fail", `no answer: ${apiMessage(e)}`);
    }
}

/**
 * One team's smoke test: the EMR job (then the evidence around it) and the operator job side by side, Kubecost
 * meanwhile. Checks that need a completed EMR job are skipped, with the reason, when it did not complete.
 */
import { runEmrJob } from "./emr-job";
import { historyServerCheck } from "./history-server";
import { cloudWatchLogsCheck, eventLogCheck, s3LogsCheck } from "./job-evidence";
import { kubecostCheck } from "./kubecost";
import { openSearchCheck } from "./opensearch-probe";
import { runOperatorJob } from "./operator-job";
import type { CheckResult } from "./report";
import { type RunContext, checkResult } from "./run-context";
import type { TeamOutputs } from "./stack-outputs";

const EVIDENCE = [
    { id: "event-log", title: "Spark event log in the team's S3 prefix" },
    { id: "container-logs-cloudwatch", title: "container logs in CloudWatch Logs" },
    { id: "container-logs-s3", title: "container logs in S3" },
    { id: "opensearch", title: "job's log lines in the team's OpenSearch index" },
];

async function emrJobAndEvidence(ctx: RunContext, team: TeamOutputs): Promise<CheckResult[]> {
    const outcome = await runEmrJob(ctx, team);
    ctx.progress(team.name, `emr-job: ${outcome.result.status}`);
    const job = outcome.completed;
    if (!job) return [outcome.result, ...skipped(ctx, team), await historyServerCheck(ctx, team)];
    const evidence = await Promise.all([
        eventLogCheck(ctx, team, job),
        cloudWatchLogsCheck(ctx, team, job),
        s3LogsCheck(ctx, team, job),
        openSearchCheck(ctx, team, job),
        historyServerCheck(ctx, team, job.jobId),
    ]);
    for (const check of evidence) ctx.progress(team.name, `${check.id}: ${check.status}`);
    return [outcome.result, ...evidence];
}

function skipped(ctx: RunContext, team: TeamOutputs): CheckResult[] {
    return EVIDENCE.map((c) => checkResult(ctx, team.name, c.id, c.title, "skipped", "the EMR job did not complete"));
}

export async function runTeam(ctx: RunContext, team: TeamOutputs): Promise<CheckResult[]> {
    const announce = async (check: Promise<CheckResult>) => {
        const result = await check;
        ctx.progress(team.name, `${result.id}: ${result.status}`);
        return result;
    };
    const [emr, operator, kubecost] = await Promise.all([
        emrJobAndEvidence(ctx, team),
        announce(runOperatorJob(ctx, team)),
        announce(kubecostCheck(ctx, team)),
    ]);
    return [...emr, operator, kubecost];
}

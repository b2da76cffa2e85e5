/**
 * The EMR job of a smoke run: the team's ready StartJobRun request (SparkPi) under a unique name, polled with
 * DescribeJobRun to a final state, cancelled at cleanup if it is still running. A job that does not complete is
 * diagnosed from EMR's failure reason and what the cluster says about its pods.
 */
import {
    CancelJobRunCommand,
    DescribeJobRunCommand,
    type JobRun,
    StartJobRunCommand,
    type StartJobRunCommandInput,
} from "@aws-sdk/client-emr-containers";
import { randomUUID } from "node:crypto";
import { firstLine } from "../cli";
import { clusterSnapshot } from "./cluster-state";
import { diagnose } from "./diagnosis";
import { formatElapsed } from "./duration";
import { Interrupted, pollUntil } from "./poll";
import type { Cause, CheckResult } from "./report";
import { type RunContext, SMOKE_LABEL, checkResult, diagnosisContext } from "./run-context";
import type { TeamOutputs } from "./stack-outputs";

const FINAL_STATES = new Set(["COMPLETED", "FAILED", "CANCELLED"]);
const TITLE = "EMR job (StartJobRun, SparkPi)";

export interface EmrJobOutcome {
    readonly result: CheckResult;
    /** Set once the job completed: what the evidence checks look for. */
    readonly completed?: {
        readonly jobId: string;
        readonly startedAt: Date;
        readonly request: StartJobRunCommandInput;
    };
}

/** The team's request under this run's name and tag; the SDK fills nothing else in. */
export function smokeJobRequest(team: TeamOutputs, runId: string): StartJobRunCommandInput {
    const request = team.startJobRunRequest as unknown as StartJobRunCommandInput;
    return {
        ...request,
        name: `smoke-${runId}`,
        clientToken: randomUUID(),
        tags: { ...(request.tags ?? {}), [SMOKE_LABEL]: runId },
    };
}

export async function runEmrJob(ctx: RunContext, team: TeamOutputs): Promise<EmrJobOutcome> {
    const request = smokeJobRequest(team, ctx.runId);
    const startedAt = new Date(ctx.clock.now());
    const fail = (detail: string, causes?: readonly Cause[]) => ({
        result: checkResult(ctx, team.name, "emr-job", TITLE, "fail", detail, causes),
    });
    let jobId: string;
    try {
        const answer = await ctx.aws.emr.send(new StartJobRunCommand(request));
        if (!answer.id) return fail("StartJobRun returned no job id");
        jobId = answer.id;
    } catch (e) {
        return fail(`StartJobRun was refused: ${errorName(e)}: ${firstLine(e)}`, [startRefusedCause(e, team)]);
    }
    const virtualClusterId = request.virtualClusterId as string;
    let state = "PENDING";
    ctx.cleanup.add(`EMR job run ${jobId} in virtual cluster ${virtualClusterId}`, async () => {
        if (!FINAL_STATES.has(state)) await ctx.aws.emr.send(new CancelJobRunCommand({ id: jobId, virtualClusterId }));
    });
    ctx.progress(team.name, `emr-job: started job run ${jobId} (${request.name})`);

    let run: JobRun | undefined;
    try {
        run = await pollUntil(ctx.clock, async () => {
            const answer = await ctx.aws.emr.send(new DescribeJobRunCommand({ id: jobId, virtualClusterId }));
            const current = answer.jobRun?.state ?? "UNKNOWN";
            if (current !== state) ctx.progress(team.name, `emr-job: ${current}`);
            state = current;
            return FINAL_STATES.has(current) ? answer.jobRun : undefined;
        });
    } catch (e) {
        if (e instanceof Interrupted) return fail(`interrupted while job run ${jobId} was ${state}`);
        return fail(`DescribeJobRun failed for job run ${jobId}: ${errorName(e)}: ${firstLine(e)}`);
    }
    if (run?.state === "COMPLETED") {
        const seconds = Math.round((ctx.clock.now() - startedAt.getTime()) / 1000);
        return {
            result: checkResult(ctx, team.name, "emr-job", TITLE, "pass", `job run ${jobId} COMPLETED in ${seconds}s`),
            completed: { jobId, startedAt, request },
        };
    }
    const snapshot = await clusterSnapshot(ctx.kube, { namespace: team.namespace, match: jobId, since: startedAt });
    const causes = diagnose(
        { snapshot, emr: { failureReason: run?.failureReason, stateDetails: run?.stateDetails }, viaOperator: false },
        diagnosisContext(ctx, team),
    );
    const detail = run
        ? `job run ${jobId} ended ${run.state}${run.failureReason ? ` (${run.failureReason})` : ""}`
        : `job run ${jobId} did not finish within ${formatElapsed(ctx.clock.deadline - ctx.startedAt)} (still ${state})`;
    return fail(detail, causes);
}

function errorName(e: unknown): string {
    return (e as { name?: string }).name ?? "Error";
}

function startRefusedCause(e: unknown, team: TeamOutputs): Cause {
    const name = errorName(e);
    const evidence = `${name}: ${firstLine(e)}`;
    if (name === "AccessDeniedException" || /not authorized/i.test(evidence))
        return {
            id: "caller-not-allowed",
            cause: "your credentials may not start EMR job runs (or pass the team's job role)",
            evidence,
            fix: `allow emr-containers:StartJobRun, DescribeJobRun and CancelJobRun on the virtual cluster ${team.virtualClusterId}, and iam:PassRole on ${team.executionRoleArn}, to the role you run smoke with`,
        };
    if (name === "ResourceNotFoundException")
        return {
            id: "virtual-cluster-missing",
            cause: `virtual cluster ${team.virtualClusterId} does not exist (or is not RUNNING)`,
            evidence,
            fix: `aws emr-containers describe-virtual-cluster --id ${team.virtualClusterId}; run pulumi up to re-create it`,
        };
    return {
        id: "request-refused",
        cause: "EMR refused the team's StartJobRun request",
        evidence,
        fix: `fix what EMR names in the stack's request (pulumi stack output sparkTeamOutputs --json | jq '."${team.name}".startJobRunRequest'): its pod templates must exist (aws s3 ls on each podTemplateFile) and emrReleaseLabel must be offered in the region; then pulumi up`,
    };
}

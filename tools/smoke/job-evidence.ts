/**
 * Evidence that a completed EMR job went through the platform around it: its Spark event log under the team's
 * event-log prefix, and its container logs wherever the request's monitoring configuration sends them (CloudWatch
 * Logs, S3). Each waits a while for the upload before it fails.
 */
import { DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { StartJobRunCommandInput } from "@aws-sdk/client-emr-containers";
import { ListObjectsV2Command, type _Object } from "@aws-sdk/client-s3";
import { firstLine } from "../cli";
import { Interrupted, pollUntil } from "./poll";
import type { CheckResult } from "./report";
import { type RunContext, checkResult } from "./run-context";
import type { TeamOutputs } from "./stack-outputs";

export interface CompletedJob {
    readonly jobId: string;
    readonly startedAt: Date;
    readonly request: StartJobRunCommandInput;
}

export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
    const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
    return match ? { bucket: match[1], key: match[2] } : undefined;
}

const withSlash = (prefix: string) => (prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`);

/** `spark.eventLog.dir` of the request's spark-defaults. */
function eventLogDir(request: StartJobRunCommandInput): string | undefined {
    for (const c of request.configurationOverrides?.applicationConfiguration ?? [])
        if (c.classification === "spark-defaults" && c.properties?.["spark.eventLog.dir"])
            return c.properties["spark.eventLog.dir"];
    return undefined;
}

/** Polls a listing until it finds something or the evidence wait ends; errors end the wait at once. */
async function waitFor<T>(ctx: RunContext, find: () => Promise<T | undefined>): Promise<T | undefined> {
    const until = Math.min(ctx.clock.deadline, ctx.clock.now() + ctx.evidenceWaitMs);
    return pollUntil(ctx.clock, find, until);
}

async function listObjects(ctx: RunContext, bucket: string, prefix: string): Promise<_Object[]> {
    const answer = await ctx.aws.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }));
    return answer.Contents ?? [];
}

async function guarded(
    ctx: RunContext,
    team: string,
    id: string,
    title: string,
    check: () => Promise<CheckResult>,
): Promise<CheckResult> {
    try {
        return await check();
    } catch (e) {
        if (e instanceof Interrupted) return checkResult(ctx, team, id, title, "fail", "interrupted");
        const name = (e as { name?: string }).name ?? "Error";
        return checkResult(ctx, team, id, title, "fail", `${name}: ${firstLine(e)}`, [
            {
                id: "evidence-unreadable",
                cause: "your credentials could not read the evidence",
                evidence: `${name}: ${firstLine(e)}`,
                fix: "the role you run smoke with needs s3:ListBucket on the platform bucket and logs:DescribeLogStreams on the team's log group",
            },
        ]);
    }
}

export function eventLogCheck(ctx: RunContext, team: TeamOutputs, job: CompletedJob): Promise<CheckResult> {
    const id = "event-log";
    const title = "Spark event log in the team's S3 prefix";
    return guarded(ctx, team.name, id, title, async () => {
        const dir = eventLogDir(job.request);
        const location = dir ? parseS3Uri(dir) : undefined;
        if (!dir || !location)
            return checkResult(ctx, team.name, id, title, "fail", "the request sets no s3:// spark.eventLog.dir");
        const prefix = withSlash(location.key);
        // EMR names the event log after the Spark application, whose id carries the job run id; a log written
        // since the job started is accepted too.
        const found = await waitFor(ctx, async () => {
            const objects = await listObjects(ctx, location.bucket, prefix);
            return (
                objects.find((o) => o.Key?.includes(job.jobId)) ??
                objects.find((o) => (o.LastModified?.getTime() ?? 0) >= job.startedAt.getTime())
            );
        });
        return found
            ? checkResult(ctx, team.name, id, title, "pass", `s3://${location.bucket}/${found.Key}`)
            : checkResult(ctx, team.name, id, title, "fail", `no event log of job run ${job.jobId} under ${dir}`, [
                  {
                      id: "no-event-log",
                      cause: "the job wrote no event log where the request says",
                      evidence: `s3://${location.bucket}/${prefix} has no object of job run ${job.jobId}`,
                      fix: `the job role ${team.executionRoleArn} needs s3:PutObject on that prefix (and kms:GenerateDataKey on the stack's key); the driver log says why: ${containerLogHint(job)}`,
                  },
              ]);
    });
}

function containerLogHint(job: CompletedJob): string {
    const s3 = job.request.configurationOverrides?.monitoringConfiguration?.s3MonitoringConfiguration?.logUri;
    return s3 ? `${withSlash(s3)}${job.request.virtualClusterId}/jobs/${job.jobId}/` : "kubectl logs of the driver pod";
}

export function cloudWatchLogsCheck(ctx: RunContext, team: TeamOutputs, job: CompletedJob): Promise<CheckResult> {
    const id = "container-logs-cloudwatch";
    const title = "container logs in CloudWatch Logs";
    return guarded(ctx, team.name, id, title, async () => {
        const config = job.request.configurationOverrides?.monitoringConfiguration?.cloudWatchMonitoringConfiguration;
        if (!config?.logGroupName)
            return checkResult(
                ctx,
                team.name,
                id,
                title,
                "skipped",
                "the request sends no container logs to CloudWatch",
            );
        // EMR names streams <prefix>/<virtual cluster>/jobs/<job run>/containers/<pod>/<stdout|stderr>.
        const streamPrefix = [config.logStreamNamePrefix, job.request.virtualClusterId, "jobs", job.jobId]
            .filter((part) => part)
            .join("/");
        const streams = await waitFor(ctx, async () => {
            const answer = await ctx.aws.logs.send(
                new DescribeLogStreamsCommand({ logGroupName: config.logGroupName, logStreamNamePrefix: streamPrefix }),
            );
            const found = answer.logStreams ?? [];
            return found.length > 0 ? found : undefined;
        });
        return streams
            ? checkResult(
                  ctx,
                  team.name,
                  id,
                  title,
                  "pass",
                  `${streams.length} stream(s) under ${config.logGroupName}:${streamPrefix}`,
              )
            : checkResult(
                  ctx,
                  team.name,
                  id,
                  title,
                  "fail",
                  `no log stream ${streamPrefix}* in ${config.logGroupName}`,
                  [
                      {
                          id: "no-cloudwatch-logs",
                          cause: "EMR shipped no container logs to the team's log group",
                          evidence: `DescribeLogStreams ${config.logGroupName} ${streamPrefix}: none`,
                          fix: `the job role ${team.executionRoleArn} needs logs:CreateLogStream and logs:PutLogEvents on the log group (and kms:Encrypt on its key); pulumi preview --refresh shows a drifted role policy`,
                      },
                  ],
              );
    });
}

export function s3LogsCheck(ctx: RunContext, team: TeamOutputs, job: CompletedJob): Promise<CheckResult> {
    const id = "container-logs-s3";
    const title = "container logs in S3";
    return guarded(ctx, team.name, id, title, async () => {
        const logUri = job.request.configurationOverrides?.monitoringConfiguration?.s3MonitoringConfiguration?.logUri;
        const location = logUri ? parseS3Uri(logUri) : undefined;
        if (!logUri || !location)
            return checkResult(ctx, team.name, id, title, "skipped", "the request sends no container logs to S3");
        // EMR writes <logUri>/<virtual cluster>/jobs/<job run>/containers/...
        const prefix = `${withSlash(location.key)}${job.request.virtualClusterId}/jobs/${job.jobId}/`;
        const objects = await waitFor(ctx, async () => {
            const found = await listObjects(ctx, location.bucket, prefix);
            return found.length > 0 ? found : undefined;
        });
        return objects
            ? checkResult(
                  ctx,
                  team.name,
                  id,
                  title,
                  "pass",
                  `${objects.length} object(s) under s3://${location.bucket}/${prefix}`,
              )
            : checkResult(ctx, team.name, id, title, "fail", `nothing under s3://${location.bucket}/${prefix}`, [
                  {
                      id: "no-s3-logs",
                      cause: "EMR shipped no container logs to the team's logs prefix",
                      evidence: `ListObjectsV2 s3://${location.bucket}/${prefix}: empty`,
                      fix: `the job role ${team.executionRoleArn} needs s3:PutObject on ${logUri} (and kms:GenerateDataKey on the stack's key)`,
                  },
              ]);
    });
}

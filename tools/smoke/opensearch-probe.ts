/**
 * Evidence that a job's log lines reached the team's OpenSearch index. The domain answers only inside the VPC, so
 * the query runs in the cluster: a short-lived Job in the team namespace under the team's service account (IRSA:
 * the job role, which may POST under its own indices' paths, `_search` included), passing the namespace's Pod
 * Security level and its NetworkPolicies (DNS, HTTPS egress). Its log carries one line per index searched; the Job
 * is removed at cleanup.
 */
import type { V1Job } from "@kubernetes/client-node";
import { clusterSnapshot } from "./cluster-state";
import { diagnose } from "./diagnosis";
import { apiMessage } from "./kube";
import { Interrupted, pollUntil } from "./poll";
import type { Cause, CheckResult } from "./report";
import { type RunContext, SMOKE_LABEL, checkResult, diagnosisContext } from "./run-context";
import type { LogIndex, TeamOutputs } from "./stack-outputs";

/**
 * The AWS CLI image (Amazon Linux 2 with curl, whose --aws-sigv4 signs the search), pinned: `aws configure
 * export-credentials` turns the pod's web identity into keys for curl.
 */
export const PROBE_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.32.9";

const TITLE = "job's log lines in the team's OpenSearch index";

/** Runs as the image's non-root user would, with nothing written outside an emptyDir. */
const PROBE_UID = 1000;

const SCRIPT = `set -eu
eval "$(aws configure export-credentials --format env)"
for index in $INDICES; do
  printf 'index=%s ' "$index"
  curl --silent --show-error --max-time 60 --aws-sigv4 "aws:amz:$REGION:es" \\
    --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-security-token: $AWS_SESSION_TOKEN" \\
    -H 'Content-Type: application/json' -X POST -d "$QUERY" -w ' status=%{http_code}\\n' \\
    "https://$ENDPOINT/$index/_search?size=0&ignore_unavailable=true" || echo " status=000"
done`;

/** The indices that can hold a job's lines: its own, or the dated ones of the (UTC) days it ran on. */
export function indicesFor(logIndex: LogIndex, from: Date, to: Date): string[] {
    if (logIndex.kind === "single") return [logIndex.index];
    const day = (d: Date) =>
        `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, "0")}.${String(d.getUTCDate()).padStart(2, "0")}`;
    return [...new Set([day(from), day(to)])].map((d) => `${logIndex.prefix}-${d}`);
}

export interface ProbeInput {
    readonly name: string;
    readonly namespace: string;
    readonly serviceAccount: string;
    readonly runId: string;
    readonly region: string;
    readonly endpoint: string;
    readonly indices: readonly string[];
    /** Text every line of the job carries in `pod_name` (the EMR job run id). */
    readonly podNameContains: string;
    readonly deadlineSeconds: number;
}

export function probeJobManifest(input: ProbeInput): V1Job {
    const labels = { [SMOKE_LABEL]: input.runId, "app.kubernetes.io/name": "spark-platform-smoke" };
    const query = { query: { query_string: { query: `pod_name:*${input.podNameContains}*` } } };
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: input.name, namespace: input.namespace, labels },
        spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: input.deadlineSeconds,
            // A backstop should cleanup itself never run (the process killed): the Job deletes itself a day later.
            ttlSecondsAfterFinished: 86_400,
            template: {
                metadata: { labels },
                spec: {
                    serviceAccountName: input.serviceAccount,
                    restartPolicy: "Never",
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: PROBE_UID,
                        runAsGroup: PROBE_UID,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    containers: [
                        {
                            name: "search",
                            image: PROBE_IMAGE,
                            command: ["/bin/sh", "-c", SCRIPT],
                            env: [
                                { name: "HOME", value: "/tmp" },
                                { name: "REGION", value: input.region },
                                { name: "ENDPOINT", value: input.endpoint },
                                { name: "INDICES", value: input.indices.join(" ") },
                                { name: "QUERY", value: JSON.stringify(query) },
                            ],
                            resources: {
                                requests: { cpu: "100m", memory: "128Mi" },
                                limits: { cpu: "500m", memory: "256Mi" },
                            },
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                capabilities: { drop: ["ALL"] },
                            },
                            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                        },
                    ],
                    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
                },
            },
        },
    };
}

export interface SearchAnswer {
    readonly index: string;
    readonly status: number;
    readonly hits?: number;
    readonly body: string;
}

/** The probe's log: `index=<name> <response body> status=<http code>` per index. */
export function parseProbeLog(log: string): SearchAnswer[] {
    const answers: SearchAnswer[] = [];
    for (const line of log.split("\n")) {
        const match = /^index=(\S+) (.*?)\s*status=(\d{3})\s*$/.exec(line);
        if (!match) continue;
        let hits: number | undefined;
        try {
            const total = (JSON.parse(match[2]) as { hits?: { total?: number | { value?: number } } }).hits?.total;
            hits = typeof total === "number" ? total : total?.value;
        } catch {
            hits = undefined;
        }
        answers.push({ index: match[1], status: Number(match[3]), hits, body: match[2].trim() });
    }
    return answers;
}

export async function openSearchCheck(
    ctx: RunContext,
    team: TeamOutputs,
    job: { jobId: string; startedAt: Date },
): Promise<CheckResult> {
    const id = "opensearch";
    const name = `smoke-logs-${ctx.runId}`;
    const indices = indicesFor(team.logIndex, job.startedAt, new Date(ctx.clock.now()));
    const until = Math.min(ctx.clock.deadline, ctx.clock.now() + ctx.probeTimeoutMs);
    const manifest = probeJobManifest({
        name,
        namespace: team.namespace,
        serviceAccount: team.serviceAccount,
        runId: ctx.runId,
        region: ctx.outputs.region,
        endpoint: ctx.outputs.logDomainEndpoint,
        indices,
        podNameContains: job.jobId,
        deadlineSeconds: Math.max(30, Math.round((until - ctx.clock.now()) / 1000)),
    });
    const result = (status: "pass" | "fail", detail: string, causes?: readonly Cause[]) =>
        checkResult(ctx, team.name, id, TITLE, status, detail, causes);
    const diagnosed = async (detail: string, applicationError?: string) => {
        const snapshot = await clusterSnapshot(ctx.kube, {
            namespace: team.namespace,
            match: name,
            since: new Date(ctx.clock.now()),
        });
        return result(
            "fail",
            detail,
            diagnose({ snapshot, applicationError, viaOperator: false }, diagnosisContext(ctx, team)),
        );
    };

    try {
        await ctx.kube.createJob(team.namespace, manifest);
    } catch (e) {
        return diagnosed(`the query Job ${team.namespace}/${name} was refused: ${apiMessage(e)}`, apiMessage(e));
    }
    ctx.cleanup.add(`Job ${team.namespace}/${name}`, () => ctx.kube.deleteJob(team.namespace, name));
    ctx.progress(team.name, `opensearch: searching ${indices.join(", ")} from Job ${name}`);
    try {
        const finished = await pollUntil(
            ctx.clock,
            async () => {
                const current = await ctx.kube.getJob(team.namespace, name);
                return (current?.status?.succeeded ?? 0) > 0 || (current?.status?.failed ?? 0) > 0
                    ? current
                    : undefined;
            },
            until,
        );
        if (!finished) return await diagnosed(`the query Job ${name} did not finish`);
        const pods = await ctx.kube.listPods(team.namespace, `job-name=${name}`);
        const pod = pods[0]?.metadata?.name;
        if (!pod) return await diagnosed(`the query Job ${name} ran no pod`);
        const answers = parseProbeLog(await ctx.kube.podLog(team.namespace, pod));
        return judge(answers, team, job.jobId, result);
    } catch (e) {
        if (e instanceof Interrupted) return result("fail", "interrupted");
        return result("fail", `reading the query Job ${name} failed: ${apiMessage(e)}`);
    }
}

function judge(
    answers: readonly SearchAnswer[],
    team: TeamOutputs,
    jobId: string,
    result: (status: "pass" | "fail", detail: string, causes?: readonly Cause[]) => CheckResult,
): CheckResult {
    const found = answers.filter((a) => a.status === 200 && (a.hits ?? 0) > 0);
    if (found.length > 0)
        return result("pass", found.map((a) => `${a.hits} line(s) of job run ${jobId} in ${a.index}`).join("; "));
    const evidence =
        answers.map((a) => `${a.index}: HTTP ${a.status} ${a.body.slice(0, 200)}`).join("; ") ||
        "the query Job printed nothing";
    const refused = answers.find((a) => a.status === 401 || a.status === 403);
    if (refused)
        return result("fail", `the log domain refused the team's job role`, [
            {
                id: "index-access",
                cause: `the domain's access policy or the job role's policy does not let ${team.executionRoleArn} use its own index`,
                evidence,
                fix: "both must allow es:ESHttpPost on the team's index paths: pulumi preview --refresh shows a drifted domain access policy or role policy; pulumi up restores them",
            },
        ]);
    const unreachable = answers.find((a) => a.status === 0);
    if (unreachable || answers.length === 0)
        return result("fail", "the query Job could not reach the log domain", [
            {
                id: "domain-unreachable",
                cause: "no HTTPS answer from the log domain inside the VPC",
                evidence,
                fix: `the team namespace's https-egress NetworkPolicy must allow 443 and the domain's security group must admit the cluster's nodes; kubectl -n ${team.namespace} get networkpolicies`,
            },
        ]);
    return result("fail", `no line of job run ${jobId} in ${answers.map((a) => a.index).join(", ")}`, [
        {
            id: "no-log-lines",
            cause: "the Fluent Bit sidecar shipped none of the job's lines",
            evidence,
            fix: `its own log is among the job's container logs (fluent-bit container); the ConfigMaps fluent-bit-sidecar-config and fluent-bit-sidecar-wrapper in ${team.namespace} must exist (pulumi up restores them)`,
        },
    ]);
}

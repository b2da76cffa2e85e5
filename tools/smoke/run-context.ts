/** What every check of a smoke run shares: the stack, the clients, the clock, the cleanup list and the output. */
import type { Caller } from "../cli";
import type { SmokeAwsClients } from "./aws-clients";
import type { Cleanup } from "./cleanup";
import type { DiagnosisContext } from "./diagnosis";
import type { KubeApi } from "./kube";
import type { RunClock } from "./poll";
import type { Cause, CheckResult, CheckStatus } from "./report";
import type { StackOutputs, TeamOutputs } from "./stack-outputs";

export interface RunTimings {
    /** Longest wait for evidence (logs, event log, index) to appear after a job completed. */
    readonly evidenceWaitMs: number;
    /** How long a new SparkApplication may have no status before the operator's health is looked at. */
    readonly operatorGraceMs: number;
    /** Longest run of the OpenSearch query Job. */
    readonly probeTimeoutMs: number;
}

export interface RunContext extends RunTimings {
    readonly stack: string;
    readonly outputs: StackOutputs;
    readonly caller: Caller;
    readonly aws: SmokeAwsClients;
    readonly kube: KubeApi;
    readonly clock: RunClock;
    readonly cleanup: Cleanup;
    /** Suffix of every name the run creates, and the value of its `spark-platform/smoke` label. */
    readonly runId: string;
    readonly startedAt: number;
    progress(team: string, text: string): void;
}

/** The label every Kubernetes object of a run carries: `kubectl delete sparkapplications,jobs -l spark-platform/smoke`. */
export const SMOKE_LABEL = "spark-platform/smoke";

export function checkResult(
    ctx: RunContext,
    team: string,
    id: string,
    title: string,
    status: CheckStatus,
    detail: string,
    causes?: readonly Cause[],
): CheckResult {
    const elapsedSeconds = Math.round((ctx.clock.now() - ctx.startedAt) / 1000);
    return { team, id, title, status, detail, elapsedSeconds, ...(causes && causes.length > 0 ? { causes } : {}) };
}

export function diagnosisContext(ctx: RunContext, team: TeamOutputs): DiagnosisContext {
    return {
        stack: ctx.stack,
        region: ctx.outputs.region,
        clusterName: ctx.outputs.clusterName,
        namespace: team.namespace,
        team: team.name,
        executionRoleArn: team.executionRoleArn,
        operatorNamespace: ctx.outputs.operatorNamespace,
    };
}

/**
 * The Spark Operator job of a smoke run: the team's sample SparkApplication under a unique name, watched to a final
 * state and deleted at cleanup. An application the operator never picks up is diagnosed early, from the operator's
 * own pods, instead of waiting out the whole timeout.
 */
import { clusterSnapshot } from "./cluster-state";
import { diagnose } from "./diagnosis";
import { formatElapsed } from "./duration";
import { apiMessage, statusOf } from "./kube";
import { Interrupted, pollUntil } from "./poll";
import type { CheckResult } from "./report";
import { type RunContext, SMOKE_LABEL, checkResult, diagnosisContext } from "./run-context";
import type { TeamOutputs } from "./stack-outputs";

const TITLE = "Spark Operator job (sample SparkApplication)";
const FINAL_STATES = new Set(["COMPLETED", "FAILED", "SUBMISSION_FAILED"]);

interface ApplicationState {
    readonly state?: string;
    readonly errorMessage?: string;
}

export function applicationState(app: Record<string, unknown> | undefined): ApplicationState {
    const status = app?.status as { applicationState?: ApplicationState } | undefined;
    return status?.applicationState ?? {};
}

/** The sample under this run's name, labelled so a leftover can be found; the spec is the stack's, unchanged. */
export function smokeApplication(team: TeamOutputs, runId: string): Record<string, unknown> {
    const sample = structuredClone(team.sampleSparkApplication);
    const metadata = (sample.metadata ?? {}) as { labels?: Record<string, string> };
    return {
        ...sample,
        metadata: {
            name: `smoke-${runId}`,
            namespace: team.namespace,
            labels: { ...(metadata.labels ?? {}), [SMOKE_LABEL]: runId },
        },
    };
}

export async function runOperatorJob(ctx: RunContext, team: TeamOutputs): Promise<CheckResult> {
    const manifest = smokeApplication(team, ctx.runId);
    const name = (manifest.metadata as { name: string }).name;
    const startedAt = new Date(ctx.clock.now());
    const dctx = diagnosisContext(ctx, team);
    const snapshot = () =>
        clusterSnapshot(ctx.kube, {
            namespace: team.namespace,
            match: name,
            since: startedAt,
            operatorNamespace: ctx.outputs.operatorNamespace,
        });
    const fail = async (detail: string, applicationError?: string) =>
        checkResult(
            ctx,
            team.name,
            "operator-job",
            TITLE,
            "fail",
            detail,
            diagnose({ snapshot: await snapshot(), applicationError, viaOperator: true }, dctx),
        );

    try {
        await ctx.kube.createSparkApplication(team.namespace, manifest);
    } catch (e) {
        const message = apiMessage(e);
        if (statusOf(e) === 404)
            return fail(
                `the cluster has no SparkApplication kind (${message}): the Spark Operator's CRDs are not installed`,
            );
        return fail(`creating SparkApplication ${team.namespace}/${name} was refused: ${message}`, message);
    }
    ctx.cleanup.add(`SparkApplication ${team.namespace}/${name}`, () =>
        ctx.kube.deleteSparkApplication(team.namespace, name),
    );
    ctx.progress(team.name, `operator-job: created SparkApplication ${name}`);

    let state: ApplicationState = {};
    let operatorChecked = false;
    try {
        const outcome = await pollUntil(ctx.clock, async (): Promise<"final" | "operator-down" | undefined> => {
            const current = applicationState(await ctx.kube.getSparkApplication(team.namespace, name));
            if (current.state !== state.state)
                ctx.progress(team.name, `operator-job: ${current.state ?? "(no status)"}`);
            state = current;
            if (current.state && FINAL_STATES.has(current.state)) return "final";
            if (!current.state && !operatorChecked && ctx.clock.now() - startedAt.getTime() >= ctx.operatorGraceMs) {
                operatorChecked = true;
                const pods = await ctx.kube.listPods(ctx.outputs.operatorNamespace).catch(() => undefined);
                const ready = (pods ?? []).some(
                    (p) => p.status?.phase === "Running" && (p.status.containerStatuses ?? []).every((c) => c.ready),
                );
                if (pods && !ready) return "operator-down";
            }
            return undefined;
        });
        if (outcome === "operator-down")
            return fail(`SparkApplication ${name} got no status within ${formatElapsed(ctx.operatorGraceMs)}`);
    } catch (e) {
        if (e instanceof Interrupted)
            return checkResult(
                ctx,
                team.name,
                "operator-job",
                TITLE,
                "fail",
                `interrupted while ${name} was ${state.state ?? "new"}`,
            );
        return fail(`reading SparkApplication ${name} failed: ${apiMessage(e)}`);
    }
    if (state.state === "COMPLETED")
        return checkResult(
            ctx,
            team.name,
            "operator-job",
            TITLE,
            "pass",
            `${name} COMPLETED in ${Math.round((ctx.clock.now() - startedAt.getTime()) / 1000)}s`,
        );
    if (state.state && FINAL_STATES.has(state.state))
        return fail(
            `${name} ended ${state.state}${state.errorMessage ? `: ${state.errorMessage.split("\n")[0]}` : ""}`,
            state.errorMessage,
        );
    return fail(
        `${name} did not finish within ${formatElapsed(ctx.clock.deadline - ctx.startedAt)} (still ${state.state ?? "without status"})`,
        state.errorMessage,
    );
}

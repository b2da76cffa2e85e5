/**
 * What a smoke run found, as progress lines while it runs and as one summary (text or JSON) at the end. A failed
 * check carries its evidence and, when the cluster says why, the likely causes with their fixes.
 */
import type { Caller } from "../cli";
import { formatElapsed } from "./duration";

export type CheckStatus = "pass" | "fail" | "skipped";

/** A likely cause of a failure, read from what the cluster or EMR said, with the setting or command that fixes it. */
export interface Cause {
    readonly id: string;
    readonly cause: string;
    readonly evidence: string;
    readonly fix: string;
}

export interface CheckResult {
    readonly team: string;
    readonly id: string;
    readonly title: string;
    readonly status: CheckStatus;
    readonly detail: string;
    /** Seconds since the run started when the check ended. */
    readonly elapsedSeconds: number;
    readonly causes?: readonly Cause[];
}

export interface CleanupReport {
    readonly kept: boolean;
    /** What was deleted or cancelled, or (with --keep) left in place. */
    readonly resources: readonly string[];
    readonly failures: readonly string[];
}

export interface SmokeReport {
    readonly stack: string;
    readonly region: string;
    readonly caller: Caller;
    readonly teams: readonly string[];
    readonly interrupted: boolean;
    readonly checks: readonly CheckResult[];
    readonly cleanup: CleanupReport;
}

/** Failed checks and cleanup failures both fail the run: a smoke test must not leave things behind silently. */
export function reportPassed(report: SmokeReport): boolean {
    return (
        !report.interrupted && report.checks.every((c) => c.status !== "fail") && report.cleanup.failures.length === 0
    );
}

/** One progress line: `[  1m05s] data-eng     emr-job: RUNNING (job 000000abc)`. */
export function progressLine(elapsedMs: number, team: string, text: string): string {
    return `[${formatElapsed(elapsedMs).padStart(6)}] ${team.padEnd(12)} ${text}\n`;
}

const MARK: Record<CheckStatus, string> = { pass: "pass", fail: "FAIL", skipped: "skip" };

export function formatCheck(check: CheckResult): string {
    const lines = [`  ${MARK[check.status]}  ${check.team} ${check.id}: ${check.detail}`];
    for (const cause of check.causes ?? []) {
        lines.push(`        cause: ${cause.cause}`);
        lines.push(`          evidence: ${cause.evidence}`);
        lines.push(`          fix: ${cause.fix}`);
    }
    return lines.join("\n");
}

export function formatReport(report: SmokeReport): string {
    const lines = [``, `Smoke test of stack ${report.stack} (${report.region}) as ${report.caller.arn}:`];
    for (const check of report.checks) lines.push(formatCheck(check));
    const { cleanup } = report;
    if (cleanup.resources.length > 0)
        lines.push(
            cleanup.kept
                ? `Kept (--keep): ${cleanup.resources.join(", ")}`
                : `Cleaned up: ${cleanup.resources.join(", ")}`,
        );
    for (const failure of cleanup.failures) lines.push(`  FAIL  cleanup: ${failure}`);
    const failed = report.checks.filter((c) => c.status === "fail").length;
    const skipped = report.checks.filter((c) => c.status === "skipped").length;
    const passed = report.checks.length - failed - skipped;
    lines.push(
        report.interrupted
            ? `Interrupted: ${passed} passed, ${failed} failed before the interruption.`
            : `${passed} passed, ${failed} failed, ${skipped} skipped.`,
    );
    return `${lines.join("\n")}\n`;
}

/**
 * `npm run smoke -- --stack <name> [--team <t>…] [--timeout 20m] [--json] [--keep] [--outputs <file>]`: after
 * `pulumi up`, proves the stack runs Spark end to end, per team and in parallel, and says why when it does not.
 * Exit 0 every check passed, 1 a check failed (each named, with its evidence and likely causes), 2 bad usage, no
 * credentials, or a stack or cluster that cannot be reached (one line, no stack trace).
 */
import { randomBytes } from "node:crypto";
import { type Command, ExitCode, InputError, UsageError, callerIdentity, firstLine, parseOptions } from "../cli";
import { PROJECT_DIR } from "../plan/plan";
import { type SmokeAwsClients, defaultAwsClients } from "./aws-clients";
import { readOutputsWithAutomation } from "./automation-outputs";
import { Cleanup } from "./cleanup";
import { parseDuration } from "./duration";
import { type KubeApi, apiMessage, kubeApiFromKubeconfig, statusOf } from "./kube";
import { type SmokeReport, formatReport, progressLine, reportPassed } from "./report";
import type { RunContext, RunTimings } from "./run-context";
import { type StackOutputs, type TeamOutputs, parseStackOutputs, readOutputsFile } from "./stack-outputs";
import { runTeam } from "./team-run";

export const USAGE = `Usage: npm run smoke -- --stack <name> [--team <t>]... [--timeout 20m] [--json] [--keep] [--outputs <file>]

  --stack <name>     the deployed stack to test (its outputs are read with the Pulumi CLI)
  --team <t>         test only this team (repeatable); default every team of the stack
  --timeout <d>      give up on jobs after this long (90s, 20m, 1h); default 20m
  --json             print the report as JSON on stdout (progress goes to stderr)
  --keep             leave the SparkApplications, job runs and query Jobs in place for inspection
  --outputs <file>   read the outputs from \`pulumi stack output --json --show-secrets\` instead of the Pulumi CLI

Exit status: 0 every check passed, 1 a check failed, 2 bad usage, no AWS credentials or an unreachable stack.`;

export interface SmokeDeps {
    /** The stack's outputs by name; @default the Automation API, or the --outputs file. */
    readonly readOutputs: (stack: string, file: string | undefined) => Promise<Record<string, unknown>>;
    readonly awsClients: (region: string) => SmokeAwsClients;
    readonly kubeApi: (kubeconfig: string) => Promise<KubeApi>;
    /** Aborted on SIGINT: the run stops waiting, cleans up and reports. */
    readonly signal?: AbortSignal;
    readonly now?: () => number;
    readonly pollMs?: number;
    readonly timings?: Partial<RunTimings>;
    readonly runId?: () => string;
}

export const DEFAULT_DEPS: SmokeDeps = {
    readOutputs: (stack, file) =>
        file ? Promise.resolve(readOutputsFile(file)) : readOutputsWithAutomation(stack, PROJECT_DIR),
    awsClients: defaultAwsClients,
    kubeApi: kubeApiFromKubeconfig,
};

const DEFAULT_TIMINGS: RunTimings = { evidenceWaitMs: 120_000, operatorGraceMs: 90_000, probeTimeoutMs: 300_000 };

export function smokeCommand(deps: SmokeDeps = DEFAULT_DEPS): Command {
    return async (argv, io) => {
        const options = parseOptions(argv, {
            stack: { type: "string" },
            team: { type: "string", multiple: true },
            timeout: { type: "string", default: "20m" },
            json: { type: "boolean" },
            keep: { type: "boolean" },
            outputs: { type: "string" },
            help: { type: "boolean", short: "h" },
        });
        if (options.help) {
            io.stdout(`${USAGE}\n`);
            return ExitCode.ok;
        }
        if (!options.stack) throw new UsageError("--stack <name> is required");
        const timeoutMs = parseDuration("--timeout", options.timeout);
        const stack = options.stack;
        const outputs = parseStackOutputs(
            await deps.readOutputs(stack, options.outputs),
            options.outputs ? `outputs file ${options.outputs}` : `stack ${stack}`,
        );
        const teams = selectTeams(outputs, options.team ?? []);
        const aws = deps.awsClients(outputs.region);
        const caller = await callerIdentity(aws.sts, "smoke");
        const kube = await deps.kubeApi(outputs.kubeconfig);
        await checkClusterReachable(kube, teams, caller.arn, outputs.clusterName);

        const now = deps.now ?? Date.now;
        const startedAt = now();
        const write = (text: string) => (options.json ? io.stderr(text) : io.stdout(text));
        const signal = deps.signal ?? new AbortController().signal;
        const cleanup = new Cleanup();
        const ctx: RunContext = {
            stack,
            outputs,
            caller,
            aws,
            kube,
            cleanup,
            startedAt,
            runId: (deps.runId ?? randomRunId)(),
            clock: { deadline: startedAt + timeoutMs, signal, pollMs: deps.pollMs ?? 10_000, now },
            ...DEFAULT_TIMINGS,
            ...deps.timings,
            progress: (team, text) => write(progressLine(now() - startedAt, team, text)),
        };
        write(
            `smoke test of stack ${stack} (${outputs.region}, cluster ${outputs.clusterName}) as ${caller.arn}: ${teams.map((t) => t.name).join(", ")}; timeout ${options.timeout}, run id ${ctx.runId}\n`,
        );
        const onAbort = () => write("interrupted: stopping and cleaning up (Ctrl-C again to leave everything as is)\n");
        signal.addEventListener("abort", onAbort, { once: true });
        let checks;
        try {
            checks = (await Promise.all(teams.map((team) => runTeam(ctx, team)))).flat();
        } finally {
            signal.removeEventListener("abort", onAbort);
            if (!options.keep && cleanup.size() > 0) write(`cleaning up ${cleanup.size()} object(s)\n`);
        }
        const cleanupReport = await cleanup.run(options.keep ?? false);
        const report: SmokeReport = {
            stack,
            region: outputs.region,
            caller,
            teams: teams.map((t) => t.name),
            interrupted: signal.aborted,
            checks,
            cleanup: cleanupReport,
        };
        const passed = reportPassed(report);
        if (options.json) io.stdout(`${JSON.stringify({ ...report, passed })}\n`);
        else io.stdout(formatReport(report));
        return passed ? ExitCode.ok : ExitCode.failed;
    };
}

function randomRunId(): string {
    // Lowercase letters and digits: valid in Kubernetes names and EMR job names alike.
    return BigInt(`0x${randomBytes(5).toString("hex")}`)
        .toString(36)
        .padStart(8, "0")
        .slice(-8);
}

function selectTeams(outputs: StackOutputs, wanted: readonly string[]): TeamOutputs[] {
    if (wanted.length === 0) return [...outputs.teams];
    const known = outputs.teams.map((t) => t.name);
    for (const name of wanted)
        if (!known.includes(name))
            throw new UsageError(`--team "${name}" is not a team of the stack; its teams: ${known.join(", ")}`);
    return outputs.teams.filter((t) => wanted.includes(t.name));
}

/**
 * One read per team namespace before anything is created: an unreachable API server, a refused identity or a
 * missing namespace ends the run with one line (exit 2) instead of a failed check per team.
 */
async function checkClusterReachable(
    kube: KubeApi,
    teams: readonly TeamOutputs[],
    callerArn: string,
    clusterName: string,
): Promise<void> {
    for (const team of teams) {
        try {
            await kube.readNamespace(team.namespace);
        } catch (e) {
            const status = statusOf(e);
            const message = apiMessage(e);
            if (status === 401)
                throw new InputError(
                    `cluster ${clusterName} does not accept ${callerArn} (${message}); it needs an access entry: list it in adminPrincipals and run pulumi up`,
                );
            if (status === 403)
                throw new InputError(
                    `${callerArn} may not read namespace ${team.namespace} in cluster ${clusterName} (${message}); run smoke as a principal in adminPrincipals`,
                );
            if (status === 404)
                throw new InputError(
                    `namespace ${team.namespace} of team ${team.name} does not exist in cluster ${clusterName}; is the stack fully deployed (pulumi up)?`,
                );
            if (status !== undefined) throw new InputError(`the Kubernetes API at ${kube.server} answered ${message}`);
            if (/\baws\b.*ENOENT|spawn aws|get-token/.test(message))
                throw new InputError(
                    `the stack's kubeconfig signs in with \`aws eks get-token\`, which failed (${message}); install the AWS CLI v2 and run smoke again`,
                );
            throw new InputError(
                `cannot reach the Kubernetes API at ${kube.server} (${firstLine(message)}); with a private endpoint run smoke from a network listed in apiPrivateAccessCidrs, with a public one from apiPublicAccessCidrs`,
            );
        }
    }
}

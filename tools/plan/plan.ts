/**
 * The offline plan: runs the real program (index.ts) under `pulumi.runtime.setMocks` with a stack's configuration
 * and returns everything it registered. No AWS account, Pulumi CLI or provider plugin is involved.
 */
import * as pulumi from "@pulumi/pulumi";
import { disconnect, disconnectSync } from "@pulumi/pulumi/runtime/settings";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import * as path from "node:path";
import { partitionOf } from "../../components/vocabulary";
import { CapturedResource, captureRegistrations } from "./capture";
import { MockAccount, PlatformMocks } from "./mocks";
import { StackConfigError, readProject, readStackConfig } from "./stack-config";
import { StackExport, toStackExport } from "../stack-export";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** Account the mocks answer for when a stack file does not pin one in aws:allowedAccountIds. */
const FALLBACK_ACCOUNT = "123456789012";

export interface PlanOptions {
    stack: string;
    /** Folder holding Pulumi.yaml, the stack files and index.ts. */
    projectDir?: string;
    /** Folder holding Pulumi.<stack>.yaml, when it is not the project folder (tests plan their own fixture stacks). */
    stackDir?: string;
    /** Config values that replace the stack file's, keyed like the stack file (`autoscaler` or `aws:region`). */
    configOverrides?: Record<string, unknown>;
    /** Receives every registration as it happens, so a caller can see what a failing program left behind. */
    registrations?: CapturedResource[];
}

export interface PlanResult {
    project: string;
    stack: string;
    account: MockAccount;
    resources: CapturedResource[];
    /** Stack outputs as the program exported them. */
    outputs: Record<string, unknown>;
    stackExport: StackExport;
    elapsedMs: number;
}

export { StackConfigError };

export async function planStack(options: PlanOptions): Promise<PlanResult> {
    const started = process.hrtime.bigint();
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const project = readProject(projectDir);
    const config = readStackConfig(options.stackDir ?? projectDir, project, options.stack);
    for (const [key, value] of Object.entries(options.configOverrides ?? {})) {
        const qualified = key.includes(":") ? key : `${project.name}:${key}`;
        config.set(qualified, typeof value === "string" ? value : JSON.stringify(value));
    }
    const account = mockAccountFor(config);

    pulumi.runtime.setAllConfig(Object.fromEntries(config));
    await pulumi.runtime.setMocks(new PlatformMocks(account), project.name, options.stack, false);
    const resources = captureRegistrations(options.registrations);
    const outputs = await runProgram(path.join(projectDir, "index.ts"), () => resources.length);

    return {
        project: project.name,
        stack: options.stack,
        account,
        resources,
        outputs,
        stackExport: toStackExport(resources),
        elapsedMs: Number(process.hrtime.bigint() - started) / 1e6,
    };
}

export interface ProgramPlanOptions {
    /** Project name the program runs under (the prefix of config keys). @default "spark-platform" */
    project?: string;
    /** @default "test" */
    stack?: string;
    /** Account, region and partition the mocks answer for. */
    account?: Partial<MockAccount>;
    /** Config values, keyed `project:key` or `aws:key`. */
    config?: Record<string, string>;
}

/**
 * Runs a small program (a function that creates resources, e.g. one component with hand-made args) under the same
 * mocks and capture as the full plan, so a component can be tested, and its stack export checked by the policy
 * pack, without the rest of the platform.
 */
export async function planProgram(
    program: () => Record<string, unknown> | void,
    options: ProgramPlanOptions = {},
): Promise<Omit<PlanResult, "elapsedMs">> {
    const project = options.project ?? "spark-platform";
    const stack = options.stack ?? "test";
    const region = options.account?.region ?? "us-west-2";
    const account: MockAccount = {
        accountId: options.account?.accountId ?? FALLBACK_ACCOUNT,
        region,
        partition: options.account?.partition ?? partitionOf(region),
    };
    pulumi.runtime.setAllConfig({ "aws:region": region, ...(options.config ?? {}) });
    await pulumi.runtime.setMocks(new PlatformMocks(account), project, stack, false);
    const resources = captureRegistrations();
    const outputs = await runInStack(
        () => program() ?? {},
        () => resources.length,
    );
    return { project, stack, account, resources, outputs, stackExport: toStackExport(resources) };
}

function mockAccountFor(config: ReadonlyMap<string, string>): MockAccount {
    const region = config.get("aws:region") ?? "us-east-1";
    let accountId = FALLBACK_ACCOUNT;
    try {
        const allowed: unknown = JSON.parse(config.get("aws:allowedAccountIds") ?? "[]");
        if (Array.isArray(allowed) && typeof allowed[0] === "string" && /^\d{12}$/.test(allowed[0]))
            accountId = allowed[0];
    } catch {
        // An unparsable list is the settings parser's to report; the mocks only need some account.
    }
    return { accountId, region, partition: partitionOf(region) };
}

/**
 * Loads index.ts inside a root Stack resource, as the Pulumi language host does. The module is evicted from the
 * require cache first so a process can plan several stacks or variants one after another.
 */
async function runProgram(entry: string, registered: () => number): Promise<Record<string, unknown>> {
    const resolved = require.resolve(entry);
    delete require.cache[resolved];
    return runInStack(() => require(resolved) as Record<string, unknown>, registered);
}

/**
 * Runs `load` as the root Stack's program and waits until every registration has reached the mock engine. An error
 * the program throws while loading, or later inside an `apply` (a builder refusing its input), rejects the returned
 * promise (once), as the language host reports it; nothing waits for a registration that will never come.
 * `registered` counts the registrations the engine has received so far.
 */
async function runInStack(
    load: () => Record<string, unknown>,
    registered: () => number,
): Promise<Record<string, unknown>> {
    const failure = watchForProgramFailure();
    // The Pulumi runtime records `new Error().stack` for every promise it creates (runtime/debuggable.js), only to
    // describe promises still pending at exit. Formatting those traces (through source maps, as tsx runs
    // TypeScript) was most of a plan's time; the plan never prints them, so while the program runs traces are off.
    // An error the program throws still carries its message, which is all the plan reports.
    const sourceMaps = process.sourceMapsEnabled;
    const traceLimit = Error.stackTraceLimit;
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
    let programError: unknown;
    let succeeded = false;
    try {
        const run = runInPulumiStack(async () => {
            try {
                return load();
            } catch (e) {
                programError = e;
                rememberReported(e);
                throw e;
            }
        });
        const outputs = await Promise.race([run, failure.failed]);
        // A rejection nothing awaits (an apply feeding a component's registered outputs) may surface only after the
        // run settled: drain the RPCs and let Node report pending rejections before trusting the result.
        await Promise.race([drained(), failure.failed]);
        succeeded = true;
        return stripModuleInternals(outputs ?? {});
    } catch (e) {
        const error = programError ?? e;
        rememberReported(error);
        throw error;
    } finally {
        failure.stop();
        // Drain this run's RPCs so none of them reaches the monitor of the next plan in this process.
        if (succeeded) await disconnect();
        else await settleAfterFailure(registered);
        process.setSourceMapsEnabled(sourceMaps);
        Error.stackTraceLimit = traceLimit;
    }
}

/**
 * An error thrown inside an `apply` surfaces only as a rejection nobody handles (the Output, the registration it
 * fed), while the root Stack keeps waiting for that registration: the first such rejection while a program runs
 * fails the run. Its repeats (the same error wrapped by each Output and registration it reaches, the root Stack's
 * outputs) are dropped, as the Pulumi language host reports an error once; any other rejection outside a run is
 * rethrown as Node would. The listener is (re)installed per run: a test runner may remove process listeners
 * between files (mocha's parallel workers do), and a run without one would wait forever.
 */
function watchForProgramFailure() {
    let fail: (reason: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined); // raced in runInStack; a failure after the run ended is only recorded
    activeRun = {
        fail: (reason) => {
            rememberReported(reason);
            fail(reason);
        },
    };
    if (!process.listeners("unhandledRejection").includes(onUnhandledRejection)) {
        process.on("unhandledRejection", onUnhandledRejection);
    }
    return {
        failed,
        stop: () => {
            activeRun = undefined;
        },
    };
}

let activeRun: { fail: (reason: unknown) => void } | undefined;
const reportedErrors = new WeakSet<object>();
const reportedMessages = new Set<string>();

function rememberReported(reason: unknown): void {
    if (typeof reason === "object" && reason !== null) reportedErrors.add(reason);
    const message = messageOf(reason);
    if (message) reportedMessages.add(message);
}

function isRepeat(reason: unknown): boolean {
    if (typeof reason === "object" && reason !== null && reportedErrors.has(reason)) return true;
    const message = messageOf(reason);
    return message !== "" && [...reportedMessages].some((reported) => message.includes(reported));
}

function messageOf(reason: unknown): string {
    return reason instanceof Error ? reason.message : typeof reason === "string" ? reason : "";
}

function onUnhandledRejection(reason: unknown): void {
    if (isRepeat(reason)) return;
    if (activeRun) activeRun.fail(reason);
    else throw reason;
}

/** How long a failed run's remaining registrations may bring nothing new before they count as stuck. */
const STUCK_AFTER_MS = 100;
/** The runtime's wait for its RPC queue, without the disconnect that follows it in `disconnect()`. */
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

/**
 * After a failed run: lets the registrations still under way reach this run's engine, so that none reaches the next
 * plan's, but stops waiting once STUCK_AFTER_MS pass without a new one. A registration whose input failed (a builder
 * that threw inside an `apply`) never completes, nor does anything awaiting it, such as a component's outputs built
 * from its id: the language host exits on the error rather than waiting for it, and so does the plan.
 */
async function settleAfterFailure(registered: () => number): Promise<void> {
    let done = false;
    const drain = waitForRPCs().then(() => (done = true));
    for (let seen = -1; !done && registered() !== seen;) {
        seen = registered();
        await Promise.race([drain, new Promise((resolve) => setTimeout(resolve, STUCK_AFTER_MS))]);
    }
    disconnectSync();
}

async function drained(): Promise<void> {
    await disconnect();
    await new Promise((resolve) => setImmediate(resolve));
}

function stripModuleInternals(outputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).filter(([key]) => key !== "__esModule"));
}

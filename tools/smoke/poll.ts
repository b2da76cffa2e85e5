/**
 * Waiting for something in the cloud to change, bounded by the run's deadline and interruptible: every wait of the
 * smoke test goes through here, so a timeout and Ctrl-C end every team's jobs the same way.
 */

/** The run's clock and its end: `deadline` is the --timeout, `signal` aborts on SIGINT. */
export interface RunClock {
    readonly deadline: number;
    readonly signal: AbortSignal;
    readonly pollMs: number;
    now(): number;
}

/** Thrown when the run is interrupted (SIGINT); the command cleans up and reports it. */
export class Interrupted extends Error {
    constructor() {
        super("interrupted");
        this.name = "Interrupted";
    }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(new Interrupted());
    return new Promise((resolve, reject) => {
        const onAbort = () => {
            clearTimeout(timer);
            reject(new Interrupted());
        };
        const timer = setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        signal.addEventListener("abort", onAbort, { once: true });
    });
}

/**
 * Calls `probe` until it returns a value (not undefined) or `until` passes; resolves to the value, or to undefined
 * on timeout. Rejects with Interrupted when the run is aborted.
 */
export async function pollUntil<T>(
    clock: RunClock,
    probe: () => Promise<T | undefined>,
    until: number = clock.deadline,
): Promise<T | undefined> {
    for (;;) {
        if (clock.signal.aborted) throw new Interrupted();
        const value = await probe();
        if (value !== undefined) return value;
        const left = until - clock.now();
        if (left <= 0) return undefined;
        await sleep(Math.min(clock.pollMs, left), clock.signal);
    }
}

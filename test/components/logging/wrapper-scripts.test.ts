/**
 * The sidecar's wrapper scripts, run for real: `shellcheck` on the shipped files, then `bash` processes against
 * stand-ins for Fluent Bit (`sleep`, or a script that ignores SIGTERM or fails at start) and for the Spark
 * container's heartbeat (a separate process touching the marker, as EMR's Spark container does), with scaled
 * timings set through the same environment variables the container sets. The process boundary is what is tested
 * here, so these tests spawn processes.
 *
 * Deterministic on a loaded machine: every lower bound follows from the scripts' own arithmetic (they act only
 * once MORE than a setting has passed on a whole-second clock, so a lower bound holds however late a process runs);
 * the heartbeat timeout (3 s) is fifteen beats (0.2 s), so only a multi-second stall of the heartbeat process could
 * fake a dead Spark container; the heartbeat process itself removes the marker when told the container ended (as
 * EMR's Spark container does), so no delay of this test's own process can turn an ending into a stale heartbeat;
 * upper bounds are generous and the path taken is asserted by its log line instead.
 * The scenarios are independent (each has its own directory and markers), so `before` runs them all at once and
 * each `it` checks what its scenario observed: the file takes as long as the slowest scenario, not their sum.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, ExecFileException, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { wrapperScriptsData } from "../../../components/logging";

const SCRIPTS_DIR = path.resolve(__dirname, "../../../components/logging/scripts");
const WATCHER = path.join(SCRIPTS_DIR, "watch-main-container.sh");
const ENTRYPOINT = path.join(SCRIPTS_DIR, "entrypoint.sh");

const SECOND = 1000;
const GRACE_S = 1;
const HEARTBEAT_TIMEOUT_S = 3;
const BEAT_INTERVAL_S = 0.2;
/**
 * Upper bound for "promptly" on a loaded machine (2 cores shared by many processes: at a load average of 30 a bash
 * process has been seen to take 5 s to print its first line).
 */
const PROMPTLY_MS = 15 * SECOND;
/** Coarse filesystem timestamps may trail Date.now() by a clock tick. */
const CLOCK_TICK_MS = 50;

interface Exit {
    code: number | null;
    signal: NodeJS.Signals | null;
    at: number;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A spawned process whose exit and stderr the test can await and read. */
class Proc {
    readonly exited: Promise<Exit>;
    readonly startedAt = Date.now();
    stderr = "";
    constructor(readonly child: ChildProcess) {
        child.stderr?.on("data", (chunk: Buffer) => {
            this.stderr += chunk.toString();
        });
        this.exited = new Promise((resolve) =>
            child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
        );
    }
    get pid(): number {
        assert.ok(this.child.pid, "the process started");
        return this.child.pid;
    }
    running(): boolean {
        return this.child.exitCode === null && this.child.signalCode === null;
    }
    /** Resolves with the exit, or rejects when the process is still running after `ms`. */
    async exitWithin(ms: number): Promise<Exit> {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`still running after ${ms} ms; stderr:\n${this.stderr}`)), ms);
        });
        try {
            return await Promise.race([this.exited, timeout]);
        } finally {
            clearTimeout(timer);
        }
    }
    /** Waits `ms`, returning early if the process exits; true when it was still running throughout. */
    async stillRunningAfter(ms: number): Promise<boolean> {
        await Promise.race([this.exited, delay(ms)]);
        return this.running();
    }
}

/** Polls `condition` every 20 ms; rejects with `what` when it does not hold within `ms`. */
async function until(what: string, ms: number, condition: () => boolean): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
        await delay(20);
    }
}

describe("Fluent Bit sidecar wrapper scripts", function () {
    // The scenarios take ~6 s alone and ~12 s at a load average of 30; each wait inside is bounded on its own.
    this.timeout(60_000);
    let root: string;
    const started: Proc[] = [];

    const start = (command: string, args: string[], env: Record<string, string>): Proc => {
        const proc = new Proc(spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] }));
        started.push(proc);
        return proc;
    };

    /**
     * One scenario's own directory with both places EMR's marker can be (the driver's /var/log/fluentd, an
     * executor's /tmp), and a way to start processes with its environment.
     */
    const scenario = (name: string) => {
        const dir = fs.mkdtempSync(path.join(root, `${name}-`));
        fs.mkdirSync(path.join(dir, "fluentd"));
        fs.mkdirSync(path.join(dir, "tmp"));
        const driverMarker = path.join(dir, "fluentd", "main-container-terminated");
        const executorMarker = path.join(dir, "tmp", "main-container-terminated");
        const run = (command: string, args: string[], extraEnv: Record<string, string | undefined> = {}) => {
            const env: Record<string, string | undefined> = {
                PATH: process.env.PATH ?? "/usr/bin:/bin",
                WATCH_MARKER_FILES: `${driverMarker}:${executorMarker}`,
                WATCH_INITIAL_WAIT_SECONDS: "5",
                WATCH_HEARTBEAT_TIMEOUT_SECONDS: String(HEARTBEAT_TIMEOUT_S),
                // Each poll forks `stat` and `sleep`; no bound below depends on how often the watcher polls.
                WATCH_POLL_INTERVAL_SECONDS: "0.25",
                WATCH_FLUSH_GRACE_SECONDS: String(GRACE_S),
                ...extraEnv,
            };
            const defined = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined);
            return start(command, args, Object.fromEntries(defined));
        };
        /**
         * EMR's Spark container: touches the marker every beat; when it ends (SIGTERM here) it deletes the marker
         * itself, between two beats, so the marker cannot be touched again after it is gone.
         */
        const heartbeat = async (marker: string) => {
            const script = `trap 'rm -f -- "$0"; exit 0' TERM; while :; do touch -- "$0"; sleep ${BEAT_INTERVAL_S}; done`;
            const beats = start("bash", ["-c", script, marker], { PATH: process.env.PATH ?? "/usr/bin:/bin" });
            await until("the first heartbeat", PROMPTLY_MS, () => fs.existsSync(marker));
            return {
                /** The Spark container ends: the marker is removed. Resolves with when it was told to end. */
                end: async () => {
                    const endedAt = Date.now();
                    beats.child.kill("SIGTERM");
                    const exit = await beats.exitWithin(PROMPTLY_MS);
                    assert.ok(exit.code === 0 && !fs.existsSync(marker), "the heartbeat removed its marker");
                    return endedAt;
                },
                /** The Spark container is killed: the marker stays. Resolves with its last beat (modification time). */
                kill: async () => {
                    beats.child.kill("SIGKILL");
                    await beats.exitWithin(PROMPTLY_MS);
                    return fs.statSync(marker).mtimeMs;
                },
            };
        };
        const following = (proc: Proc, marker: string) =>
            until(`the watcher follows ${marker}`, PROMPTLY_MS, () => proc.stderr.includes(`${marker} appeared`));
        return { dir, driverMarker, executorMarker, run, heartbeat, following };
    };

    /** A stand-in Fluent Bit binary: records its arguments, then behaves as `body` says. */
    const standIn = (dir: string, body = "exec sleep 60") => {
        const bin = path.join(dir, "fluent-bit");
        fs.writeFileSync(bin, `#!/usr/bin/env bash\necho "$*" > '${dir}/args'\n${body}\n`, { mode: 0o755 });
        return { FLUENT_BIT_BIN: bin, FLUENT_BIT_CONFIG: "/etc/stand-in.conf" };
    };

    const shellcheck = () =>
        new Promise<{ error: ExecFileException | null; stdout: string }>((resolve) =>
            execFile(
                "shellcheck",
                ["--shell=bash", "--severity=style", "--external-sources", WATCHER, ENTRYPOINT],
                { cwd: SCRIPTS_DIR, encoding: "utf8" },
                (error, stdout) => resolve({ error, stdout }),
            ),
        );

    /** A cold image pull: the marker is absent for a while (default initial wait), then it appears and later goes. */
    const coldPull = async () => {
        const s = scenario("cold-pull");
        const fluentBit = s.run("sleep", ["60"]);
        const watcher = s.run("bash", [WATCHER, String(fluentBit.pid)], { WATCH_INITIAL_WAIT_SECONDS: undefined });
        const bothRunWhileAbsent = (await watcher.stillRunningAfter(1500)) && fluentBit.running();
        const beats = await s.heartbeat(s.driverMarker);
        await s.following(watcher, s.driverMarker);
        await beats.end();
        const exit = await fluentBit.exitWithin(PROMPTLY_MS);
        return { bothRunWhileAbsent, exit, watcherExit: await watcher.exitWithin(PROMPTLY_MS), watcher };
    };

    /** The heartbeat continues well past the heartbeat timeout, then the marker disappears. */
    const heartbeatContinues = async () => {
        const s = scenario("beating");
        const fluentBit = s.run("sleep", ["60"]);
        const beats = await s.heartbeat(s.driverMarker);
        const createdAt = Date.now();
        const watcher = s.run("bash", [WATCHER, String(fluentBit.pid)]);
        await s.following(watcher, s.driverMarker);
        // Without beats the first one would be stale (whole-second mtimes, "more than 3 s") at the latest 4 s later;
        // 4.3 s after it, only the beats can have kept Fluent Bit alive.
        const holdMs = (HEARTBEAT_TIMEOUT_S + 1) * SECOND + 300 - (Date.now() - createdAt);
        const aliveWhileBeating = (await fluentBit.stillRunningAfter(holdMs)) && watcher.running();
        await beats.end();
        const exit = await fluentBit.exitWithin(PROMPTLY_MS);
        return { aliveWhileBeating, exit, watcherExit: await watcher.exitWithin(PROMPTLY_MS), watcher };
    };

    const staleHeartbeat = async () => {
        const s = scenario("stale");
        const fluentBit = s.run("sleep", ["60"]);
        const beats = await s.heartbeat(s.driverMarker);
        const watcher = s.run("bash", [WATCHER, String(fluentBit.pid)]);
        await s.following(watcher, s.driverMarker);
        const lastBeatAt = await beats.kill();
        const exit = await fluentBit.exitWithin((HEARTBEAT_TIMEOUT_S + 1) * SECOND + PROMPTLY_MS);
        const markerRemains = fs.existsSync(s.driverMarker);
        return { lastBeatAt, exit, markerRemains, watcherExit: await watcher.exitWithin(PROMPTLY_MS), watcher };
    };

    const markerNeverAppears = async () => {
        const s = scenario("never");
        const fluentBit = s.run("sleep", ["60"]);
        const watcher = s.run("bash", [WATCHER, String(fluentBit.pid)], { WATCH_INITIAL_WAIT_SECONDS: "1" });
        const exit = await watcher.exitWithin(2 * SECOND + PROMPTLY_MS);
        return { exit, startedAt: watcher.startedAt, fluentBitExit: await fluentBit.exitWithin(PROMPTLY_MS), watcher };
    };

    const badSetting = async () => {
        const s = scenario("bad");
        const fluentBit = s.run("sleep", ["60"]);
        const watcher = s.run("bash", [WATCHER, String(fluentBit.pid)], { WATCH_FLUSH_GRACE_SECONDS: "soon" });
        const exit = await watcher.exitWithin(PROMPTLY_MS);
        return { exit, fluentBitRunning: fluentBit.running(), watcher };
    };

    /** An executor of a job without a monitoring configuration: only SIDECAR_SIGNAL_FILE (its /tmp) beats. */
    const executorSignalFile = async () => {
        const s = scenario("executor");
        const beats = await s.heartbeat(s.executorMarker);
        const entrypoint = s.run("bash", [ENTRYPOINT], { ...standIn(s.dir), WATCH_INITIAL_WAIT_SECONDS: "1" });
        await s.following(entrypoint, s.executorMarker);
        // Past the initial wait (1 s, acted on within 2 s): a watcher of /var/log/fluentd alone would have given up.
        const runningPastInitialWait = await entrypoint.stillRunningAfter(2 * SECOND + 1500);
        await beats.end();
        const exit = await entrypoint.exitWithin(PROMPTLY_MS);
        return { runningPastInitialWait, exit, entrypoint };
    };

    const entrypointUntilMarkerGone = async () => {
        const s = scenario("entrypoint");
        const beats = await s.heartbeat(s.driverMarker);
        const entrypoint = s.run("bash", [ENTRYPOINT], standIn(s.dir));
        await s.following(entrypoint, s.driverMarker);
        await until("the stand-in recorded its arguments", PROMPTLY_MS, () => fs.existsSync(path.join(s.dir, "args")));
        const runningWhileBeating = entrypoint.running();
        const args = fs.readFileSync(path.join(s.dir, "args"), "utf8").trim();
        await beats.end();
        const exit = await entrypoint.exitWithin(PROMPTLY_MS);
        return { runningWhileBeating, args, exit, entrypoint };
    };

    /** Fluent Bit ignores SIGTERM (stuck flushing): the watcher kills it after the grace; the container exits 0. */
    const fluentBitKilled = async () => {
        const s = scenario("killed");
        const ready = path.join(s.dir, "ready");
        const beats = await s.heartbeat(s.driverMarker);
        const entrypoint = s.run("bash", [ENTRYPOINT], standIn(s.dir, `trap '' TERM; : > '${ready}'; exec sleep 60`));
        await until("the stand-in ignores SIGTERM", PROMPTLY_MS, () => fs.existsSync(ready));
        await s.following(entrypoint, s.driverMarker);
        const removedAt = await beats.end();
        const exit = await entrypoint.exitWithin(GRACE_S * SECOND + PROMPTLY_MS);
        return { removedAt, exit, entrypoint };
    };

    /** Fluent Bit fails at start (a bad configuration): the container still exits 0, saying so. */
    const fluentBitFails = async () => {
        const s = scenario("fails");
        const entrypoint = s.run("bash", [ENTRYPOINT], standIn(s.dir, "echo 'bad config' >&2; exit 1"));
        const exit = await entrypoint.exitWithin(PROMPTLY_MS);
        return { exit, entrypoint };
    };

    const entrypointSigterm = async () => {
        const s = scenario("kubelet");
        const beats = await s.heartbeat(s.driverMarker);
        const entrypoint = s.run("bash", [ENTRYPOINT], standIn(s.dir));
        // The watcher starts after the TERM trap is set, so its following line means the trap is in place.
        await s.following(entrypoint, s.driverMarker);
        entrypoint.child.kill("SIGTERM");
        const exit = await entrypoint.exitWithin(PROMPTLY_MS);
        await beats.end();
        return { exit, entrypoint };
    };

    let runs: {
        shellcheck: ReturnType<typeof shellcheck>;
        coldPull: ReturnType<typeof coldPull>;
        heartbeatContinues: ReturnType<typeof heartbeatContinues>;
        staleHeartbeat: ReturnType<typeof staleHeartbeat>;
        markerNeverAppears: ReturnType<typeof markerNeverAppears>;
        badSetting: ReturnType<typeof badSetting>;
        executorSignalFile: ReturnType<typeof executorSignalFile>;
        entrypointUntilMarkerGone: ReturnType<typeof entrypointUntilMarkerGone>;
        fluentBitKilled: ReturnType<typeof fluentBitKilled>;
        fluentBitFails: ReturnType<typeof fluentBitFails>;
        entrypointSigterm: ReturnType<typeof entrypointSigterm>;
    };

    before(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "fluent-bit-wrapper-"));
        runs = {
            shellcheck: shellcheck(),
            coldPull: coldPull(),
            heartbeatContinues: heartbeatContinues(),
            staleHeartbeat: staleHeartbeat(),
            markerNeverAppears: markerNeverAppears(),
            badSetting: badSetting(),
            executorSignalFile: executorSignalFile(),
            entrypointUntilMarkerGone: entrypointUntilMarkerGone(),
            fluentBitKilled: fluentBitKilled(),
            fluentBitFails: fluentBitFails(),
            entrypointSigterm: entrypointSigterm(),
        };
        // Each `it` reports its own scenario's failure; here only wait until all have settled.
        await Promise.allSettled(Object.values(runs));
    });
    after(async () => {
        const running = started.splice(0).filter((proc) => proc.running());
        for (const proc of running) proc.child.kill("SIGKILL");
        await Promise.all(running.map((proc) => proc.exited));
        if (root) fs.rmSync(root, { recursive: true, force: true });
    });

    it("must pass shellcheck (shellcheck must be installed: .ci/run installs it)", async () => {
        const { error, stdout } = await runs.shellcheck;
        if (error?.code === "ENOENT") assert.fail("shellcheck is not installed: apt-get install -y shellcheck");
        if (error) assert.fail(`shellcheck found problems:\n${stdout || String(error)}`);
        assert.equal(stdout, "");
    });

    it("ships the scripts in the wrapper ConfigMap byte for byte", () => {
        assert.deepEqual(wrapperScriptsData(), {
            "entrypoint.sh": fs.readFileSync(ENTRYPOINT, "utf8"),
            "watch-main-container.sh": fs.readFileSync(WATCHER, "utf8"),
        });
    });

    it("must wait 600 s by default through a cold pull, then SIGTERM the process once the marker goes", async () => {
        const r = await runs.coldPull;
        assert.match(r.watcher.stderr, /waiting up to 600s for the Spark container's marker/);
        assert.ok(r.bothRunWhileAbsent, `both run while the marker has not appeared yet; stderr:\n${r.watcher.stderr}`);
        assert.equal(r.exit.signal, "SIGTERM", "Fluent Bit is asked to stop with SIGTERM, so it can flush");
        assert.equal(r.watcherExit.code, 0);
        assert.match(r.watcher.stderr, /was removed: the Spark container ended; sending SIGTERM/);
    });

    it("must keep the process alive while the heartbeat continues past the heartbeat timeout", async () => {
        const r = await runs.heartbeatContinues;
        assert.ok(r.aliveWhileBeating, `the process runs while the heartbeat continues; stderr:\n${r.watcher.stderr}`);
        assert.equal(r.exit.signal, "SIGTERM");
        assert.equal(r.watcherExit.code, 0);
        assert.match(r.watcher.stderr, /was removed: the Spark container ended; sending SIGTERM/);
    });

    it("must stop the process when the heartbeat stops though the marker stays (Spark container killed)", async () => {
        const r = await runs.staleHeartbeat;
        assert.equal(r.exit.signal, "SIGTERM");
        assert.ok(r.markerRemains, "the marker is still there: the stale heartbeat alone stopped it");
        const after = r.exit.at - r.lastBeatAt;
        assert.ok(after >= HEARTBEAT_TIMEOUT_S * SECOND - CLOCK_TICK_MS, `stopped ${after} ms after the last beat`);
        assert.equal(r.watcherExit.code, 0);
        assert.match(r.watcher.stderr, new RegExp(`no heartbeat on .* for more than ${HEARTBEAT_TIMEOUT_S}s`));
    });

    it("must exit cleanly with a message, stopping the process, when no marker ever appears", async () => {
        const r = await runs.markerNeverAppears;
        assert.equal(r.exit.code, 0);
        assert.ok(r.exit.at - r.startedAt >= SECOND, `gave up after ${r.exit.at - r.startedAt} ms: before 1 s`);
        assert.match(r.watcher.stderr, /no marker appeared within 1s: the Spark container never started/);
        assert.equal(r.fluentBitExit.signal, "SIGTERM");
    });

    it("must refuse a timing that is not a number, naming the variable", async () => {
        const r = await runs.badSetting;
        assert.equal(r.exit.code, 2);
        assert.match(r.watcher.stderr, /WATCH_FLUSH_GRACE_SECONDS is 'soon'/);
        assert.ok(r.fluentBitRunning, "a misconfigured watcher stops nothing");
    });

    describe("entrypoint.sh", () => {
        it("must run Fluent Bit with the mounted config, end when the watcher stops it, and exit 0", async () => {
            const r = await runs.entrypointUntilMarkerGone;
            assert.ok(r.runningWhileBeating);
            assert.equal(r.args, "-c /etc/stand-in.conf");
            assert.equal(r.exit.code, 0, "the container never fails the pod");
            assert.match(r.entrypoint.stderr, /was removed: the Spark container ended/);
            assert.match(r.entrypoint.stderr, /Fluent Bit exited with status 143: it was stopped with SIGTERM/);
        });

        it("must follow an executor's SIDECAR_SIGNAL_FILE (/tmp) when the /var/log/fluentd marker never comes", async () => {
            const r = await runs.executorSignalFile;
            assert.ok(
                r.runningPastInitialWait,
                `kept running while the executor beat; stderr:\n${r.entrypoint.stderr}`,
            );
            assert.equal(r.exit.code, 0);
            assert.match(r.entrypoint.stderr, /tmp\/main-container-terminated was removed: the Spark container ended/);
        });

        it("must exit 0 when Fluent Bit is killed after its flush grace (status 137), saying logs were lost", async () => {
            const r = await runs.fluentBitKilled;
            const after = r.exit.at - r.removedAt;
            assert.ok(
                after >= GRACE_S * SECOND,
                `ended ${after} ms after the marker went: before the ${GRACE_S} s grace`,
            );
            assert.match(r.entrypoint.stderr, new RegExp(`still running after ${GRACE_S}s; sending SIGKILL`));
            assert.match(r.entrypoint.stderr, /Fluent Bit exited with status 137: it was killed \(SIGKILL\)/);
            assert.equal(r.exit.code, 0, "a sidecar that exits non-zero makes a restartPolicy: Never pod Failed");
        });

        it("must exit 0 when Fluent Bit fails at start, logging its status", async () => {
            const r = await runs.fluentBitFails;
            assert.equal(r.exit.code, 0);
            assert.match(r.entrypoint.stderr, /bad config/);
            assert.match(r.entrypoint.stderr, /Fluent Bit exited with status 1: it failed/);
        });

        it("must pass a SIGTERM from the kubelet on to Fluent Bit and exit 0", async () => {
            const r = await runs.entrypointSigterm;
            assert.equal(r.exit.code, 0);
            assert.match(r.entrypoint.stderr, /Fluent Bit exited with status 143/);
        });
    });
});

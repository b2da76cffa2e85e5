/**
 * The sidecar's wrapper scripts, run for real: `shellcheck` on the shipped files, then `bash` processes against a
 * stand-in for Fluent Bit (`sleep`), with the smallest timings the scripts accept (1 s, 0.05 s polls) set through
 * the same environment variables the container sets. The process boundary is what is tested here, so these tests
 * spawn processes.
 *
 * The scenarios are independent (each has its own directory and marker), so `before` runs them all at once and
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

/** The scripts count whole seconds and act only once MORE than the setting has passed: up to 2 s for "1". */
const SECOND = 1000;
const GRACE_S = 1;
const HEARTBEAT_TIMEOUT_S = 1;
/** Slack for a loaded machine (2 cores shared by many processes) on every upper bound. */
const SLACK_MS = 1500;

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
    this.timeout(20_000);
    let root: string;
    const started: Proc[] = [];
    /** Markers whose heartbeat runs: what EMR's Spark container does (touch every 2 s; here every 0.1 s). */
    const beating = new Set<string>();
    let heartbeat: NodeJS.Timeout | undefined;
    let lastBeat = new Map<string, number>();

    const beginHeartbeat = (marker: string) => {
        fs.writeFileSync(marker, "");
        lastBeat.set(marker, Date.now());
        beating.add(marker);
    };
    const stopHeartbeat = (marker: string) => {
        beating.delete(marker);
    };

    /** One scenario's own directory and marker, and a way to start processes with its environment. */
    const scenario = (name: string) => {
        const dir = fs.mkdtempSync(path.join(root, `${name}-`));
        const marker = path.join(dir, "main-container-terminated");
        const start = (command: string, args: string[], extraEnv: Record<string, string> = {}): Proc => {
            const env = {
                PATH: process.env.PATH ?? "/usr/bin:/bin",
                WATCH_MARKER_FILE: marker,
                WATCH_INITIAL_WAIT_SECONDS: "1",
                WATCH_HEARTBEAT_TIMEOUT_SECONDS: String(HEARTBEAT_TIMEOUT_S),
                WATCH_POLL_INTERVAL_SECONDS: "0.05",
                WATCH_FLUSH_GRACE_SECONDS: String(GRACE_S),
                ...extraEnv,
            };
            const proc = new Proc(spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] }));
            started.push(proc);
            return proc;
        };
        const following = (proc: Proc) =>
            until("the watcher follows the heartbeat", 5 * SECOND, () => /appeared; following/.test(proc.stderr));
        return { dir, marker, start, following };
    };

    /** A stand-in Fluent Bit binary: records its arguments, then sleeps as Fluent Bit would run. */
    const standInBinary = (dir: string) => {
        const bin = path.join(dir, "fluent-bit");
        fs.writeFileSync(bin, `#!/usr/bin/env bash\necho "$*" > '${dir}/args'\nexec sleep 60\n`, { mode: 0o755 });
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

    /** Marker absent for a while, then it appears, then it disappears. */
    const markerLifecycle = async () => {
        const s = scenario("lifecycle");
        const fluentBit = s.start("sleep", ["60"]);
        // Long enough for several polls, shorter than the 1 s initial wait can ever fire.
        const watcher = s.start("bash", [WATCHER, String(fluentBit.pid)], { WATCH_INITIAL_WAIT_SECONDS: "2" });
        const bothRunWhileAbsent = (await watcher.stillRunningAfter(400)) && fluentBit.running();
        beginHeartbeat(s.marker);
        await s.following(watcher);
        stopHeartbeat(s.marker);
        const removedAt = Date.now();
        fs.rmSync(s.marker);
        const exit = await fluentBit.exitWithin(GRACE_S * SECOND + SLACK_MS);
        return { bothRunWhileAbsent, removedAt, exit, watcherExit: await watcher.exitWithin(SECOND), watcher };
    };

    /** The heartbeat continues well past the heartbeat timeout, then the marker disappears. */
    const heartbeatContinues = async () => {
        const s = scenario("beating");
        const fluentBit = s.start("sleep", ["60"]);
        beginHeartbeat(s.marker);
        const createdAt = Date.now();
        const watcher = s.start("bash", [WATCHER, String(fluentBit.pid)]);
        await s.following(watcher);
        // Without beats the marker made at `createdAt` is stale (whole-second mtimes, "more than 1 s") at the latest
        // 2 s later; 2.3 s after it, only the beats can have kept Fluent Bit alive.
        const holdMs = (HEARTBEAT_TIMEOUT_S + 1) * SECOND + 300 - (Date.now() - createdAt);
        const aliveWhileBeating = (await fluentBit.stillRunningAfter(holdMs)) && watcher.running();
        stopHeartbeat(s.marker);
        const removedAt = Date.now();
        fs.rmSync(s.marker);
        const exit = await fluentBit.exitWithin(GRACE_S * SECOND + SLACK_MS);
        return { aliveWhileBeating, removedAt, exit, watcherExit: await watcher.exitWithin(SECOND), watcher };
    };

    const ignoresSigterm = async () => {
        const s = scenario("stubborn");
        const ready = path.join(s.dir, "ready");
        const stubborn = s.start("bash", ["-c", `trap '' TERM; : > '${ready}'; exec sleep 60`]);
        beginHeartbeat(s.marker);
        const watcher = s.start("bash", [WATCHER, String(stubborn.pid)]);
        await until("the stand-in ignores SIGTERM", 5 * SECOND, () => fs.existsSync(ready));
        await s.following(watcher);
        stopHeartbeat(s.marker);
        const removedAt = Date.now();
        fs.rmSync(s.marker);
        const exit = await stubborn.exitWithin(2 * GRACE_S * SECOND + SLACK_MS);
        return { removedAt, exit, watcherExit: await watcher.exitWithin(SECOND), watcher };
    };

    const staleHeartbeat = async () => {
        const s = scenario("stale");
        const fluentBit = s.start("sleep", ["60"]);
        beginHeartbeat(s.marker);
        const watcher = s.start("bash", [WATCHER, String(fluentBit.pid)]);
        await s.following(watcher);
        stopHeartbeat(s.marker);
        const lastBeatAt = lastBeat.get(s.marker) ?? 0;
        const exit = await fluentBit.exitWithin(2 * HEARTBEAT_TIMEOUT_S * SECOND + SLACK_MS);
        const markerRemains = fs.existsSync(s.marker);
        return { lastBeatAt, exit, markerRemains, watcherExit: await watcher.exitWithin(SECOND), watcher };
    };

    const markerNeverAppears = async () => {
        const s = scenario("never");
        const fluentBit = s.start("sleep", ["60"]);
        const watcher = s.start("bash", [WATCHER, String(fluentBit.pid)]);
        const exit = await watcher.exitWithin(2 * SECOND + SLACK_MS);
        return { exit, startedAt: watcher.startedAt, fluentBitExit: await fluentBit.exitWithin(500), watcher };
    };

    const badSetting = async () => {
        const s = scenario("bad");
        const fluentBit = s.start("sleep", ["60"]);
        const watcher = s.start("bash", [WATCHER, String(fluentBit.pid)], { WATCH_FLUSH_GRACE_SECONDS: "soon" });
        const exit = await watcher.exitWithin(2 * SECOND);
        return { exit, fluentBitRunning: fluentBit.running(), watcher };
    };

    const entrypointUntilMarkerGone = async () => {
        const s = scenario("entrypoint");
        beginHeartbeat(s.marker);
        const entrypoint = s.start("bash", [ENTRYPOINT], standInBinary(s.dir));
        await s.following(entrypoint);
        await until("the stand-in recorded its arguments", 5 * SECOND, () => fs.existsSync(path.join(s.dir, "args")));
        const runningWhileBeating = entrypoint.running();
        const args = fs.readFileSync(path.join(s.dir, "args"), "utf8").trim();
        stopHeartbeat(s.marker);
        fs.rmSync(s.marker);
        const exit = await entrypoint.exitWithin(GRACE_S * SECOND + SLACK_MS);
        return { runningWhileBeating, args, exit, entrypoint };
    };

    const entrypointSigterm = async () => {
        const s = scenario("kubelet");
        beginHeartbeat(s.marker);
        const entrypoint = s.start("bash", [ENTRYPOINT], standInBinary(s.dir));
        // The watcher starts after the TERM trap is set, so its first line means the trap is in place.
        await s.following(entrypoint);
        entrypoint.child.kill("SIGTERM");
        const exit = await entrypoint.exitWithin(SLACK_MS);
        return { exit, entrypoint };
    };

    let runs: {
        shellcheck: ReturnType<typeof shellcheck>;
        markerLifecycle: ReturnType<typeof markerLifecycle>;
        heartbeatContinues: ReturnType<typeof heartbeatContinues>;
        ignoresSigterm: ReturnType<typeof ignoresSigterm>;
        staleHeartbeat: ReturnType<typeof staleHeartbeat>;
        markerNeverAppears: ReturnType<typeof markerNeverAppears>;
        badSetting: ReturnType<typeof badSetting>;
        entrypointUntilMarkerGone: ReturnType<typeof entrypointUntilMarkerGone>;
        entrypointSigterm: ReturnType<typeof entrypointSigterm>;
    };

    before(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "fluent-bit-wrapper-"));
        lastBeat = new Map();
        heartbeat = setInterval(() => {
            const t = new Date();
            for (const marker of beating) {
                fs.utimesSync(marker, t, t);
                lastBeat.set(marker, t.getTime());
            }
        }, 100);
        runs = {
            shellcheck: shellcheck(),
            markerLifecycle: markerLifecycle(),
            heartbeatContinues: heartbeatContinues(),
            ignoresSigterm: ignoresSigterm(),
            staleHeartbeat: staleHeartbeat(),
            markerNeverAppears: markerNeverAppears(),
            badSetting: badSetting(),
            entrypointUntilMarkerGone: entrypointUntilMarkerGone(),
            entrypointSigterm: entrypointSigterm(),
        };
        // Each `it` reports its own scenario's failure; here only wait until all have settled.
        await Promise.allSettled(Object.values(runs));
    });
    after(() => {
        clearInterval(heartbeat);
        beating.clear();
        for (const proc of started.splice(0)) if (proc.running()) proc.child.kill("SIGKILL");
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

    it("must wait while the marker is absent, then SIGTERM the process within the grace once it goes", async () => {
        const r = await runs.markerLifecycle;
        assert.ok(r.bothRunWhileAbsent, `both run while the marker has not appeared yet; stderr:\n${r.watcher.stderr}`);
        assert.equal(r.exit.signal, "SIGTERM", "Fluent Bit is asked to stop with SIGTERM, so it can flush");
        const after = r.exit.at - r.removedAt;
        assert.ok(after < GRACE_S * SECOND, `stopped ${after} ms after the marker disappeared`);
        assert.equal(r.watcherExit.code, 0);
        assert.match(r.watcher.stderr, /was removed: the Spark container ended; sending SIGTERM/);
    });

    it("must keep the process alive while the heartbeat continues past the heartbeat timeout", async () => {
        const r = await runs.heartbeatContinues;
        assert.ok(r.aliveWhileBeating, `the process runs while the heartbeat continues; stderr:\n${r.watcher.stderr}`);
        assert.equal(r.exit.signal, "SIGTERM");
        const after = r.exit.at - r.removedAt;
        assert.ok(after < GRACE_S * SECOND, `stopped ${after} ms after the marker disappeared`);
        assert.equal(r.watcherExit.code, 0);
        assert.match(r.watcher.stderr, /was removed: the Spark container ended; sending SIGTERM/);
    });

    it("must kill a process that ignores SIGTERM once the flush grace has passed", async () => {
        const r = await runs.ignoresSigterm;
        assert.equal(r.exit.signal, "SIGKILL");
        const after = r.exit.at - r.removedAt;
        assert.ok(after >= GRACE_S * SECOND, `killed ${after} ms after removal: before the ${GRACE_S} s grace`);
        assert.equal(r.watcherExit.code, 0);
        assert.match(r.watcher.stderr, new RegExp(`still running after ${GRACE_S}s; sending SIGKILL`));
    });

    it("must stop the process when the heartbeat stops though the marker stays (Spark container killed)", async () => {
        const r = await runs.staleHeartbeat;
        assert.equal(r.exit.signal, "SIGTERM");
        assert.ok(r.markerRemains, "the marker is still there: the stale heartbeat alone stopped it");
        const after = r.exit.at - r.lastBeatAt;
        assert.ok(after >= HEARTBEAT_TIMEOUT_S * SECOND, `stopped ${after} ms after the last beat: too early`);
        assert.equal(r.watcherExit.code, 0);
        assert.match(r.watcher.stderr, new RegExp(`no heartbeat on .* for more than ${HEARTBEAT_TIMEOUT_S}s`));
    });

    it("must exit cleanly with a message, stopping the process, when the marker never appears", async () => {
        const r = await runs.markerNeverAppears;
        assert.equal(r.exit.code, 0);
        assert.ok(r.exit.at - r.startedAt >= SECOND, `gave up after ${r.exit.at - r.startedAt} ms: before 1 s`);
        assert.match(r.watcher.stderr, /did not appear within 1s: the Spark container never started/);
        assert.equal(r.fluentBitExit.signal, "SIGTERM");
    });

    it("must refuse a timing that is not a number, naming the variable", async () => {
        const r = await runs.badSetting;
        assert.equal(r.exit.code, 2);
        assert.match(r.watcher.stderr, /WATCH_FLUSH_GRACE_SECONDS is 'soon'/);
        assert.ok(r.fluentBitRunning, "a misconfigured watcher stops nothing");
    });

    describe("entrypoint.sh", () => {
        it("must run Fluent Bit with the mounted config and end when the watcher stops it", async () => {
            const r = await runs.entrypointUntilMarkerGone;
            assert.ok(r.runningWhileBeating);
            assert.equal(r.args, "-c /etc/stand-in.conf");
            assert.equal(r.exit.code, 128 + 15, "the container ends with Fluent Bit's status (the stand-in's SIGTERM)");
            assert.match(r.entrypoint.stderr, /was removed: the Spark container ended/);
        });

        it("must pass a SIGTERM from the kubelet on to Fluent Bit", async () => {
            const r = await runs.entrypointSigterm;
            assert.equal(r.exit.code, 128 + 15);
            assert.match(r.entrypoint.stderr, /Fluent Bit exited with status 143/);
        });
    });
});

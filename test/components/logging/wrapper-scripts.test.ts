/**
 * The sidecar's wrapper scripts, run for real: `shellcheck` on the shipped files, then `bash` processes against a
 * stand-in for Fluent Bit (`sleep`), with small intervals set through the same environment variables the
 * container sets. The process boundary is what is tested here, so these tests spawn processes.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { wrapperScriptsData } from "../../../components/logging";

const SCRIPTS_DIR = path.resolve(__dirname, "../../../components/logging/scripts");
const WATCHER = path.join(SCRIPTS_DIR, "watch-main-container.sh");
const ENTRYPOINT = path.join(SCRIPTS_DIR, "entrypoint.sh");

interface Exit {
    code: number | null;
    signal: NodeJS.Signals | null;
    at: number;
}

/** A spawned process whose exit and stderr the test can await and read. */
class Proc {
    readonly exited: Promise<Exit>;
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
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Fluent Bit sidecar wrapper scripts", function () {
    this.timeout(20_000);
    let dir: string;
    let marker: string;
    const started: Proc[] = [];
    let heartbeat: NodeJS.Timeout | undefined;

    const env = (overrides: Record<string, string> = {}) => ({
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        WATCH_MARKER_FILE: marker,
        WATCH_INITIAL_WAIT_SECONDS: "3",
        WATCH_HEARTBEAT_TIMEOUT_SECONDS: "3",
        WATCH_POLL_INTERVAL_SECONDS: "0.2",
        WATCH_FLUSH_GRACE_SECONDS: "2",
        ...overrides,
    });
    const start = (command: string, args: string[], extraEnv?: Record<string, string>): Proc => {
        const proc = new Proc(spawn(command, args, { env: env(extraEnv), stdio: ["ignore", "ignore", "pipe"] }));
        started.push(proc);
        return proc;
    };
    /** What EMR's Spark container does: create the marker and touch it every 0.5 s (EMR: every 2 s). */
    const beginHeartbeat = () => {
        fs.writeFileSync(marker, "");
        heartbeat = setInterval(() => {
            const t = new Date();
            fs.utimesSync(marker, t, t);
        }, 500);
    };
    const stopHeartbeat = () => {
        clearInterval(heartbeat);
        heartbeat = undefined;
    };

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "fluent-bit-wrapper-"));
        marker = path.join(dir, "main-container-terminated");
    });
    afterEach(() => {
        stopHeartbeat();
        for (const proc of started.splice(0)) if (proc.running()) proc.child.kill("SIGKILL");
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("must pass shellcheck (shellcheck must be installed: .ci/run installs it)", () => {
        let output = "";
        try {
            output = execFileSync(
                "shellcheck",
                ["--shell=bash", "--severity=style", "--external-sources", WATCHER, ENTRYPOINT],
                {
                    cwd: SCRIPTS_DIR,
                    encoding: "utf8",
                },
            );
        } catch (e) {
            const err = e as NodeJS.ErrnoException & { stdout?: string };
            if (err.code === "ENOENT") assert.fail("shellcheck is not installed: apt-get install -y shellcheck");
            assert.fail(`shellcheck found problems:\n${err.stdout ?? String(e)}`);
        }
        assert.equal(output, "");
    });

    it("ships the scripts in the wrapper ConfigMap byte for byte", () => {
        assert.deepEqual(wrapperScriptsData(), {
            "entrypoint.sh": fs.readFileSync(ENTRYPOINT, "utf8"),
            "watch-main-container.sh": fs.readFileSync(WATCHER, "utf8"),
        });
    });

    it(
        "must wait while the marker is absent, keep the process alive while the heartbeat continues, and " +
            "terminate it within the grace once the marker disappears",
        async () => {
            const fluentBit = start("sleep", ["60"]);
            const watcher = start("bash", [WATCHER, String(fluentBit.pid)]);
            await sleep(1500);
            assert.ok(watcher.running() && fluentBit.running(), "both run while the marker has not appeared yet");

            beginHeartbeat();
            // Past both the initial wait (3 s from the start) and the heartbeat timeout (3 s): only beats keep it
            // alive.
            await sleep(4000);
            assert.ok(
                fluentBit.running(),
                `the process runs while the heartbeat continues; stderr:\n${watcher.stderr}`,
            );

            stopHeartbeat();
            const removedAt = Date.now();
            fs.rmSync(marker);
            const exit = await fluentBit.exitWithin(2000 + 1000);
            assert.equal(exit.signal, "SIGTERM", "Fluent Bit is asked to stop with SIGTERM, so it can flush");
            assert.ok(exit.at - removedAt < 2000, `stopped ${exit.at - removedAt} ms after the marker disappeared`);
            assert.equal((await watcher.exitWithin(1000)).code, 0);
            assert.match(watcher.stderr, /was removed: the Spark container ended; sending SIGTERM/);
        },
    );

    it("must kill a process that ignores SIGTERM once the flush grace has passed", async () => {
        const stubborn = start("bash", ["-c", "trap '' TERM; exec sleep 60"]);
        beginHeartbeat();
        const watcher = start("bash", [WATCHER, String(stubborn.pid)]);
        await sleep(800);
        stopHeartbeat();
        const removedAt = Date.now();
        fs.rmSync(marker);
        const exit = await stubborn.exitWithin(2000 + 1500);
        assert.equal(exit.signal, "SIGKILL");
        assert.ok(exit.at - removedAt >= 2000, `killed ${exit.at - removedAt} ms after removal: before the 2 s grace`);
        assert.equal((await watcher.exitWithin(1000)).code, 0);
        assert.match(watcher.stderr, /still running after 2s; sending SIGKILL/);
    });

    it("must stop the process when the heartbeat stops though the marker stays (Spark container killed)", async () => {
        const fluentBit = start("sleep", ["60"]);
        beginHeartbeat();
        const watcher = start("bash", [WATCHER, String(fluentBit.pid)]);
        await sleep(1000);
        stopHeartbeat();
        const exit = await fluentBit.exitWithin(3000 + 1000 + 1500);
        assert.equal(exit.signal, "SIGTERM");
        assert.ok(fs.existsSync(marker), "the marker is still there: the stale heartbeat alone stopped it");
        assert.equal((await watcher.exitWithin(1000)).code, 0);
        assert.match(watcher.stderr, /no heartbeat on .* for more than 3s/);
    });

    it("must exit cleanly with a message, stopping the process, when the marker never appears", async () => {
        const fluentBit = start("sleep", ["60"]);
        const watcher = start("bash", [WATCHER, String(fluentBit.pid)], { WATCH_INITIAL_WAIT_SECONDS: "1" });
        const exit = await watcher.exitWithin(1000 + 2000);
        assert.equal(exit.code, 0);
        assert.match(watcher.stderr, /did not appear within 1s: the Spark container never started/);
        assert.equal((await fluentBit.exitWithin(500)).signal, "SIGTERM");
    });

    it("must refuse a timing that is not a number, naming the variable", async () => {
        const fluentBit = start("sleep", ["60"]);
        const watcher = start("bash", [WATCHER, String(fluentBit.pid)], { WATCH_FLUSH_GRACE_SECONDS: "soon" });
        assert.equal((await watcher.exitWithin(2000)).code, 2);
        assert.match(watcher.stderr, /WATCH_FLUSH_GRACE_SECONDS is 'soon'/);
        assert.ok(fluentBit.running(), "a misconfigured watcher stops nothing");
    });

    describe("entrypoint.sh", () => {
        /** A stand-in Fluent Bit binary: records its arguments, then sleeps as Fluent Bit would run. */
        const standInBinary = () => {
            const bin = path.join(dir, "fluent-bit");
            fs.writeFileSync(bin, `#!/usr/bin/env bash\necho "$*" > '${dir}/args'\nexec sleep 60\n`, { mode: 0o755 });
            return { FLUENT_BIT_BIN: bin, FLUENT_BIT_CONFIG: "/etc/stand-in.conf" };
        };

        it("must run Fluent Bit with the mounted config and end when the watcher stops it", async () => {
            beginHeartbeat();
            const entrypoint = start("bash", [ENTRYPOINT], standInBinary());
            await sleep(1000);
            assert.ok(entrypoint.running());
            assert.equal(fs.readFileSync(path.join(dir, "args"), "utf8").trim(), "-c /etc/stand-in.conf");
            stopHeartbeat();
            fs.rmSync(marker);
            const exit = await entrypoint.exitWithin(2000 + 1500);
            assert.equal(
                exit.code,
                128 + 15,
                "the container ends with Fluent Bit's status (here: the stand-in's SIGTERM)",
            );
            assert.match(entrypoint.stderr, /was removed: the Spark container ended/);
        });

        it("must pass a SIGTERM from the kubelet on to Fluent Bit", async () => {
            beginHeartbeat();
            const entrypoint = start("bash", [ENTRYPOINT], standInBinary());
            await sleep(1000);
            entrypoint.child.kill("SIGTERM");
            const exit = await entrypoint.exitWithin(1500);
            assert.equal(exit.code, 128 + 15);
            assert.match(entrypoint.stderr, /Fluent Bit exited with status 143/);
        });
    });
});

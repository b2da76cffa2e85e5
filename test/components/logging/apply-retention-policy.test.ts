/**
 * The retention Job's script, run for real (POSIX sh and curl, as in the curl image) against a stand-in for the ISM
 * API that keeps ISM's rules: a policy is created by a PUT without a version, updated only by a PUT naming its
 * current `_seq_no`/`_primary_term`, and anything else is a 409; `add`/`change_policy` need the policy to exist.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { LOG_RETENTION_POLICY_ID, logIndexPrefix } from "../../../components/vocabulary";
import { retentionIndexPatterns, retentionPolicy } from "../../../components/logging";

const SCRIPT = path.resolve(__dirname, "../../../components/logging/scripts/apply-retention-policy.sh");
const POLICY_PATH = `/_plugins/_ism/policies/${LOG_RETENTION_POLICY_ID}`;
const PREFIXES = [logIndexPrefix("team-a"), logIndexPrefix("data-eng")];

interface Stored {
    body: unknown;
    seqNo: number;
    primaryTerm: number;
}

/** A stand-in for the ISM REST API, recording every request. */
class FakeIsm {
    policy: Stored | undefined;
    readonly requests: { method: string; url: string; body: string }[] = [];
    /** Forced answers, by `METHOD path-without-query`. */
    readonly forced = new Map<string, number>();
    private server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
            this.requests.push({ method: req.method ?? "", url: req.url ?? "", body });
            const [status, answer] = this.answer(req.method ?? "", new URL(req.url ?? "", "http://x"), body);
            res.writeHead(status, { "Content-Type": "application/json" });
            res.end(JSON.stringify(answer));
        });
    });

    start(): Promise<string> {
        return new Promise((resolve) =>
            this.server.listen(0, "127.0.0.1", () =>
                resolve(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}`),
            ),
        );
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }

    private answer(method: string, url: URL, body: string): [number, unknown] {
        const forced = this.forced.get(`${method} ${url.pathname}`);
        if (forced !== undefined) return [forced, { error: "forced", status: forced }];
        const seq = url.searchParams.get("if_seq_no");
        const term = url.searchParams.get("if_primary_term");
        if (url.pathname === POLICY_PATH && method === "GET") {
            if (!this.policy) return [404, { error: { type: "status_exception", reason: "Policy not found" } }];
            const { seqNo, primaryTerm, body: policy } = this.policy;
            return [
                200,
                {
                    _id: LOG_RETENTION_POLICY_ID,
                    _version: seqNo + 1,
                    _seq_no: seqNo,
                    _primary_term: primaryTerm,
                    policy,
                },
            ];
        }
        if (url.pathname === POLICY_PATH && method === "PUT") {
            if (!this.policy && seq === null) {
                this.policy = { body: JSON.parse(body), seqNo: 0, primaryTerm: 1 };
                return [201, { _id: LOG_RETENTION_POLICY_ID, _seq_no: 0, _primary_term: 1 }];
            }
            if (!this.policy || seq !== String(this.policy.seqNo) || term !== String(this.policy.primaryTerm)) {
                return [409, { error: { type: "version_conflict_engine_exception" }, status: 409 }];
            }
            this.policy = { body: JSON.parse(body), seqNo: this.policy.seqNo + 1, primaryTerm: 1 };
            return [200, { _id: LOG_RETENTION_POLICY_ID, _seq_no: this.policy.seqNo, _primary_term: 1 }];
        }
        const attach = /^\/_plugins\/_ism\/(add|change_policy)\/([^/]+)$/.exec(url.pathname);
        if (attach && method === "POST") {
            if (!this.policy || (JSON.parse(body) as { policy_id?: string }).policy_id !== LOG_RETENTION_POLICY_ID) {
                return [404, { error: { reason: "Could not find policy" } }];
            }
            return [200, { updated_indices: 2, failures: false, failed_indices: [] }];
        }
        return [400, { error: `unexpected ${method} ${url.pathname}` }];
    }
}

/** Runs the script with sh (dash here, busybox ash in the image) and curl; resolves with its exit code and stderr. */
function runScript(
    url: string,
    days: number,
    env: Record<string, string> = {},
): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn("sh", [SCRIPT], {
            env: {
                PATH: process.env.PATH ?? "/usr/bin:/bin",
                OPENSEARCH_URL: url,
                ISM_POLICY_ID: LOG_RETENTION_POLICY_ID,
                ISM_POLICY: JSON.stringify(retentionPolicy({ retentionDays: days, indexPrefixes: PREFIXES })),
                ISM_INDEX_PATTERNS: retentionIndexPatterns(PREFIXES).join(" "),
                ...env,
            },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
    });
}

const minAge = (ism: FakeIsm) =>
    (ism.policy?.body as ReturnType<typeof retentionPolicy>).policy.states[0].transitions[0].conditions.min_index_age;

describe("apply-retention-policy.sh against a stand-in ISM API", function () {
    this.timeout(20_000);
    let ism: FakeIsm;
    let url: string;
    beforeEach(async () => {
        ism = new FakeIsm();
        url = await ism.start();
    });
    afterEach(() => ism.stop());

    it("creates the policy on a fresh domain, then attaches it to each team's existing and managed indices", async () => {
        const run = await runScript(url, 30);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(minAge(ism), "30d");
        assert.deepEqual(
            ism.requests.map((r) => `${r.method} ${r.url}`),
            [
                `GET ${POLICY_PATH}`,
                `PUT ${POLICY_PATH}`,
                "POST /_plugins/_ism/add/spark-logs-data-eng-*",
                "POST /_plugins/_ism/change_policy/spark-logs-data-eng-*",
                "POST /_plugins/_ism/add/spark-logs-team-a-*",
                "POST /_plugins/_ism/change_policy/spark-logs-team-a-*",
            ],
        );
        for (const r of ism.requests.filter((r) => r.method === "POST")) {
            assert.deepEqual(JSON.parse(r.body), { policy_id: LOG_RETENTION_POLICY_ID });
        }
    });

    it("updates an existing policy with the seq_no and primary_term it read, and is idempotent", async () => {
        ism.policy = { body: { policy: { description: "old" } }, seqNo: 7, primaryTerm: 3 };
        const first = await runScript(url, 14);
        assert.equal(first.code, 0, first.stderr);
        assert.ok(ism.requests.some((r) => r.url === `${POLICY_PATH}?if_seq_no=7&if_primary_term=3`));
        assert.equal(minAge(ism), "14d");
        // The same Job run again (a retried pod) reads the new version and writes the same document.
        const second = await runScript(url, 14);
        assert.equal(second.code, 0, second.stderr);
        assert.equal(ism.policy?.seqNo, 9);
        assert.equal(minAge(ism), "14d");
    });

    for (const [what, key, status] of [
        ["the policy write is refused", `PUT ${POLICY_PATH}`, 403],
        ["the policy changed under it (version conflict)", `PUT ${POLICY_PATH}`, 409],
        ["attaching the policy is refused", "POST /_plugins/_ism/add/spark-logs-team-a-*", 403],
        ["the domain answers an error it cannot retry", `GET ${POLICY_PATH}`, 400],
    ] as const) {
        it(`fails (non-zero exit, naming the request and status) when ${what}`, async () => {
            ism.forced.set(key, status);
            const run = await runScript(url, 30);
            assert.notEqual(run.code, 0);
            assert.match(run.stderr, new RegExp(`${key.split(" ")[0]} [^:]*: HTTP ${status}`));
        });
    }

    it("waits for access that has not propagated yet, and gives up after AUTH_WAIT_SECONDS", async () => {
        ism.forced.set(`GET ${POLICY_PATH}`, 403);
        const run = await runScript(url, 30, { AUTH_WAIT_SECONDS: "0" });
        assert.notEqual(run.code, 0);
        assert.match(run.stderr, /GET \/_plugins\/_ism\/policies\/spark-logs-retention: HTTP 403 after 0s/);
        assert.ok(!ism.requests.some((r) => r.method === "PUT"), "nothing is written without read access");
    });
});

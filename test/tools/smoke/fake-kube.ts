/**
 * A fake Kubernetes API server on 127.0.0.1 for the smoke tests: just the paths smoke calls, with state a test
 * sets up (pods, events, quotas, the SparkApplication's status over time) and a log of every request. Started per
 * test and closed after it.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

type Json = Record<string, unknown>;

export interface FakeKubeState {
    namespaces: Set<string>;
    sparkApplications: Map<string, Json>;
    jobs: Map<string, Json>;
    pods: Map<string, Json[]>;
    events: Map<string, Json[]>;
    quotas: Map<string, Json[]>;
    podLogs: Map<string, string>;
}

export class FakeKube {
    readonly requests: string[] = [];
    readonly state: FakeKubeState = {
        namespaces: new Set(),
        sparkApplications: new Map(),
        jobs: new Map(),
        pods: new Map(),
        events: new Map(),
        quotas: new Map(),
        podLogs: new Map(),
    };
    /** Refuses object creation with this Status (e.g. an admission denial), by kind. */
    refuse: Partial<Record<"SparkApplication" | "Job", { code: number; message: string }>> = {};
    /** The `status` a SparkApplication shows on its n-th read (from 1). */
    applicationStatus: (reads: number) => Json | undefined = () => ({ applicationState: { state: "COMPLETED" } });
    /** The `status` of a created Job on each read. */
    jobStatus: (reads: number) => Json = () => ({ succeeded: 1 });
    /** Log of the query Job's pod. */
    probeLog = "";
    /** Answers of the service proxy, by proxied path (without query). */
    proxy: (path: string) => { status: number; body: string } = () => ({ status: 404, body: "no service" });
    /** Status of every request (401 for an identity the cluster does not accept). */
    authStatus = 200;

    /** Where the server listens, once started. */
    url = "";
    private server?: http.Server;
    private reads = new Map<string, number>();

    async start(): Promise<string> {
        this.server = http.createServer((req, res) => this.handle(req, res));
        await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this.url;
    }

    async close(): Promise<void> {
        const server = this.server;
        if (!server) return;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    /** A kubeconfig (JSON, as the stack output is) for this server with a bearer token. */
    kubeconfig(server: string): string {
        return JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            // client-node refuses plain HTTP unless TLS verification is off.
            clusters: [{ name: "fake", cluster: { server, "insecure-skip-tls-verify": true } }],
            users: [{ name: "smoke", user: { token: "fake-token" } }],
            contexts: [{ name: "fake", context: { cluster: "fake", user: "smoke" } }],
            "current-context": "fake",
        });
    }

    countOf(request: string): number {
        return this.requests.filter((r) => r === request).length;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "http://fake");
            const method = req.method ?? "GET";
            this.requests.push(`${method} ${url.pathname}`);
            const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json) : undefined;
            const answer = this.route(method, url, body);
            const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
            res.writeHead(answer.status, {
                "content-type": typeof answer.body === "string" ? "text/plain" : "application/json",
            });
            res.end(text);
        });
    }

    private route(method: string, url: URL, body: Json | undefined): { status: number; body: Json | string } {
        if (this.authStatus !== 200) return status(this.authStatus, "Unauthorized");
        const path = url.pathname;
        let m: RegExpExecArray | null;
        if ((m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(path)) && method === "GET")
            return this.state.namespaces.has(m[1])
                ? { status: 200, body: { kind: "Namespace", apiVersion: "v1", metadata: { name: m[1] } } }
                : status(404, `namespaces "${m[1]}" not found`);
        if (
            (m = /^\/apis\/sparkoperator\.k8s\.io\/v1beta2\/namespaces\/([^/]+)\/sparkapplications(?:\/([^/]+))?$/.exec(
                path,
            ))
        )
            return this.sparkApplication(method, m[1], m[2], body);
        if ((m = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/.exec(path)))
            return this.job(method, m[1], m[2], body);
        if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(path)))
            return { status: 200, body: this.state.podLogs.get(`${m[1]}/${m[2]}`) ?? this.probeLog };
        if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(path))) {
            const selector = url.searchParams.get("labelSelector");
            const items = (this.state.pods.get(m[1]) ?? []).filter((pod) => matches(pod, selector));
            return list("PodList", items);
        }
        if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(path)))
            return list("EventList", this.state.events.get(m[1]) ?? []);
        if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/resourcequotas$/.exec(path)))
            return list("ResourceQuotaList", this.state.quotas.get(m[1]) ?? []);
        if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy\/(.*)$/.exec(path)))
            return this.proxy(`${m[1]}/${m[2]}/${m[3]}`);
        return status(404, `the fake has no ${method} ${path}`);
    }

    private sparkApplication(method: string, ns: string, name: string | undefined, body: Json | undefined) {
        if (method === "POST" && body) {
            const refusal = this.refuse.SparkApplication;
            if (refusal) return status(refusal.code, refusal.message);
            const created = { ...body, metadata: { ...(body.metadata as Json), namespace: ns } };
            this.state.sparkApplications.set(`${ns}/${(body.metadata as Json).name as string}`, created);
            return { status: 201, body: created };
        }
        const key = `${ns}/${name ?? ""}`;
        const app = this.state.sparkApplications.get(key);
        if (!app) return status(404, `sparkapplications "${name}" not found`);
        if (method === "DELETE") {
            this.state.sparkApplications.delete(key);
            return status(200, "deleted");
        }
        const reads = (this.reads.get(key) ?? 0) + 1;
        this.reads.set(key, reads);
        const current = this.applicationStatus(reads);
        return { status: 200, body: current ? { ...app, status: current } : app };
    }

    private job(method: string, ns: string, name: string | undefined, body: Json | undefined) {
        if (method === "POST" && body) {
            const refusal = this.refuse.Job;
            if (refusal) return status(refusal.code, refusal.message);
            const jobName = (body.metadata as Json).name as string;
            this.state.jobs.set(`${ns}/${jobName}`, body);
            const pods = this.state.pods.get(ns) ?? [];
            pods.push({ metadata: { name: `${jobName}-x7k2p`, namespace: ns, labels: { "job-name": jobName } } });
            this.state.pods.set(ns, pods);
            return { status: 201, body };
        }
        const key = `${ns}/${name ?? ""}`;
        const job = this.state.jobs.get(key);
        if (!job) return status(404, `jobs.batch "${name}" not found`);
        if (method === "DELETE") {
            this.state.jobs.delete(key);
            return status(200, "deleted");
        }
        const reads = (this.reads.get(key) ?? 0) + 1;
        this.reads.set(key, reads);
        return { status: 200, body: { ...job, status: this.jobStatus(reads) } };
    }
}

function status(code: number, message: string) {
    return {
        status: code,
        body: { kind: "Status", apiVersion: "v1", status: code < 300 ? "Success" : "Failure", message, code },
    };
}

function list(kind: string, items: Json[]) {
    return { status: 200, body: { kind, apiVersion: "v1", metadata: {}, items } };
}

function matches(object: Json, selector: string | null): boolean {
    if (!selector) return true;
    const labels = ((object.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
    return selector.split(",").every((term) => {
        const [key, value] = term.split("=");
        return labels[key] === value;
    });
}

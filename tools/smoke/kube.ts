/**
 * The Kubernetes API as smoke uses it, on `@kubernetes/client-node` with the stack's kubeconfig (its `aws eks
 * get-token` exec user included). Everything else in smoke sees only the KubeApi interface, so tests can point it
 * at a fake API server on loopback.
 */
import type { CoreV1Event, KubeConfig, V1Job, V1Pod, V1ResourceQuota } from "@kubernetes/client-node";
import * as http from "node:http";
import * as https from "node:https";
import { InputError, firstLine, isRecord } from "../cli";
import type { ServiceRef } from "./stack-outputs";

export const SPARK_APPLICATIONS = { group: "sparkoperator.k8s.io", version: "v1beta2", plural: "sparkapplications" };

export interface KubeApi {
    /** The API server's URL, for messages. */
    readonly server: string;
    readNamespace(name: string): Promise<void>;
    createSparkApplication(namespace: string, manifest: Record<string, unknown>): Promise<void>;
    /** The SparkApplication, or undefined once it is gone. */
    getSparkApplication(namespace: string, name: string): Promise<Record<string, unknown> | undefined>;
    deleteSparkApplication(namespace: string, name: string): Promise<void>;
    createJob(namespace: string, manifest: V1Job): Promise<void>;
    getJob(namespace: string, name: string): Promise<V1Job | undefined>;
    deleteJob(namespace: string, name: string): Promise<void>;
    listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]>;
    listEvents(namespace: string): Promise<CoreV1Event[]>;
    listResourceQuotas(namespace: string): Promise<V1ResourceQuota[]>;
    podLog(namespace: string, pod: string): Promise<string>;
    /** GET through the API server's service proxy (`/api/v1/namespaces/<ns>/services/<svc>:<port>/proxy/<path>`). */
    proxyGet(service: ServiceRef, pathAndQuery: string): Promise<{ status: number; body: string }>;
}

/**
 * The client's ApiException, recognised by shape (a numeric HTTP `code` and the answer's `body` and `headers`; a
 * network error's `code` is a string), so that this module loads the client only when a cluster is used.
 */
function apiException(e: unknown): { code: number; body: unknown } | undefined {
    return e instanceof Error && typeof (e as { code?: unknown }).code === "number" && "body" in e && "headers" in e
        ? (e as unknown as { code: number; body: unknown })
        : undefined;
}

/** The HTTP status of a failed API call, or undefined when the call never got an answer. */
export function statusOf(e: unknown): number | undefined {
    return apiException(e)?.code;
}

/** The API server's own message (a Status object's `message`), else the error's first line. */
export function apiMessage(e: unknown): string {
    const answer = apiException(e);
    if (answer) {
        const body: unknown = typeof answer.body === "string" ? safeJson(answer.body) : answer.body;
        if (isRecord(body) && typeof body.message === "string") return body.message;
        return `HTTP ${answer.code}`;
    }
    return firstLine(e);
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

const ignoreNotFound = (e: unknown) => {
    if (statusOf(e) !== 404) throw e;
};
const undefinedIfNotFound = (e: unknown): undefined => {
    ignoreNotFound(e);
    return undefined;
};

export async function kubeApiFromKubeconfig(kubeconfig: string): Promise<KubeApi> {
    // Loaded when a cluster is used: the client takes seconds to load, and runs that stop earlier do without it.
    const { BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } = await import("@kubernetes/client-node");
    const config = new KubeConfig();
    try {
        config.loadFromString(kubeconfig);
    } catch (e) {
        throw new InputError(`the stack's kubeconfig output cannot be read: ${firstLine(e)}`);
    }
    const server = config.getCurrentCluster()?.server;
    if (!server) throw new InputError("the stack's kubeconfig output names no cluster server");
    const core = config.makeApiClient(CoreV1Api);
    const batch = config.makeApiClient(BatchV1Api);
    const custom = config.makeApiClient(CustomObjectsApi);
    return {
        server,
        readNamespace: async (name) => {
            await core.readNamespace({ name });
        },
        createSparkApplication: async (namespace, body) => {
            await custom.createNamespacedCustomObject({ ...SPARK_APPLICATIONS, namespace, body });
        },
        getSparkApplication: (namespace, name) =>
            custom
                .getNamespacedCustomObject({ ...SPARK_APPLICATIONS, namespace, name })
                .then((o: unknown) => (isRecord(o) ? o : undefined), undefinedIfNotFound),
        deleteSparkApplication: (namespace, name) =>
            custom
                .deleteNamespacedCustomObject({ ...SPARK_APPLICATIONS, namespace, name })
                .then(() => undefined, ignoreNotFound),
        createJob: async (namespace, body) => {
            await batch.createNamespacedJob({ namespace, body });
        },
        getJob: (namespace, name) => batch.readNamespacedJob({ namespace, name }).catch(undefinedIfNotFound),
        // Background propagation: the Job's pods go with it.
        deleteJob: (namespace, name) =>
            batch
                .deleteNamespacedJob({ namespace, name, propagationPolicy: "Background" })
                .then(() => undefined, ignoreNotFound),
        listPods: async (namespace, labelSelector) =>
            (await core.listNamespacedPod({ namespace, labelSelector })).items,
        listEvents: async (namespace) => (await core.listNamespacedEvent({ namespace })).items,
        listResourceQuotas: async (namespace) => (await core.listNamespacedResourceQuota({ namespace })).items,
        podLog: (namespace, name) => core.readNamespacedPodLog({ namespace, name }),
        proxyGet: (service, pathAndQuery) => proxyGet(config, server, service, pathAndQuery),
    };
}

/**
 * The generated client's service-proxy call escapes the proxied path and drops its query string, so this GET is
 * made by hand, with the kubeconfig's own TLS settings and credentials (`applyToHTTPSOptions`).
 */
async function proxyGet(
    config: KubeConfig,
    server: string,
    ref: ServiceRef,
    pathAndQuery: string,
): Promise<{ status: number; body: string }> {
    const options: https.RequestOptions = { method: "GET", timeout: 30_000 };
    await config.applyToHTTPSOptions(options);
    const url = new URL(
        `${server.replace(/\/$/, "")}/api/v1/namespaces/${ref.namespace}/services/${ref.service}:${ref.port}/proxy/${pathAndQuery.replace(/^\//, "")}`,
    );
    const transport = url.protocol === "http:" ? http : https;
    return new Promise((resolve, reject) => {
        const request = transport.request(url, options, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (c: Buffer) => chunks.push(c));
            response.on("end", () =>
                resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
            );
            response.on("error", reject);
        });
        request.on("timeout", () => request.destroy(new Error(`no answer from ${url.host} within 30 s`)));
        request.on("error", reject);
        request.end();
    });
}

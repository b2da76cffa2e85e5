/**
 * Asking a container registry whether an image exists, the way a container runtime pulls it: a manifest HEAD through
 * the registry v2 API, with the Accept header naming every manifest and index type (a multi-arch tag answers with
 * an index; without the index types ECR and Docker Hub answer as if the tag did not exist).
 *
 * A private ECR registry is asked with the ECR token (Basic). Any other registry is asked anonymously; when it
 * answers 401 with a `WWW-Authenticate: Bearer realm=…,service=…,scope=…` challenge (public.ecr.aws, Docker Hub,
 * quay.io, gcr.io, cgr.dev, Artifact Registry behind registry.k8s.io), an anonymous pull token is fetched from the
 * realm and the HEAD repeated with it, as `docker pull` does.
 */
import { GetAuthorizationTokenCommand, type ECRClient } from "@aws-sdk/client-ecr";
import { isRecord } from "../../components/vocabulary";
import type { Fetch } from "./registries";

/** Every manifest type a pull accepts: OCI and Docker, single-platform and multi-platform. */
export const IMAGE_MANIFEST_TYPES = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface ImageReference {
    /** Registry host the API is asked on (Docker Hub's is registry-1.docker.io). */
    readonly host: string;
    readonly repository: string;
    /** Tag or `sha256:` digest. */
    readonly reference: string;
}

/** `[host/]repository(:tag|@digest)`, normalised as Docker does (no host: Docker Hub, one segment: `library/`). */
export function parseImageReference(image: string): ImageReference | undefined {
    const m = /^(?:([a-z0-9.-]+(?::\d+)?)\/)?([a-z0-9._/-]+?)(?::([\w][\w.-]{0,127})|@(sha256:[0-9a-f]{64}))$/.exec(
        image,
    );
    if (!m) return undefined;
    let host: string | undefined = m[1];
    let repository = m[2];
    const reference = m[3] ?? m[4];
    // A first segment without a dot, a port or "localhost" is a Docker Hub namespace, not a host.
    if (host !== undefined && !/[.:]/.test(host) && host !== "localhost") {
        repository = `${host}/${repository}`;
        host = undefined;
    }
    if (host === undefined || host === "docker.io" || host === "index.docker.io") {
        return {
            host: "registry-1.docker.io",
            repository: repository.includes("/") ? repository : `library/${repository}`,
            reference,
        };
    }
    return { host, repository, reference };
}

export interface ImageLookup {
    readonly found: boolean;
    readonly detail: string;
}

/** Parameters of a `Bearer realm="…",service="…",scope="…"` challenge. */
export function bearerChallenge(header: string | null | undefined): Record<string, string> | undefined {
    if (!header || !/^Bearer\s/i.test(header)) return undefined;
    const params: Record<string, string> = {};
    for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) params[m[1].toLowerCase()] = m[2];
    return params.realm === undefined ? undefined : params;
}

/**
 * Whether `image` exists in its registry and, when `architectures` are given, is published for each: the platforms
 * of its manifest list (index), or for a single-platform manifest the `architecture` of its config blob.
 * `ecrBasicAuth` is the base64 `AWS:<password>` of a private ECR registry (GetAuthorizationToken); without it the
 * registry is asked anonymously.
 */
export async function lookUpImage(
    image: string,
    fetch: Fetch,
    ecrBasicAuth?: string,
    architectures: readonly string[] = [],
): Promise<ImageLookup> {
    const ref = parseImageReference(image);
    if (ref === undefined) return { found: false, detail: `${image} is not an image reference` };
    const url = `https://${ref.host}/v2/${ref.repository}/manifests/${ref.reference}`;
    let authorization = ecrBasicAuth === undefined ? undefined : `Basic ${ecrBasicAuth}`;
    const ask = (method: "HEAD" | "GET", target = url) =>
        fetch(target, {
            method,
            headers: { Accept: IMAGE_MANIFEST_TYPES, ...(authorization ? { Authorization: authorization } : {}) },
        });

    let response = await ask("HEAD");
    if (response.status === 401 && ecrBasicAuth === undefined) {
        const challenge = bearerChallenge(response.headers?.get("www-authenticate"));
        if (challenge === undefined) return { found: false, detail: `${image}: ${ref.host} refused an anonymous pull` };
        const query = new URLSearchParams({
            ...(challenge.service === undefined ? {} : { service: challenge.service }),
            scope: challenge.scope ?? `repository:${ref.repository}:pull`,
        });
        const tokenResponse = await fetch(`${challenge.realm}?${query.toString()}`);
        if (tokenResponse.status !== 200) {
            return {
                found: false,
                detail: `${image}: ${ref.host} refused an anonymous pull token (HTTP ${tokenResponse.status})`,
            };
        }
        const token = jsonField(await tokenResponse.text(), (body) => body.token ?? body.access_token);
        if (typeof token !== "string")
            return { found: false, detail: `${image}: ${ref.host} answered without a token` };
        authorization = `Bearer ${token}`;
        response = await ask("HEAD");
    }
    if (response.status === 200) {
        if (architectures.length === 0) return { found: true, detail: image };
        const published = await publishedArchitectures(image, ask, `https://${ref.host}/v2/${ref.repository}/blobs/`);
        if (typeof published === "string") return { found: false, detail: published };
        const missing = architectures.filter((a) => !published.includes(a));
        return missing.length === 0
            ? { found: true, detail: image }
            : {
                  found: false,
                  detail: `${image} is published for ${published.join(", ") || "no architecture"}, not ${missing.join(", ")}, which nodes of the stack pull it on`,
              };
    }
    if (response.status === 404) return { found: false, detail: `${image} does not exist in ${ref.host}` };
    if (response.status === 401 || response.status === 403) {
        return { found: false, detail: `${image}: ${ref.host} refused the pull (HTTP ${response.status})` };
    }
    return { found: false, detail: `${image}: ${ref.host} answered HTTP ${response.status}` };
}

/**
 * The architectures a manifest is published for (linux platforms of an index; the config's architecture of a single
 * manifest), or what went wrong.
 */
async function publishedArchitectures(
    image: string,
    ask: (method: "HEAD" | "GET", target?: string) => ReturnType<Fetch>,
    blobsUrl: string,
): Promise<string[] | string> {
    const manifest = await ask("GET");
    if (manifest.status !== 200) return `${image}: reading its manifest answered HTTP ${manifest.status}`;
    const body = jsonField(await manifest.text(), (b) => b);
    if (!isRecord(body)) return `${image}: its manifest is not JSON`;
    if (Array.isArray(body.manifests)) {
        const platforms = body.manifests
            .map((m: unknown) => (isRecord(m) && isRecord(m.platform) ? m.platform : undefined))
            .filter((p): p is Record<string, unknown> => p !== undefined && p.os === "linux")
            .map((p) => String(p.architecture));
        return [...new Set(platforms)];
    }
    const digest = isRecord(body.config) ? body.config.digest : undefined;
    if (typeof digest !== "string") return `${image}: its manifest names no config`;
    const config = await ask("GET", `${blobsUrl}${digest}`);
    if (config.status !== 200) return `${image}: reading its config answered HTTP ${config.status}`;
    const architecture = jsonField(await config.text(), (c) => c.architecture);
    return typeof architecture === "string" ? [architecture] : `${image}: its config names no architecture`;
}

function jsonField(text: string, pick: (body: Record<string, unknown>) => unknown): unknown {
    try {
        const body: unknown = JSON.parse(text);
        return isRecord(body) ? pick(body) : undefined;
    } catch {
        return undefined;
    }
}

/** Base64 `AWS:<password>` for a private ECR registry (GetAuthorizationToken), as `docker login` and Helm use it. */
export async function ecrBasicAuth(ecr: ECRClient, registryId: string): Promise<string> {
    const answer = await ecr.send(new GetAuthorizationTokenCommand({ registryIds: [registryId] }));
    const token = answer.authorizationData?.[0]?.authorizationToken;
    if (token === undefined) throw new Error(`ECR returned no authorization token for registry ${registryId}`);
    return token;
}

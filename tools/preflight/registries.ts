/**
 * Asking chart registries whether a pinned chart version exists, the way Helm pulls it: an OCI registry through the
 * Docker Registry v2 API (a manifest HEAD, with an anonymous token for public.ecr.aws or an ECR token for a private
 * ECR registry), an HTTPS chart repository through its index.yaml.
 */
import { parse as parseYaml } from "yaml";
import type { ChartSource } from "./plan";

/** The subset of `fetch` preflight uses, injectable so tests never reach a network. */
export type Fetch = (
    url: string,
    init?: { method?: string; headers?: Record<string, string> },
) => Promise<{
    readonly status: number;
    /** Response headers (a registry's 401 names its token service in WWW-Authenticate). */
    readonly headers?: { get(name: string): string | null };
    text(): Promise<string>;
}>;

const MANIFEST_TYPES = [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface ChartLookup {
    readonly found: boolean;
    readonly detail: string;
    /** The registry refused the caller (HTTP 401/403): an access problem, not a missing version. */
    readonly denied?: boolean;
}

/** `oci://host/repo/path` → host and repository path. */
export function ociParts(reference: string): { host: string; repository: string } | undefined {
    const m = /^oci:\/\/([^/]+)\/(.+)$/.exec(reference);
    return m ? { host: m[1], repository: m[2] } : undefined;
}

export async function lookUpChart(source: ChartSource, fetch: Fetch, ecrBasicAuth?: string): Promise<ChartLookup> {
    const oci = ociParts(source.reference);
    if (oci !== undefined) return lookUpOciChart(oci.host, oci.repository, source.version, fetch, ecrBasicAuth);
    return lookUpRepositoryChart(source.reference, source.chartInRepository ?? source.name, source.version, fetch);
}

async function lookUpOciChart(
    host: string,
    repository: string,
    version: string,
    fetch: Fetch,
    basicAuth?: string,
): Promise<ChartLookup> {
    let authorization: string | undefined;
    if (basicAuth !== undefined) {
        authorization = `Basic ${basicAuth}`;
    } else if (host === "public.ecr.aws") {
        const tokenResponse = await fetch(`https://public.ecr.aws/token/?scope=repository:${repository}:pull`);
        if (tokenResponse.status !== 200)
            return {
                found: false,
                detail: `public.ecr.aws refused a pull token for ${repository} (HTTP ${tokenResponse.status})`,
            };
        const token = (JSON.parse(await tokenResponse.text()) as { token?: unknown }).token;
        if (typeof token !== "string") return { found: false, detail: "public.ecr.aws answered without a token" };
        authorization = `Bearer ${token}`;
    }
    const url = `https://${host}/v2/${repository}/manifests/${version}`;
    const response = await fetch(url, {
        method: "HEAD",
        headers: { Accept: MANIFEST_TYPES, ...(authorization ? { Authorization: authorization } : {}) },
    });
    if (response.status === 200) return { found: true, detail: `oci://${host}/${repository}:${version}` };
    if (response.status === 404)
        return { found: false, detail: `oci://${host}/${repository} has no version ${version}` };
    if (response.status === 401 || response.status === 403)
        return {
            found: false,
            denied: true,
            detail: `oci://${host}/${repository}:${version}: the registry refused access (HTTP ${response.status})`,
        };
    return { found: false, detail: `oci://${host}/${repository}:${version} answered HTTP ${response.status}` };
}

async function lookUpRepositoryChart(
    repository: string,
    chart: string,
    version: string,
    fetch: Fetch,
): Promise<ChartLookup> {
    const url = `${repository.replace(/\/+$/, "")}/index.yaml`;
    const response = await fetch(url);
    if (response.status !== 200) return { found: false, detail: `${url} answered HTTP ${response.status}` };
    let index: unknown;
    try {
        index = parseYaml(await response.text());
    } catch {
        return { found: false, detail: `${url} is not a Helm repository index` };
    }
    const entries = (index as { entries?: Record<string, unknown> } | null)?.entries?.[chart];
    const versions = Array.isArray(entries) ? entries.map((e) => (e as { version?: unknown }).version) : [];
    return versions.includes(version)
        ? { found: true, detail: `${repository} ${chart} ${version}` }
        : { found: false, detail: `${repository} has no ${chart} ${version}` };
}

/**
 * Amazon Managed Service for Prometheus addresses as pure functions of the workspace id and region, so the chart
 * values, the IAM policies and the tests all derive them the same way.
 * https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-query-APIs.html
 */
import { dnsSuffixOf, type Partition } from "../vocabulary";

/** Port the SigV4 proxy sidecar listens on inside the cost-analyzer pod (the chart's `sigV4Proxy.port` default). */
export const SIGV4_PROXY_PORT = 8005;

/** AMP workspace ids are `ws-<uuid>`; anything with a slash or a space would break every URL built from it. */
const WORKSPACE_ID = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

export interface AmpEndpoints {
    /** Host the SigV4 proxy signs for: `aps-workspaces.<region>.<dns suffix>`. */
    readonly host: string;
    /** Workspace base URL on AMP itself; PromQL lives under `api/v1/query`. */
    readonly workspaceUrl: string;
    /** Where the bundled Prometheus remote-writes, signed with the remote-write role. */
    readonly remoteWriteUrl: string;
    /** Where the cost model queries: the SigV4 proxy on localhost, which signs with the query role and forwards. */
    readonly proxiedQueryUrl: string;
}

export function ampHost(region: string): string {
    return `aps-workspaces.${region}.${dnsSuffixOf(region)}`;
}

export function ampEndpoints(workspaceId: string, region: string, proxyPort: number = SIGV4_PROXY_PORT): AmpEndpoints {
    requireWorkspaceId(workspaceId);
    const host = ampHost(region);
    const workspaceUrl = `https://${host}/workspaces/${workspaceId}`;
    return {
        host,
        workspaceUrl,
        remoteWriteUrl: `${workspaceUrl}/api/v1/remote_write`,
        proxiedQueryUrl: `http://localhost:${proxyPort}/workspaces/${workspaceId}`,
    };
}

/** `arn:<partition>:aps:<region>:<account>:workspace/<id>` (Service Authorization Reference, type `workspace`). */
export function ampWorkspaceArn(partition: Partition, region: string, accountId: string, workspaceId: string): string {
    requireWorkspaceId(workspaceId);
    if (!/^\d{12}$/.test(accountId)) {
        throw new Error(`account ${JSON.stringify(accountId)} is not a 12-digit AWS account id`);
    }
    return `arn:${partition}:aps:${region}:${accountId}:workspace/${workspaceId}`;
}

function requireWorkspaceId(workspaceId: string): void {
    if (!WORKSPACE_ID.test(workspaceId)) {
        throw new Error(`AMP workspace id ${JSON.stringify(workspaceId)} is not a workspace id (ws-<uuid>)`);
    }
}

/**
 * What the program provisions into the Amazon Managed Grafana workspace, as pure functions: the stack's AMP workspace
 * as a Prometheus data source signed with the workspace's IAM role, and the dashboards of `dashboards/` bound to it.
 * The files keep their `datasource` variable, so any other Grafana imports them and picks its own AMP data source;
 * the provisioned copies name the provisioned data source by uid instead.
 */

/** The provisioned data source's uid: fixed, so the provisioned dashboards reference it. */
export const AMP_DATA_SOURCE_UID = "spark-platform-amp";

/** The provisioned dashboards' folder uid. */
export const DASHBOARD_FOLDER_UID = "spark-platform";

/** The dashboard variable the files choose their data source with. */
const DATASOURCE_VARIABLE = "datasource";
const VARIABLE_REFERENCES = new Set([`\${${DATASOURCE_VARIABLE}}`, `$${DATASOURCE_VARIABLE}`]);

export interface AmpDataSource {
    readonly type: "prometheus";
    readonly url: string;
    /** Grafana's Prometheus data source options (`jsonData`). */
    readonly jsonData: {
        readonly httpMethod: "POST";
        readonly sigV4Auth: true;
        /** Grafana's AWS auth type "Workspace IAM Role" (grafana-aws-sdk `ec2_iam_role`): the AMG workspace's role. */
        readonly sigV4AuthType: "ec2_iam_role";
        readonly sigV4Region: string;
    };
}

/**
 * The AMP workspace as Grafana's Prometheus data source: its query URL (`https://aps-workspaces.<region>.<suffix>/
 * workspaces/<id>`, which Grafana extends with `/api/v1/query`), requests signed with SigV4 by the workspace's role.
 */
export function ampDataSource(input: { queryUrl: string; region: string }): AmpDataSource {
    if (!/^https:\/\/aps-workspaces\.[a-z0-9-]+\.[a-z0-9.]+\/workspaces\/ws-[A-Za-z0-9-]+$/.test(input.queryUrl)) {
        throw new Error(
            `AMP data source: ${JSON.stringify(input.queryUrl)} is not a workspace's query URL (https://aps-workspaces.<region>.<suffix>/workspaces/<id>)`,
        );
    }
    return {
        type: "prometheus",
        url: input.queryUrl,
        jsonData: { httpMethod: "POST", sigV4Auth: true, sigV4AuthType: "ec2_iam_role", sigV4Region: input.region },
    };
}

/**
 * A dashboard of `dashboards/` as provisioned: every data source reference to the `datasource` variable names
 * `dataSourceUid` instead, and the variable, which would offer a choice nothing reads, is gone. Refuses a dashboard
 * that still mentions the variable afterwards (in a query or a title), naming it.
 */
export function provisionedDashboard(model: unknown, dataSourceUid: string, file: string): Record<string, unknown> {
    if (typeof model !== "object" || model === null || Array.isArray(model)) {
        throw new Error(`${file}: a dashboard is a JSON object`);
    }
    const bound = bindDataSource(model, dataSourceUid) as Record<string, unknown>;
    const templating = bound.templating as { list?: { name?: string; type?: string }[] } | undefined;
    if (templating?.list) {
        bound.templating = {
            ...templating,
            list: templating.list.filter((v) => !(v.type === "datasource" && v.name === DATASOURCE_VARIABLE)),
        };
    }
    const left = JSON.stringify(bound);
    for (const reference of VARIABLE_REFERENCES) {
        if (left.includes(reference)) {
            throw new Error(`${file}: ${reference} is still used outside a data source reference`);
        }
    }
    return bound;
}

function bindDataSource(value: unknown, uid: string): unknown {
    if (Array.isArray(value)) return value.map((v) => bindDataSource(v, uid));
    if (typeof value !== "object" || value === null) return value;
    const entries = Object.entries(value).map(([key, v]) => [
        key,
        key === "uid" && typeof v === "string" && VARIABLE_REFERENCES.has(v) ? uid : bindDataSource(v, uid),
    ]);
    return Object.fromEntries(entries);
}

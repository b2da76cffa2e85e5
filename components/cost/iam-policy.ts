/**
 * The two AMP permission sets Kubecost needs, each scoped to one workspace. The action lists are exactly those of the
 * AWS managed policies AmazonPrometheusQueryAccess (v1) and AmazonPrometheusRemoteWriteAccess (v1), which grant them
 * on `*`; here they are granted on this stack's workspace only.
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonPrometheusQueryAccess.html
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonPrometheusRemoteWriteAccess.html
 */

/** Read PromQL, series, labels and metadata: what the cost model does through the SigV4 proxy. */
export const AMP_QUERY_ACTIONS = [
    "aps:GetLabels",
    "aps:GetMetricMetadata",
    "aps:GetSeries",
    "aps:QueryMetrics",
] as const;
/** Push samples: what the bundled Prometheus server does and nothing else. */
export const AMP_REMOTE_WRITE_ACTIONS = ["aps:RemoteWrite"] as const;

export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Action: string[];
    readonly Resource: string;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

export function ampQueryPolicy(workspaceArn: string): PolicyDocument {
    return allow("QueryThisWorkspace", AMP_QUERY_ACTIONS, workspaceArn);
}

export function ampRemoteWritePolicy(workspaceArn: string): PolicyDocument {
    return allow("RemoteWriteThisWorkspace", AMP_REMOTE_WRITE_ACTIONS, workspaceArn);
}

function allow(sid: string, actions: readonly string[], workspaceArn: string): PolicyDocument {
    if (!/^arn:aws(-cn|-us-gov)?:aps:[a-z0-9-]+:\d{12}:workspace\/[A-Za-z0-9-]+$/.test(workspaceArn)) {
        throw new Error(`${JSON.stringify(workspaceArn)} is not an AMP workspace ARN`);
    }
    const statement: PolicyStatement = { Sid: sid, Effect: "Allow", Action: [...actions], Resource: workspaceArn };
    return { Version: "2012-10-17", Statement: [statement] };
}

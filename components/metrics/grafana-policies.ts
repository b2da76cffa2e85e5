/**
 * The Amazon Managed Grafana workspace's role, as pure functions: who may assume it (the Grafana service, for this
 * account's workspaces in the stack's region) and what it may read (PromQL on the stack's AMP workspace, plus the
 * listing the AMP data source's workspace picker makes). AMG user guide, "Amazon Managed Grafana permissions and
 * policies for AWS data sources" (customer-managed permissions).
 */
import { AMP_QUERY_ACTIONS } from "../cost";
import type { Partition } from "../vocabulary";

export const GRAFANA_SERVICE = "grafana.amazonaws.com";

export function grafanaTrustPolicy(input: { partition: Partition; region: string; accountId: string }) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "StackAccountGrafanaWorkspaces",
                Effect: "Allow",
                Principal: { Service: GRAFANA_SERVICE },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": input.accountId },
                    ArnLike: {
                        "aws:SourceArn": `arn:${input.partition}:grafana:${input.region}:${input.accountId}:/workspaces/*`,
                    },
                },
            },
        ],
    };
}

export function grafanaAmpPolicy(workspaceArn: string) {
    if (!/^arn:aws(-cn|-us-gov)?:aps:[a-z0-9-]+:\d{12}:workspace\/[A-Za-z0-9-]+$/.test(workspaceArn)) {
        throw new Error(`${JSON.stringify(workspaceArn)} is not an AMP workspace ARN`);
    }
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "QueryStackWorkspace", Effect: "Allow", Action: [...AMP_QUERY_ACTIONS], Resource: workspaceArn },
            {
                // The data source's workspace picker lists and describes workspaces; neither reads metrics.
                Sid: "FindWorkspaces",
                Effect: "Allow",
                Action: ["aps:ListWorkspaces", "aps:DescribeWorkspace"],
                Resource: "*",
            },
        ],
    };
}

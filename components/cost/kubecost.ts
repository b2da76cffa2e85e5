import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installPinnedChart, readChartPin } from "../charts";
import type { ClusterContext } from "../cluster";
import { IrsaRole } from "../iam";
import { ampEndpoints } from "./amp-urls";
import { ampQueryPolicy, ampRemoteWritePolicy } from "./iam-policy";
import {
    CAPACITY_TYPE_LABELS,
    COST_ANALYZER_SERVICE_ACCOUNT,
    PROMETHEUS_SERVICE_ACCOUNT,
    TEAM_POD_LABEL,
    buildKubecostValues,
} from "./kubecost-values";
import { kubecostWorkspaceAlias } from "../vocabulary";

export interface KubecostArgs {
    /** The cluster Kubecost runs in and reports on. */
    cluster: ClusterContext;
    /** KMS key that encrypts the workspace's CloudWatch log group; its key policy must let `logs.<region>` use it. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Node label that tells on-demand from spot on the Spark nodes, for the "Spot share" report.
     * @default "karpenter.sh/capacity-type"
     */
    capacityTypeLabel?: string;
    /**
     * Pod label that names a pod's team, for the Team view.
     * @default "spark-platform/team" (what the platform's pod templates put on every Spark pod)
     */
    teamLabel?: string;
    /**
     * Retention of the workspace's log group, in days (a CloudWatch Logs retention value).
     * @default 30
     */
    logRetentionDays?: number;
    /**
     * Tags of the AWS resources (workspace, log group).
     * @default {}
     */
    tags?: Readonly<Record<string, string>>;
    /**
     * Tags of the workspace alone, over `tags`: those a service writes on it itself (a managed collector adds
     * `AMPAgentlessScraper`), so that a refresh finds no drift.
     * @default {}
     */
    workspaceTags?: Readonly<Record<string, string>>;
}

const defaults = {
    capacityTypeLabel: CAPACITY_TYPE_LABELS.karpenter as string,
    teamLabel: TEAM_POD_LABEL as string,
    logRetentionDays: 30,
    tags: {} as Readonly<Record<string, string>>,
    workspaceTags: {} as Readonly<Record<string, string>>,
};

/**
 * Cost visibility per team and per pool: an AMP workspace (the stack's one; Spark metrics and alerts use it too) logging to a
 * KMS-encrypted log group, and Kubecost in its native AMP mode — the bundled Prometheus remote-writes to the
 * workspace with one IRSA role, the cost model queries it through the SigV4 proxy with another. Both roles trust
 * exactly one service account each (IRSA, not Pod Identity: the SigV4 proxy does not support Pod Identity,
 * kubecost/kubecost#3520). The UI has no load balancer; it is reached by port-forward.
 */
export class Kubecost extends pulumi.ComponentResource {
    readonly workspaceId: pulumi.Output<string>;
    readonly workspaceArn: pulumi.Output<string>;
    /** AMP query endpoint of the workspace (PromQL under `api/v1/query`). */
    readonly workspaceUrl: pulumi.Output<string>;
    readonly remoteWriteUrl: pulumi.Output<string>;
    readonly queryRoleArn: pulumi.Output<string>;
    readonly remoteWriteRoleArn: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    readonly namespace: string;
    /** The command that opens the UI on http://localhost:9090. */
    readonly portForwardCommand: string;

    constructor(name: string, args: KubecostArgs, opts?: pulumi.ComponentResourceOptions) {
        const pin = readChartPin("cost-analyzer");
        super("spark:cost:Kubecost", name, {}, opts);
        const a = { ...defaults, ...args };
        const { cluster } = a;

        // Named after the project and stack, not the cluster: a name from the cluster's outputs would make these two
        // quick resources wait for the control plane for nothing.
        const baseName = kubecostWorkspaceAlias(pulumi.getProject(), pulumi.getStack());
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-amp-logs`,
            {
                namePrefix: kubecostLogGroupNamePrefix(pulumi.getProject(), pulumi.getStack()),
                retentionInDays: a.logRetentionDays,
                kmsKeyId: a.kmsKeyArn,
                tags: a.tags,
            },
            { parent: this },
        );
        // Kubecost needs no alert manager or rule groups; the stack's Spark alerts define them (components/metrics).
        const workspace = new aws.amp.Workspace(
            `${name}-workspace`,
            {
                alias: baseName,
                loggingConfiguration: { logGroupArn: pulumi.interpolate`${logGroup.arn}:*` },
                tags: { ...a.tags, ...a.workspaceTags },
            },
            { parent: this },
        );

        const workspaceArn = workspace.arn;
        const endpoints = workspace.id.apply((id) => ampEndpoints(id, cluster.region));

        const irsa = {
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuer: cluster.oidcIssuer,
            namespace: pin.namespace,
        };
        const queryRole = new IrsaRole(
            `${name}-query`,
            {
                ...irsa,
                serviceAccount: COST_ANALYZER_SERVICE_ACCOUNT,
                inlinePolicies: { "amp-query": workspaceArn.apply((arn) => JSON.stringify(ampQueryPolicy(arn))) },
                description: "Kubecost cost-analyzer: queries this stack's AMP workspace through the SigV4 proxy",
            },
            { parent: this },
        );
        const remoteWriteRole = new IrsaRole(
            `${name}-remote-write`,
            {
                ...irsa,
                serviceAccount: PROMETHEUS_SERVICE_ACCOUNT,
                inlinePolicies: {
                    "amp-remote-write": workspaceArn.apply((arn) => JSON.stringify(ampRemoteWritePolicy(arn))),
                },
                description: "Kubecost Prometheus server: remote-writes to this stack's AMP workspace",
            },
            { parent: this },
        );

        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: {
                    name: pin.namespace,
                    labels: {
                        // Every pod the chart renders with these values meets "restricted": the cost-analyzer and
                        // forecasting pods take global.securityContext, and every container, the bundled Prometheus
                        // server's and its config reloader's included (prometheus-server-deployment.yaml of 2.4.2),
                        // takes global.containerSecurityContext.
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/warn": "restricted",
                        "pod-security.kubernetes.io/audit": "restricted",
                    },
                },
            },
            { parent: this, provider: cluster.provider },
        );

        const values = pulumi
            .all([cluster.name, cluster.accountId, workspace.id, queryRole.arn, remoteWriteRole.arn])
            .apply(([clusterName, accountId, workspaceId, queryRoleArn, remoteWriteRoleArn]) =>
                buildKubecostValues({
                    clusterName,
                    region: cluster.region,
                    accountId,
                    workspaceId,
                    queryRoleArn,
                    remoteWriteRoleArn,
                    nodeSelector: cluster.systemNodeSelector,
                    capacityTypeLabel: a.capacityTypeLabel,
                    teamLabel: a.teamLabel,
                }),
            );
        installPinnedChart(name, { pin, cluster, values }, { parent: this, dependsOn: [namespace] });

        this.workspaceId = workspace.id;
        this.workspaceArn = workspaceArn;
        this.workspaceUrl = endpoints.workspaceUrl;
        this.remoteWriteUrl = endpoints.remoteWriteUrl;
        this.queryRoleArn = queryRole.arn;
        this.remoteWriteRoleArn = remoteWriteRole.arn;
        this.logGroupName = logGroup.name;
        this.namespace = pin.namespace;
        this.portForwardCommand = kubecostPortForwardCommand(pin.namespace, pin.release);
        this.registerOutputs({
            workspaceId: this.workspaceId,
            workspaceArn: this.workspaceArn,
            workspaceUrl: this.workspaceUrl,
            remoteWriteUrl: this.remoteWriteUrl,
            queryRoleArn: this.queryRoleArn,
            remoteWriteRoleArn: this.remoteWriteRoleArn,
            logGroupName: this.logGroupName,
            namespace: this.namespace,
            portForwardCommand: this.portForwardCommand,
        });
    }
}

/**
 * Prefix of the AMP workspace's log group name (the provider appends a unique suffix). The /aws/vendedlogs/ prefix
 * keeps the log delivery resource policy AMP needs small.
 */
export function kubecostLogGroupNamePrefix(project: string, stack: string): string {
    return `/aws/vendedlogs/prometheus/${kubecostWorkspaceAlias(project, stack)}-`;
}

/** The chart names the Deployment `<release>-cost-analyzer`; the UI (nginx in front of the cost model) is on 9090. */
export function kubecostPortForwardCommand(namespace: string, release: string): string {
    return `kubectl port-forward --namespace ${namespace} deployment/${release}-cost-analyzer 9090`;
}

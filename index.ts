/**
 * spark-platform: an EMR-on-EKS style Apache Spark platform, one Pulumi stack per environment.
 *
 *   stack config ──▶ settings ──▶ network ──▶ cluster + autoscaler ──▶ Spark platform add-ons ──▶ outputs
 *
 * Every value comes from the stack's configuration, parsed and validated in full before anything is registered.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    SparkCapacity,
    buildPoolContract,
    summarizePools,
    domainArn,
    eksClusterName,
    eksLogGroupName,
    emrJobLogGroupName,
    logDomainLogGroupName,
    logDomainName,
    platformBucketName as bucketNameOf,
    platformLogGroupName,
    teamQueueName,
} from "./components/vocabulary";
import { PlatformAlerts } from "./components/alerts";
import { AutoscalerArgs, ClusterAutoscaler, Karpenter, autoscalerMetricsEndpoint } from "./components/autoscaling";
import { EksCluster } from "./components/cluster";
import { createServiceLinkedRole } from "./components/iam";
import { CAPACITY_TYPE_LABELS, Kubecost, kubecostLogGroupNamePrefix } from "./components/cost";
import { EmrClusterAccess, PlatformBucket } from "./components/emr";
import { SparkHistory, SparkUiIngress } from "./components/history";
import { LoadBalancerController } from "./components/ingress";
import { PlatformKey } from "./components/encryption";
import { DEFAULT_SIDECAR_TIMINGS, LogDomain } from "./components/logging";
import { MetricsGrafana, SCRAPER_WORKSPACE_TAGS, SparkMetrics, collectorSubnets } from "./components/metrics";
import { Network, layoutSubnets } from "./components/network";
import { loadSettings } from "./stack-config";
import { YuniKorn } from "./components/scheduling";
import { SparkOperator, SparkPriorityClasses } from "./components/spark";
import { SparkTeam, SparkTeamOutput, glueDatabaseOwners } from "./components/team";

const settings = loadSettings();
// Every AWS name derives from the stack's name prefix (`spark-<stack>`), made to fit each service's limits.
const clusterNameOfStack = eksClusterName(settings.namePrefix);

// Tags of everything this stack creates: on every AWS resource through the provider, and on the EC2 instances
// node groups and Karpenter launch (provider default tags do not reach those).
const platformTags = {
    ...settings.tags,
    "spark-platform:project": settings.project,
    "spark-platform:stack": settings.stack,
    "managed-by": "pulumi",
};

// One explicit provider: the region and the account guard come from the stack, and every AWS resource is tagged
// with the stack it belongs to.
const awsProvider = new aws.Provider("aws", {
    region: settings.aws.region as aws.Region,
    allowedAccountIds: [...settings.aws.allowedAccountIds],
    defaultTags: { tags: platformTags },
});
const account = aws.getCallerIdentityOutput({}, { provider: awsProvider });
const logDomainNameOfStack = logDomainName(settings.namePrefix);
// The stack's one customer-managed key: every log group, the log domain and the platform bucket are encrypted with it.
// CloudWatch Logs may use it for the stack's own log groups only (a test plans the program and checks that every
// log group it creates is covered).
const platformKey = new PlatformKey(
    "platform-key",
    {
        namePrefix: settings.namePrefix,
        partition: settings.aws.partition,
        region: settings.aws.region,
        accountId: account.accountId,
        logGroupNames: [
            platformLogGroupName(settings.namePrefix, "*"), // VPC flow logs
            eksLogGroupName(clusterNameOfStack, "*"), // the control plane
            emrJobLogGroupName(clusterNameOfStack, "*"), // each team's EMR job logs
            logDomainLogGroupName(logDomainNameOfStack, "*"), // the log domain's slow and error logs
            `${kubecostLogGroupNamePrefix(pulumi.getProject(), pulumi.getStack())}*`, // the AMP workspace's logs
        ],
        // A platform bucket kept on destroy stays readable only while its key exists: keep them together.
        retainOnDelete: settings.emr.retainPlatformBucket,
    },
    { providers: { aws: awsProvider } },
);

// Network: public and private subnets per zone; Spark pools later pick the private subnet of their one zone.
const network = new Network(
    "network",
    {
        namePrefix: settings.namePrefix,
        clusterName: clusterNameOfStack,
        region: settings.aws.region,
        accountId: account.accountId,
        vpcCidr: settings.network.vpcCidr,
        availabilityZones: settings.network.availabilityZones,
        natGatewayCount: settings.network.natGatewayCount,
        flowLogs: settings.network.flowLogs,
        logKmsKeyArn: platformKey.arn,
    },
    { providers: { aws: awsProvider } },
);

// EKS: control plane, the multi-zone system node group, managed add-ons, and the Kubernetes provider the rest of
// the program deploys into the cluster with. With a private endpoint, `pulumi up` must run from a network or
// security group listed in apiPrivateAccessCidrs / apiPrivateAccessSecurityGroupIds (443 is opened to those only).
const cluster = new EksCluster(
    "cluster",
    {
        clusterName: clusterNameOfStack,
        kubernetesVersion: settings.cluster.kubernetesVersion,
        partition: settings.aws.partition,
        region: settings.aws.region,
        accountId: account.accountId,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        serviceCidr: settings.cluster.serviceCidr.text,
        apiEndpointAccess: settings.cluster.apiEndpointAccess,
        apiPublicAccessCidrs: settings.cluster.apiPublicAccessCidrs,
        apiPrivateAccessCidrs: settings.cluster.apiPrivateAccessCidrs,
        apiPrivateAccessSecurityGroupIds: settings.cluster.apiPrivateAccessSecurityGroupIds,
        adminPrincipalArns: settings.cluster.adminPrincipalArns,
        viewerPrincipalArns: settings.cluster.viewerPrincipalArns,
        deployerArn: account.arn,
        logKmsKeyArn: platformKey.arn,
        supportType: settings.cluster.supportType,
        deletionProtection: settings.cluster.deletionProtection,
        systemNodes: {
            instanceTypes: settings.capacity.systemInstanceTypes,
            architecture: settings.capacity.systemArchitecture,
            minSize: settings.capacity.systemMinSize,
            maxSize: settings.capacity.systemMaxSize,
        },
        instanceTags: platformTags,
    },
    { providers: { aws: awsProvider } },
);

// Executors run on Spot, which needs AWSServiceRoleForEC2Spot; an account that never used Spot lacks it. Nothing
// waits for it: no Spark node launches before a job asks for one, long after this role exists. The role serves
// the whole account, so destroying the stack leaves it in place.
if (settings.capacity.createSpotServiceLinkedRole) {
    createServiceLinkedRole("spot", "spot", { provider: awsProvider });
}

// Spark capacity: one driver (on-demand) and one executor (spot) pool per Spark zone, each pinned to its zone.
// Exactly one autoscaler provides them; both implement the same pool contract, so nothing else changes with it.
const pools = buildPoolContract(settings.spark.zones, settings.capacity.architectures);
const autoscalerArgs: AutoscalerArgs = {
    cluster: cluster.context,
    pools,
    driver: settings.capacity.driver,
    executor: settings.capacity.executor,
    maxVcpuPerPool: settings.spark.maxVcpuPerZone,
    maxMemoryGiBPerPool: settings.spark.maxMemoryGiBPerZone,
};
let sparkCapacity: SparkCapacity & pulumi.Resource;
switch (settings.cluster.autoscaler) {
    case "karpenter":
        sparkCapacity = new Karpenter(
            "karpenter",
            {
                ...autoscalerArgs,
                clusterEndpoint: cluster.clusterEndpoint,
                clusterSecurityGroupId: cluster.clusterSecurityGroupId,
                amiVersion: settings.capacity.karpenterAmiVersion,
                executorConsolidateAfter: settings.capacity.executorConsolidateAfter,
            },
            { providers: { aws: awsProvider } },
        );
        break;
    case "cluster-autoscaler":
        sparkCapacity = new ClusterAutoscaler(
            "cluster-autoscaler",
            {
                ...autoscalerArgs,
                privateSubnetIdsByZone: network.privateSubnetIdsByZone,
            },
            { providers: { aws: awsProvider } },
        );
        break;
}

// ---- Spark platform add-ons --------------------------------------------------------------------------------------
const clusterContext = cluster.context;
const partition = settings.aws.partition;

// Names that policies embed are derived, not read from resources, so nothing waits for the 15–30 minute log domain
// just to learn a name.
const derivedLogDomainArn = account.accountId.apply((accountId) =>
    domainArn(partition, settings.aws.region, accountId, logDomainNameOfStack),
);

// Spark: cluster-wide priority classes and the EMR Spark Operator, watching exactly the team namespaces.
const sparkPriorityClasses = new SparkPriorityClasses("spark-priorities", { cluster: clusterContext });
const sparkOperator = new SparkOperator(
    "spark-operator",
    {
        cluster: clusterContext,
        emrRelease: settings.spark.emrRelease,
        jobNamespaces: settings.teams.map((t) => t.namespace),
        source: settings.spark.operatorSource,
    },
    { providers: { aws: awsProvider } },
);

// Team queues (batchScheduler: yunikorn): Apache YuniKorn with one queue per team under root.teams, its admission
// controller sending the team namespaces' pods (and no others) to it. With the default scheduler, nothing.
const yunikorn =
    settings.spark.batchScheduler === "yunikorn"
        ? new YuniKorn("yunikorn", { cluster: clusterContext, teams: settings.teams })
        : undefined;

// EMR on EKS: the platform bucket (each team gets its prefixes of it).
const platformBucket = new PlatformBucket(
    "platform-bucket",
    {
        bucketName: account.accountId.apply((accountId) =>
            bucketNameOf(settings.namePrefix, accountId, settings.aws.region),
        ),
        kmsKeyArn: platformKey.arn,
        retainOnDelete: settings.emr.retainPlatformBucket,
        logRetentionDays: settings.emr.logRetentionDays,
        eventLogRetentionDays: settings.emr.eventLogRetentionDays,
    },
    { providers: { aws: awsProvider } },
);

// Two platform parts and the teams need each other: EMR's access entry is scoped to every team's namespace and each
// team's virtual cluster waits for it; each team's sidecars write to the log domain, whose access policy names every
// team's role. The teams are built first with these two as forward references, resolved once the parts exist, so
// the resource graph has no cycle: the namespaces come before the access entry, the access entry before the virtual
// clusters, the roles before the domain's access policy (never the domain itself).
const [emrAccessReady, emrAccessIsReady] = pulumi.deferredOutput<string>();
const [domainEndpoint, domainEndpointIs] = pulumi.deferredOutput<string>();

// One set of timings for the sidecars' wrapper and the Fluent Bit configuration, so the two cannot disagree.
const sidecarTimings = {
    ...DEFAULT_SIDECAR_TIMINGS,
    initialWaitSeconds: settings.logForwarding.sidecarInitialWaitSeconds,
};

// The managed Prometheus collector's network interfaces sit in the private subnets (of at most five zones); teams
// admit them to their drivers.
const collectorCidrs = collectorSubnets(
    layoutSubnets(settings.network.vpcCidr, settings.network.availabilityZones).map((zone) => zone.privateCidr),
);

// Per team, everything it gets (components/team): namespace, quota, policies, RBAC and service account; its one job
// role, virtual cluster, log group and pod templates with the Fluent Bit sidecar; the sidecar's configuration
// pointing at its own log index; its own Glue databases; and its outputs.
const glueOwners = glueDatabaseOwners(settings.teams);
const teams = settings.teams.map(
    (team) =>
        new SparkTeam(
            team.name,
            {
                cluster: clusterContext,
                team,
                namePrefix: settings.namePrefix,
                emrRelease: settings.spark.emrRelease,
                ...(settings.spark.emrImageTag === undefined ? {} : { emrImageTag: settings.spark.emrImageTag }),
                pools: sparkCapacity.pools,
                priorityClassNames: { driver: sparkPriorityClasses.driver, executor: sparkPriorityClasses.executor },
                batchScheduler: settings.spark.batchScheduler,
                sample: {
                    deploy: settings.spark.deploySamples,
                    // With YuniKorn, its admission controller first, or the sample's pods bypass the team queue.
                    dependsOn: [sparkOperator, sparkPriorityClasses, sparkCapacity, ...(yunikorn ? [yunikorn] : [])],
                },
                bucket: platformBucket,
                kmsKeyArn: platformKey.arn,
                logRetentionDays: settings.emr.logRetentionDays,
                emrAccessReady,
                logs: { domainEndpoint, domainArn: derivedLogDomainArn, timings: sidecarTimings },
                metricsScrapeCidrs: collectorCidrs,
                glueDatabaseOwners: glueOwners,
                retainGlueDatabases: settings.emr.retainPlatformBucket,
            },
            { providers: { aws: awsProvider } },
        ),
);

const emrAccess = new EmrClusterAccess(
    "emr-access",
    {
        cluster: clusterContext,
        namespaces: teams.map((t) => t.namespace),
        createServiceLinkedRole: settings.emr.createServiceLinkedRole,
    },
    { providers: { aws: awsProvider } },
);
emrAccessIsReady(emrAccess.ready);

// Logs: the OpenSearch domain overlaps the EKS cluster's creation (it takes as long). Only its ingress rule from the
// cluster security group and its access policy (through the job roles) wait for the cluster.
const logDomain = new LogDomain(
    "logs",
    {
        domainName: logDomainNameOfStack,
        partition,
        region: settings.aws.region,
        accountId: account.accountId,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        clientSecurityGroupIds: { cluster: cluster.clusterSecurityGroupId },
        kmsKeyArn: platformKey.arn,
        engineVersion: settings.opensearch.engineVersion,
        dataNodes: { instanceType: settings.opensearch.instanceType, count: settings.opensearch.instanceCount },
        zoneCount: settings.opensearch.zoneCount,
        ...(settings.opensearch.dedicatedMasters === undefined
            ? {}
            : { dedicatedMasters: { ...settings.opensearch.dedicatedMasters } }),
        volumeSizeGiB: settings.opensearch.volumeSizeGiB,
        // The roles themselves, not their derived ARNs: an access policy naming a role that does not exist yet is
        // refused, so the domain's policy (never the domain) waits for them.
        writers: teams.map((t) => ({ roleArn: t.executionRoleArn, indexPrefix: t.logIndexPrefix })),
        adminArns: settings.opensearch.adminArns,
        logRetentionDays: settings.opensearch.logRetentionDays,
        // The teams' indices hold the same container logs as the bucket and the team log groups: one retention.
        indexRetention: { cluster: clusterContext, retentionDays: settings.emr.logRetentionDays },
        deletionProtection: settings.opensearch.deletionProtection,
        createServiceLinkedRole: settings.opensearch.createServiceLinkedRole,
    },
    { providers: { aws: awsProvider } },
);
domainEndpointIs(logDomain.endpoint);

// Cost: Kubecost on an AMP workspace; the capacity-type label is the one the autoscaler puts on Spark nodes.
const kubecost = new Kubecost(
    "kubecost",
    {
        cluster: clusterContext,
        kmsKeyArn: platformKey.arn,
        capacityTypeLabel:
            settings.cluster.autoscaler === "karpenter"
                ? CAPACITY_TYPE_LABELS.karpenter
                : CAPACITY_TYPE_LABELS.managedNodeGroup,
        // The Spark metrics collector below writes this tag on the workspace itself.
        workspaceTags: SCRAPER_WORKSPACE_TAGS,
    },
    { providers: { aws: awsProvider } },
);

// Spark UI after the fact: one History Server per team over the team's event-log prefix (components/history says
// why one per team). Each waits for its team's event-log directory, never for the team's other parts.
const sparkHistory = new SparkHistory(
    "spark-history",
    {
        cluster: clusterContext,
        bucketArn: platformBucket.bucketArn,
        kmsKeyArn: platformKey.arn,
        teams: teams.map((t) => ({ name: t.teamName, eventLogUri: t.outputs.prefixes.apply((p) => p.sparkEvents) })),
    },
    { providers: { aws: awsProvider } },
);

// The login-protected Spark UI (sparkUi* settings, off by default): the AWS Load Balancer Controller and one internal
// ALB authenticating every request (OIDC or Cognito) before it reaches a team's History Server at <team>.<domain>.
let sparkUi: SparkUiIngress | undefined;
if (settings.sparkUi) {
    const controller = new LoadBalancerController(
        "aws-load-balancer-controller",
        { cluster: clusterContext, vpcId: network.vpcId },
        { providers: { aws: awsProvider } },
    );
    sparkUi = new SparkUiIngress("spark-ui", {
        provider: clusterContext.provider,
        options: {
            namespace: sparkHistory.namespace,
            endpoints: sparkHistory.endpoints,
            domain: settings.sparkUi.domain,
            certificateArn: settings.sparkUi.certificateArn,
            allowedCidrs: settings.sparkUi.allowedCidrs,
            login: settings.sparkUi.auth,
            ingressClassName: controller.ingressClassName,
        },
        controller: {
            namespace: controller.namespace,
            serviceAccount: controller.serviceAccount,
            ready: [controller.chart, sparkHistory],
        },
    });
}

// Alerts: failed EMR job runs and a log domain in trouble, on one encrypted topic. The alarms name the domain without
// waiting for it; the job-failure rule waits for the teams' virtual clusters.
const alerts = new PlatformAlerts(
    "alerts",
    {
        namePrefix: settings.namePrefix,
        partition,
        region: settings.aws.region,
        accountId: account.accountId,
        emailSubscriptions: settings.alerts.emailSubscriptions,
        emrVirtualClusterIds: teams.map((t) => t.outputs.virtualClusterId),
        logDomain: { domainName: logDomainNameOfStack, volumeSizeGiB: settings.opensearch.volumeSizeGiB },
        prometheusWorkspaceArn: kubecost.workspaceArn,
    },
    { providers: { aws: awsProvider } },
);

// Spark metrics: the managed collector scrapes the teams' drivers and the autoscaler into the stack's one AMP
// workspace (Kubecost's: one data source for Grafana, one place for rules), whose alert manager feeds the topic.
const sparkMetrics = new SparkMetrics(
    "spark-metrics",
    {
        namePrefix: settings.namePrefix,
        cluster: clusterContext,
        vpcId: network.vpcId,
        subnetIds: collectorSubnets(network.privateSubnetIds),
        clusterSecurityGroupId: cluster.clusterSecurityGroupId,
        workspace: { id: kubecost.workspaceId, arn: kubecost.workspaceArn },
        teams: settings.teams.map((t) => ({ name: t.name, namespace: t.namespace })),
        autoscaler: autoscalerMetricsEndpoint(settings.cluster.autoscaler),
        alertTopicArn: alerts.publishableTopicArn,
    },
    { providers: { aws: awsProvider } },
);

// Dashboards: an optional Amazon Managed Grafana workspace over the same AMP workspace, with that workspace as its data
// source and the stack's dashboards provisioned (README "Dashboards"); nothing in it waits for the cluster.
const grafanaAuthentication = settings.metrics.grafanaAuthentication;
const grafana =
    grafanaAuthentication === undefined
        ? undefined
        : new MetricsGrafana(
              "grafana",
              {
                  namePrefix: settings.namePrefix,
                  partition,
                  region: settings.aws.region,
                  accountId: account.accountId,
                  authentication: grafanaAuthentication,
                  prometheusWorkspaceArn: kubecost.workspaceArn,
                  prometheusQueryUrl: kubecost.workspaceUrl,
                  autoscaler: settings.cluster.autoscaler,
                  now: new Date(),
              },
              { providers: { aws: awsProvider } },
          );

export const region = settings.aws.region;
export const autoscaler = settings.cluster.autoscaler;
/** Scheduler of the teams' Spark pods (`batchScheduler`), and with YuniKorn each team's queue by team name. */
export const batchScheduler = {
    scheduler: settings.spark.batchScheduler,
    ...(yunikorn
        ? {
              namespace: yunikorn.namespace,
              queues: Object.fromEntries(settings.teams.map((t) => [t.name, teamQueueName(t)])),
          }
        : {}),
};
export const vpcId = network.vpcId;
export const privateSubnetIdsByZone = network.privateSubnetIdsByZone;
export const publicSubnetIdsByZone = network.publicSubnetIdsByZone;
export const sparkZones = settings.spark.zones;
export const clusterName = cluster.clusterName;
/** Kubeconfig of the cluster (authenticates with `aws eks get-token`); a secret. */
export const kubeconfig = cluster.kubeconfig;
/** Adds the cluster to ~/.kube/config as context `<cluster name>` (AWS CLI v2, with the deployer's credentials). */
export const updateKubeconfigCommand = pulumi.interpolate`aws eks update-kubeconfig --region ${settings.aws.region} --name ${cluster.clusterName} --alias ${cluster.clusterName}`;
export const oidcProviderArn = cluster.oidcProviderArn;
/** Per Spark pool: zone, role, capacity type, and the nodeSelector/tolerations pod templates use. */
export const sparkPools = summarizePools(sparkCapacity.pools);
/** Alias of the stack's KMS key, which encrypts its log groups. */
export const platformKeyAlias = platformKey.aliasName;

/** Customer-managed KMS key of the stack (bucket, log groups, log domain). */
export const platformKeyArn = platformKey.arn;
/** The EMR Spark Operator as installed. */
export const sparkOperatorChart = {
    namespace: sparkOperator.namespace,
    chart: sparkOperator.chart,
    chartVersion: sparkOperator.chartVersion,
};
/** Bucket of job code, pod templates, container and event logs, and team data. */
export const platformBucketName = platformBucket.bucketName;
/** HTTPS endpoint (VPC) of the OpenSearch domain Spark logs go to. */
export const logDomainEndpoint = logDomain.endpoint;
export const logDomainArn = logDomain.arn;
/** Amazon Managed Prometheus workspace of Kubecost's and the Spark metrics, with the Spark alert rules. */
export const ampWorkspace = {
    id: kubecost.workspaceId,
    arn: kubecost.workspaceArn,
    queryUrl: kubecost.workspaceUrl,
    remoteWriteUrl: kubecost.remoteWriteUrl,
};
/** The managed Prometheus collector of Spark and autoscaler metrics. */
export const metricsScraperArn = sparkMetrics.scraperArn;
/** The Amazon Managed Grafana workspace's URL (`grafanaWorkspace`), or "none". */
export const grafanaWorkspaceUrl = grafana === undefined ? "none" : pulumi.interpolate`https://${grafana.endpoint}`;
/** SNS topic of the stack's alerts (failed EMR job runs, log domain alarms): subscribe chat or paging to it. */
export const alertTopicArn = alerts.topicArn;
/** Opens the Kubecost UI on http://localhost:9090. */
export const kubecostPortForward = kubecost.portForwardCommand;
/**
 * Per team, by team name: the command that opens the team's Spark History Server on http://localhost:18080 (needs
 * `pods/portforward` in the spark-history namespace).
 */
export const sparkHistoryPortForward = sparkHistory.portForwardCommands;
/** Per team, the login-protected address of its History Server (DNS: *.<sparkUiDomain>); empty without sparkUiAuth. */
export const sparkUiUrls = sparkUi?.urls ?? {};
/** Per team, by team name: everything needed to run Spark jobs the day the stack is up. */
export const sparkTeamOutputs: Record<string, SparkTeamOutput> = Object.fromEntries(
    teams.map((t) => [t.teamName, t.outputs]),
);

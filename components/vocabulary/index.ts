/**
 * The ground floor: the words every floor above shares (partitions and regions, derived names and ARNs, CIDR
 * blocks, the EMR release label, instance shapes, Spark pools and teams). It imports nothing of the program.
 */
export {
    BATCH_SCHEDULERS,
    type BatchScheduler,
    type PodScheduling,
    TEAM_QUEUE_PARENT,
    YUNIKORN_QUEUE_LABEL,
    YUNIKORN_SCHEDULER_NAME,
    MAX_QUEUED_NAMESPACE_LENGTH,
    queueLabelProblem,
    teamPodScheduling,
    teamQueueName,
} from "./batch-scheduler";
export {
    AL2023_AMI_TYPE,
    ARCHITECTURES,
    ARCHITECTURE_CHOICES,
    ARCH_LABEL,
    type Architecture,
    DEFAULT_ARCHITECTURES,
    EC2_ARCHITECTURE,
    type ImageArchitectures,
    architectureChoice,
    formatArchitectures,
} from "./architectures";
export { type Cidr, cidrContains, cidrsOverlap, formatCidr, parseCidr, subdivideCidr } from "./cidr";
export { closestName } from "./closest-name";
export {
    API_ENDPOINT_ACCESS,
    AUTOSCALERS,
    type ApiEndpointAccess,
    type Autoscaler,
    KUBERNETES_SUPPORT_TYPES,
    type KubernetesSupportType,
} from "./cluster-options";
export { type EmrReleaseLabel, MIN_EMR_RELEASE, parseEmrReleaseLabel } from "./emr-release";
export { DEFAULT_GLUE_DATABASE, GLUE_DATABASE_NAME, glueArn, glueDatabaseProblem } from "./glue";
export {
    INSTANCE_FAMILIES,
    INSTANCE_SIZE_VCPUS,
    type InstanceFamily,
    type InstanceShape,
    type InstanceSize,
    instanceFamilyArchitecture,
    unknownInstanceFamily,
    unknownInstanceType,
} from "./instance-shapes";
export {
    LOG_INDEX_DATE_FORMAT,
    LOG_INDEX_PREFIX,
    LOG_RETENTION_POLICY_ID,
    datedLogIndex,
    datedLogIndexPattern,
    domainArn,
    eksLogGroupName,
    emrJobLogGroupName,
    logDomainLogGroupName,
    logIndexPrefix,
    logIndexWildcard,
    platformLogGroupName,
    roleArn,
} from "./names";
export {
    NAME_RULES,
    type NameKind,
    type NameRule,
    alarmName,
    alertTopicName,
    eksClusterName,
    eventRuleName,
    fitName,
    interruptionQueueName,
    jobRoleName,
    jobTemplateName,
    kmsAliasName,
    kubecostWorkspaceAlias,
    logDomainName,
    nodeGroupName,
    platformBucketName,
    scraperAlias,
    submitterRoleName,
    virtualClusterName,
} from "./stack-names";
export { SPARK_UI_PORT, SPARK_UI_PORT_NAME } from "./spark-metrics";
export {
    GRAFANA_WORKSPACE_OPTIONS,
    type GrafanaAuthentication,
    type GrafanaWorkspaceOption,
    grafanaAuthenticationOf,
} from "./grafana";
export {
    type CapacityType,
    type NodeTaint,
    POOL_LABELS,
    type PoolArchitectures,
    type PreferredArchitectureAffinity,
    type PoolContract,
    SPARK_ROLES,
    type SparkCapacity,
    type SparkPool,
    type SparkRole,
    type Toleration,
    ZONE_LABEL,
    buildPoolContract,
    findPool,
    poolName,
    summarizePools,
} from "./pools";
export { isRecord } from "./records";
export { EMR_ON_EKS_ECR_ACCOUNTS, type Partition, dnsSuffixOf, partitionOf } from "./regions";
export {
    JOB_TEMPLATE_NAME_MAX,
    SAMPLE_JOB_TEMPLATE,
    type TeamJobTemplate,
    type TeamResources,
    type TeamSettings,
    teamCeiling,
    teamGuarantee,
} from "./teams";

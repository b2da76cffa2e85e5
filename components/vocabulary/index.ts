/**
 * The ground floor: the words every floor above shares (partitions and regions, derived names and ARNs, CIDR
 * blocks, the EMR release label, instance shapes, Spark pools and teams). It imports nothing of the program.
 */
export { type Cidr, cidrsOverlap, formatCidr, parseCidr, subdivideCidr } from "./cidr";
export {
    API_ENDPOINT_ACCESS,
    AUTOSCALERS,
    type ApiEndpointAccess,
    type Autoscaler,
    KUBERNETES_SUPPORT_TYPES,
    type KubernetesSupportType,
} from "./cluster-options";
export { type EmrReleaseLabel, MIN_EMR_RELEASE, parseEmrReleaseLabel } from "./emr-release";
export { INSTANCE_SIZE_VCPUS, type InstanceShape, type InstanceSize } from "./instance-shapes";
export {
    LOG_INDEX_PREFIX,
    MAX_ROLE_NAME,
    domainArn,
    jobRoleName,
    jobRoleNameProblem,
    logIndexName,
    roleArn,
} from "./names";
export {
    type CapacityType,
    type NodeTaint,
    POOL_LABELS,
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
export type { TeamSettings } from "./teams";

export { LOG_DOMAIN_DEFAULTS, LogDomain, TLS_SECURITY_POLICY, logDomainProblems } from "./log-domain";
export type { LogDomainArgs } from "./log-domain";
export {
    SIDECAR_LABELS,
    createTeamLogForwarding,
    logForwardingProblems,
    sidecarConfigMaps,
} from "./spark-log-forwarding";
export type { TeamLogForwardingArgs } from "./spark-log-forwarding";
export { OPENSEARCH_ENGINE_VERSION, domainClusterConfig, sizingProblems } from "./domain-sizing";
export type { DomainSizing, NodeGroupSize } from "./domain-sizing";
export {
    domainAccessPolicy,
    domainLogDeliveryPolicy,
    indexWritePolicy,
    INDEX_WRITE_ACTIONS,
    ISM_ATTACH_ACTIONS,
    ISM_POLICY_ACTIONS,
    retentionManagerPolicy,
    retentionManagerStatements,
} from "./domain-access-policy";
export type { DomainAccessPolicyInput, IndexWriter, RetentionManager } from "./domain-access-policy";
export {
    RETENTION_STATES,
    RETENTION_TEMPLATE_PRIORITY,
    retentionIndexPatterns,
    retentionPolicy,
    retentionPolicyProblems,
} from "./ism-policy";
export type { RetentionPolicyInput } from "./ism-policy";
export {
    CURL_IMAGE,
    IndexRetentionJob,
    RETENTION_IMAGE_ARCHITECTURES,
    RETENTION_NAMESPACE,
    RETENTION_SERVICE_ACCOUNT,
    SIGV4_PROXY_IMAGE,
    retentionJobManifest,
    retentionNamespaceManifest,
} from "./index-retention";
export type { IndexRetentionJobArgs, RetentionJobInput } from "./index-retention";
export {
    CHUNK_SIZE_MIB,
    DEFAULT_OUTPUT_LIMITS,
    FLUENT_BIT_CONFIG_MAP,
    FLUENT_BIT_WRAPPER_CONFIG_MAP,
    fluentBitConfigData,
    renderFluentBitConf,
    renderParsersConf,
    sidecarMemoryLimitMiB,
    wrapperScriptsData,
} from "./fluent-bit-config";
export type { FluentBitConfigInput, FluentBitOutputLimits } from "./fluent-bit-config";
export {
    FLUENT_BIT_IMAGE,
    FLUENT_BIT_IMAGE_ARCHITECTURES,
    FLUENT_BIT_UID,
    MAIN_CONTAINER_MARKERS,
    fluentBitSidecar,
} from "./fluent-bit-sidecar";
export type { FluentBitSidecar, FluentBitSidecarOptions, SparkPodRole } from "./fluent-bit-sidecar";
export { DEFAULT_SIDECAR_TIMINGS, TIMING_ENV } from "./sidecar-timings";
export type { SidecarTimings } from "./sidecar-timings";

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
} from "./domain-access-policy";
export type { DomainAccessPolicyInput, IndexWriter } from "./domain-access-policy";
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
export { FLUENT_BIT_IMAGE, FLUENT_BIT_UID, MAIN_CONTAINER_MARKERS, fluentBitSidecar } from "./fluent-bit-sidecar";
export type { FluentBitSidecar, FluentBitSidecarOptions, SparkPodRole } from "./fluent-bit-sidecar";
export { DEFAULT_SIDECAR_TIMINGS, TIMING_ENV } from "./sidecar-timings";
export type { SidecarTimings } from "./sidecar-timings";

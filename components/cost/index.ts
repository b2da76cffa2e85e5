export { Kubecost, kubecostLogGroupNamePrefix, kubecostPortForwardCommand } from "./kubecost";
export type { KubecostArgs } from "./kubecost";
export { SIGV4_PROXY_PORT, ampEndpoints, ampHost, ampWorkspaceArn } from "./amp-urls";
export type { AmpEndpoints } from "./amp-urls";
export { AMP_QUERY_ACTIONS, AMP_REMOTE_WRITE_ACTIONS, ampQueryPolicy, ampRemoteWritePolicy } from "./iam-policy";
export {
    ALLOCATION_NODE_LABELS,
    CAPACITY_TYPE_LABELS,
    COST_ANALYZER_SERVICE_ACCOUNT,
    PROMETHEUS_SERVICE_ACCOUNT,
    EMR_JOB_POD_LABELS,
    SPARK_ROLE_POD_LABEL,
    TEAM_POD_LABEL,
    buildKubecostValues,
    kubecostLabelName,
    savedReports,
} from "./kubecost-values";
export type { KubecostValuesOptions } from "./kubecost-values";

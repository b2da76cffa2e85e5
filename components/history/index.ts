export { SparkHistory, parseS3Uri } from "./spark-history";
export type { HistoryServerEndpoint, HistoryTeam, SparkHistoryArgs } from "./spark-history";
export { eventLogReaderPolicy } from "./event-log-reader-policy";
export type { EventLogReaderPolicyInput } from "./event-log-reader-policy";
export {
    HISTORY_SERVER_PORT,
    HISTORY_SERVICE_PORT,
    buildHistoryServerValues,
    historyPortForwardCommand,
    historyServerName,
    historySparkConf,
} from "./history-values";
export type { HistoryServerValuesOptions } from "./history-values";
export {
    SPARK_UI_NAME,
    SPARK_UI_SSL_POLICY,
    SparkUiIngress,
    sparkUiHost,
    sparkUiIngressManifest,
} from "./spark-ui-ingress";
export type { SparkUiIngressArgs, SparkUiIngressOptions, SparkUiLogin } from "./spark-ui-ingress";

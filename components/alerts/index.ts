export { PlatformAlerts } from "./platform-alerts";
export type { PlatformAlertsArgs } from "./platform-alerts";
export { ALERT_PUBLISHERS, alertKeyPolicy, alertTopicPolicy } from "./alert-policies";
export type { AlertTopicPolicyInput } from "./alert-policies";
export { EMR_JOB_FAILURE_MESSAGE, emrJobFailurePattern } from "./emr-job-failures";
export { FREE_STORAGE_ALARM_SHARE, logDomainAlarms, logDomainDimensions } from "./log-domain-alarms";
export type { LogDomainAlarm, LogDomainAlarmInput } from "./log-domain-alarms";

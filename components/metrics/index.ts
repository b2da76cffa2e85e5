export { MAX_COLLECTOR_SUBNETS, SCRAPER_WORKSPACE_TAGS, SparkMetrics, collectorSubnets } from "./spark-metrics";
export type { SparkMetricsArgs } from "./spark-metrics";
export { ALERT_RECEIVER, alertManagerConfig, alertManagerDefinition } from "./alert-manager";
export type { AlertManagerInput } from "./alert-manager";
export { FAILED_TASKS_THRESHOLD, alertRuleGroups, alertRulesYaml } from "./alert-rules";
export type { AlertRule, AlertRulesInput, RuleGroup } from "./alert-rules";
export { MIN_SCRAPE_INTERVAL_SECONDS, podLabelMeta, scrapeConfig, scrapeConfigYaml } from "./scrape-config";
export type { AutoscalerTarget, ScrapeConfig, ScrapeConfigInput, ScrapeJobConfig } from "./scrape-config";
export {
    METRICS_BY_JOB,
    SCRAPE_JOBS,
    SPARK_TARGET_LABELS,
    SYNTHETIC_METRICS,
    collectedMetrics,
    driverMetricName,
    scrapeJobsFor,
} from "./scrape-targets";
export type { ScrapeJob } from "./scrape-targets";
export { DASHBOARDS, DASHBOARDS_DIR, dashboardFiles } from "./dashboards";
export { GRAFANA_SERVICE, grafanaAmpPolicy, grafanaTrustPolicy } from "./grafana-policies";
export { AMP_DATA_SOURCE_UID, DASHBOARD_FOLDER_UID, ampDataSource, provisionedDashboard } from "./grafana-content";
export type { AmpDataSource } from "./grafana-content";
export { GRAFANA_TOKEN_ROTATION_DAYS, GRAFANA_TOKEN_SECONDS_TO_LIVE, grafanaTokenRotation } from "./grafana-token";
export type { GrafanaTokenRotation } from "./grafana-token";
export { GRAFANA_VERSION, MetricsGrafana } from "./metrics-grafana";
export type { MetricsGrafanaArgs } from "./metrics-grafana";

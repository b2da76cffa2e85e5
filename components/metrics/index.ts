export { SCRAPER_WORKSPACE_TAGS, SparkMetrics } from "./spark-metrics";
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

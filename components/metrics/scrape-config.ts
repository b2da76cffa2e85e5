/**
 * The managed collector's scrape configuration (Prometheus YAML): the teams' Spark drivers on both metrics paths
 * and the stack's autoscaler. Within the collector's limits (AMP user guide, "AMP-collector-how-to"): only
 * kubernetes_sd_configs, an interval of 30 s or more, the API server as `kubernetes.default.svc`.
 */
import { stringify } from "yaml";
import { JOB_IDENTITY_LABELS, METRICS_PATHS } from "../spark-conf";
import { type Autoscaler, SPARK_UI_PORT_NAME } from "../vocabulary";
import { SCRAPE_JOBS, SPARK_TARGET_LABELS, type ScrapeJob } from "./scrape-targets";

/** The collector refuses shorter intervals. */
export const MIN_SCRAPE_INTERVAL_SECONDS = 30;

/** Where the autoscaler's metrics are served: its chart's namespace, pod label and metrics port. */
export interface AutoscalerTarget {
    readonly autoscaler: Autoscaler;
    readonly namespace: string;
    /** `app.kubernetes.io/name` of the controller's pods. */
    readonly appName: string;
    readonly port: number;
}

export interface ScrapeConfigInput {
    /** The teams whose drivers are scraped: a team's label comes from its namespace. */
    readonly teams: readonly { readonly name: string; readonly namespace: string }[];
    readonly autoscaler: AutoscalerTarget;
    /** @default 30 */
    readonly intervalSeconds?: number;
}

export interface RelabelConfig {
    source_labels?: string[];
    regex?: string;
    action?: "keep" | "drop" | "replace" | "labelmap";
    target_label?: string;
    replacement?: string;
}

export interface ScrapeJobConfig {
    job_name: ScrapeJob;
    metrics_path: string;
    scheme: "http";
    kubernetes_sd_configs: { role: "pod"; namespaces: { names: string[] } }[];
    relabel_configs: RelabelConfig[];
}

export interface ScrapeConfig {
    global: { scrape_interval: string; scrape_timeout: string };
    scrape_configs: ScrapeJobConfig[];
}

/** Prometheus' meta label of a pod label: every character outside [A-Za-z0-9_] becomes `_`. */
export function podLabelMeta(label: string): string {
    return `__meta_kubernetes_pod_label_${label.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** Literal alternatives for a relabel regex (Prometheus anchors it at both ends). */
const anchored = (values: readonly string[]) => values.map((v) => v.replace(/[.^$|()[\]{}*+?\\]/g, "\\$&")).join("|");

export function scrapeConfig(input: ScrapeConfigInput): ScrapeConfig {
    const interval = input.intervalSeconds ?? MIN_SCRAPE_INTERVAL_SECONDS;
    if (!Number.isInteger(interval) || interval < MIN_SCRAPE_INTERVAL_SECONDS) {
        throw new Error(
            `scrape interval ${interval}s is below the managed collector's minimum of ${MIN_SCRAPE_INTERVAL_SECONDS}s`,
        );
    }
    if (input.teams.length === 0) throw new Error("scrape configuration: no team to scrape");
    return {
        global: { scrape_interval: `${interval}s`, scrape_timeout: "10s" },
        scrape_configs: [
            sparkJob(SCRAPE_JOBS.sparkDriver, METRICS_PATHS.driver, input.teams),
            sparkJob(SCRAPE_JOBS.sparkExecutors, METRICS_PATHS.executors, input.teams),
            autoscalerJob(input.autoscaler),
        ],
    };
}

export function scrapeConfigYaml(input: ScrapeConfigInput): string {
    return stringify(scrapeConfig(input), { lineWidth: 0 });
}

/**
 * The running drivers of the teams' namespaces, on the UI port Spark names on the driver pod. Pods that finished
 * keep their IP in their status; dropping every phase but Running keeps them from showing up as failed scrapes.
 */
function sparkJob(job: ScrapeJob, path: string, teams: ScrapeConfigInput["teams"]): ScrapeJobConfig {
    return {
        job_name: job,
        metrics_path: path,
        scheme: "http",
        kubernetes_sd_configs: [{ role: "pod", namespaces: { names: teams.map((t) => t.namespace) } }],
        relabel_configs: [
            { source_labels: [podLabelMeta(JOB_IDENTITY_LABELS.role)], regex: "driver", action: "keep" },
            { source_labels: ["__meta_kubernetes_pod_phase"], regex: "Running", action: "keep" },
            {
                source_labels: ["__meta_kubernetes_pod_container_port_name"],
                regex: anchored([SPARK_UI_PORT_NAME]),
                action: "keep",
            },
            ...teams.map((t): RelabelConfig => ({
                source_labels: ["__meta_kubernetes_namespace"],
                regex: anchored([t.namespace]),
                target_label: SPARK_TARGET_LABELS.team,
                replacement: t.name,
                action: "replace",
            })),
            copy("__meta_kubernetes_namespace", SPARK_TARGET_LABELS.namespace),
            copy("__meta_kubernetes_pod_name", SPARK_TARGET_LABELS.pod),
            copy(podLabelMeta(JOB_IDENTITY_LABELS.application), SPARK_TARGET_LABELS.appId),
            copy(podLabelMeta(JOB_IDENTITY_LABELS.emrVirtualCluster), SPARK_TARGET_LABELS.virtualClusterId),
            copy(podLabelMeta(JOB_IDENTITY_LABELS.emrJobRun), SPARK_TARGET_LABELS.jobRunId),
        ],
    };
}

/**
 * The autoscaler's controller pods on their metrics port. No `namespace` target label: Karpenter's pod metrics carry
 * the namespace of the pod they describe, which a target label would rename to `exported_namespace`.
 */
function autoscalerJob(target: AutoscalerTarget): ScrapeJobConfig {
    return {
        job_name: target.autoscaler === "karpenter" ? SCRAPE_JOBS.karpenter : SCRAPE_JOBS.clusterAutoscaler,
        metrics_path: "/metrics",
        scheme: "http",
        kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [target.namespace] } }],
        relabel_configs: [
            {
                source_labels: [podLabelMeta("app.kubernetes.io/name")],
                regex: anchored([target.appName]),
                action: "keep",
            },
            {
                source_labels: ["__meta_kubernetes_pod_container_port_number"],
                regex: String(target.port),
                action: "keep",
            },
            copy("__meta_kubernetes_pod_name", "pod"),
        ],
    };
}

/** A label copied only when the source has a value (Prometheus' default regex `(.*)` would set empty labels too). */
function copy(source: string, target: string): RelabelConfig {
    return { source_labels: [source], regex: "(.+)", target_label: target, replacement: "$1", action: "replace" };
}

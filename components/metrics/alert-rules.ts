/**
 * The AMP alerting rules (a rule group namespace, Prometheus rule-file YAML) that feed the stack's alert topic: Spark
 * executors failing tasks, Spark pods stuck pending, and teams whose drivers give no metrics. Every expression reads
 * only metrics the stack's own scrape jobs collect (scrape-targets.ts; a test holds it to that), and each alert has
 * a runbook line in the README ("Alerts").
 */
import { stringify } from "yaml";
import type { Autoscaler } from "../vocabulary";
import { SCRAPE_JOBS, SPARK_TARGET_LABELS, driverMetricName } from "./scrape-targets";

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    /** Static labels; rules that share an alert name differ in `cause` (promtool's duplicate-rules lint). */
    labels: { severity: "warning" | "critical"; cause?: string };
    annotations: { summary: string; description: string };
}

export interface RuleGroup {
    name: string;
    rules: AlertRule[];
}

export interface AlertRulesInput {
    readonly autoscaler: Autoscaler;
    /** The teams' namespaces: only their pods count as Spark work. */
    readonly teamNamespaces: readonly string[];
}

/** Tasks of one application that failed within 10 minutes before its alert fires (Spark retries each 3 times). */
export const FAILED_TASKS_THRESHOLD = 5;

const { team, namespace, appId, virtualClusterId, jobRunId } = SPARK_TARGET_LABELS;
const byJob = [team, namespace, appId, virtualClusterId, jobRunId].join(", ");

export function alertRuleGroups(input: AlertRulesInput): RuleGroup[] {
    if (input.teamNamespaces.length === 0) throw new Error("alert rules: no team namespace to watch");
    const namespaces = input.teamNamespaces.join("|");
    const sparkJobs = `${SCRAPE_JOBS.sparkDriver}|${SCRAPE_JOBS.sparkExecutors}`;
    const pending: AlertRule =
        input.autoscaler === "karpenter"
            ? {
                  alert: "SparkPodsPending",
                  expr: `max by (namespace, name) (karpenter_pods_state{job="${SCRAPE_JOBS.karpenter}", phase="Pending", namespace=~"${namespaces}"}) > 0`,
                  for: "15m",
                  labels: { severity: "warning" },
                  annotations: {
                      summary: "Spark pod {{ $labels.namespace }}/{{ $labels.name }} has been pending for 15 minutes",
                      description:
                          "Karpenter has not placed the pod: its pool is at its limit, or no instance type of the pool " +
                          "is available in its zone.",
                  },
              }
            : {
                  alert: "SparkPodsPending",
                  expr: `max(cluster_autoscaler_unschedulable_pods_count{job="${SCRAPE_JOBS.clusterAutoscaler}"}) > 0`,
                  for: "15m",
                  labels: { severity: "warning" },
                  annotations: {
                      summary: "{{ $value }} pods have been unschedulable for 15 minutes",
                      description:
                          "Cluster Autoscaler cannot add a node for them: a node group is at its maximum, or its " +
                          "instance type has no capacity in its zone.",
                  },
              };
    const silentDrivers: AlertRule = {
        alert: "SparkTeamMetricsMissing",
        expr: `max by (${team}, ${namespace}, pod, job) (up{job=~"${sparkJobs}"} == 0)`,
        for: "10m",
        labels: { severity: "warning", cause: "scrape-failing" },
        annotations: {
            summary: "No metrics from Spark driver {{ $labels.namespace }}/{{ $labels.pod }} (team {{ $labels.team }})",
            description:
                "The collector finds the running driver but its scrape of {{ $labels.job }} fails: the job lacks the " +
                "platform's metrics confs, or the network does not admit the collector to port 4040.",
        },
    };
    const rules: AlertRule[] = [
        {
            alert: "SparkExecutorFailures",
            // The driver's application-wide count: it keeps the tasks of executors that died, which the executor
            // summary (active executors only) forgets together with the executor.
            expr: `sum by (${byJob}) (increase(${driverMetricName("appStatus", "tasks.failedTasks", "Count")}{job="${SCRAPE_JOBS.sparkDriver}"}[10m])) >= ${FAILED_TASKS_THRESHOLD}`,
            for: "0m",
            labels: { severity: "warning" },
            annotations: {
                summary:
                    "Spark application {{ $labels.app_id }} of team {{ $labels.team }}: {{ $value }} tasks failed in 10 minutes",
                description:
                    "Tasks keep failing on the application's executors (lost Spot nodes, out-of-memory executors, " +
                    "bad input); a task that fails 4 times fails its job.",
            },
        },
        pending,
        silentDrivers,
    ];
    if (input.autoscaler === "karpenter") {
        // Karpenter sees every pod: a running driver that no scrape reaches at all (collector down, access lost).
        rules.push({
            alert: "SparkTeamMetricsMissing",
            expr:
                `count by (namespace) (karpenter_pods_state{job="${SCRAPE_JOBS.karpenter}", phase="Running", namespace=~"${namespaces}", name=~".+-driver"}) ` +
                `unless on (namespace) count by (namespace) (up{job="${SCRAPE_JOBS.sparkDriver}"} == 1)`,
            for: "10m",
            labels: { severity: "warning", cause: "not-scraped" },
            annotations: {
                summary: "Spark drivers run in {{ $labels.namespace }}, but no metrics arrive from them",
                description:
                    "Karpenter reports running drivers in the namespace, yet the collector scrapes none: check the " +
                    "scraper's status and its access to the cluster.",
            },
        });
    }
    return [{ name: "spark-platform", rules }];
}

/** The rule group namespace's data: a Prometheus rule file. */
export function alertRulesYaml(input: AlertRulesInput): string {
    return stringify({ groups: alertRuleGroups(input) }, { lineWidth: 0 });
}

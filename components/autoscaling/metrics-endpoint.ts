/**
 * Where each autoscaler's controller serves its Prometheus metrics, as its pinned chart deploys it: the chart's
 * namespace, the controller pods' `app.kubernetes.io/name` and the metrics port.
 */
import { readChartPin } from "../charts";
import type { Autoscaler } from "../vocabulary";

export interface AutoscalerMetricsEndpoint {
    readonly autoscaler: Autoscaler;
    readonly namespace: string;
    readonly appName: string;
    readonly port: number;
}

const ENDPOINTS = {
    // charts/karpenter: selector label `karpenter.name` (the chart's name); the `http-metrics` port is
    // controller.metrics.port, 8080 (METRICS_PORT, karpenter.sh reference/metrics).
    karpenter: { chart: "karpenter", appName: "karpenter", port: 8080 },
    // charts/cluster-autoscaler: `cluster-autoscaler.name` is `<cloudProvider>-<chart>`; its Service targets 8085.
    "cluster-autoscaler": { chart: "cluster-autoscaler", appName: "aws-cluster-autoscaler", port: 8085 },
} as const;

export function autoscalerMetricsEndpoint(autoscaler: Autoscaler): AutoscalerMetricsEndpoint {
    const { chart, appName, port } = ENDPOINTS[autoscaler];
    return { autoscaler, namespace: readChartPin(chart).namespace, appName, port };
}

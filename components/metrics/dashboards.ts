/**
 * The Grafana dashboards of the repository (`dashboards/*.json`, Grafana's dashboard JSON model, schema 39): which
 * apply to a stack. Each reads only metrics the stack's collector gathers, from a `datasource` variable of type
 * prometheus (the AMP workspace as a Grafana data source); a test holds them to it.
 */
import * as path from "node:path";
import type { Autoscaler } from "../vocabulary";

/** The repository's dashboards folder. */
export const DASHBOARDS_DIR = path.resolve(__dirname, "..", "..", "dashboards");

/** Each dashboard file and the autoscaler it is for (undefined: every stack). */
export const DASHBOARDS: readonly { readonly file: string; readonly autoscaler?: Autoscaler }[] = [
    { file: "spark-jobs-per-team.json" },
    { file: "spark-executors-and-shuffle.json" },
    { file: "spark-capacity-karpenter.json", autoscaler: "karpenter" },
    { file: "spark-capacity-cluster-autoscaler.json", autoscaler: "cluster-autoscaler" },
];

/** The dashboard files a stack with this autoscaler imports, as paths. */
export function dashboardFiles(autoscaler: Autoscaler): string[] {
    return DASHBOARDS.filter((d) => d.autoscaler === undefined || d.autoscaler === autoscaler).map((d) =>
        path.join(DASHBOARDS_DIR, d.file),
    );
}

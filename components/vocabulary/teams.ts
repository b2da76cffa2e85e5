/** A team as the platform knows it: the namespace its Spark jobs run in and what the team may use. */

export interface TeamSettings {
    /** Team name, used in resource names (a DNS label). */
    readonly name: string;
    /** Kubernetes namespace the team's Spark jobs run in (a DNS label). */
    readonly namespace: string;
    /** ResourceQuota for the namespace, as Kubernetes quantities. */
    readonly quota: { readonly cpu: string; readonly memory: string };
    /** Glue Data Catalog databases the team's jobs may read (`glueDatabases`, default none). */
    readonly glueDatabases: readonly string[];
    /** The team tier of its jobs' Spark settings (`sparkConf`, default none), over the platform's defaults. */
    readonly sparkConf: Readonly<Record<string, string | number | boolean>>;
}

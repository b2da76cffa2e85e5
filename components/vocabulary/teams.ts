/** A team as the platform knows it: the namespace its Spark jobs run in and what the team may use. */

/** CPU and memory as Kubernetes quantities ("32", "500m", "128Gi"). */
export interface TeamResources {
    readonly cpu: string;
    readonly memory: string;
}

export interface TeamSettings {
    /** Team name, used in resource names (a DNS label). */
    readonly name: string;
    /** Kubernetes namespace the team's Spark jobs run in (a DNS label). */
    readonly namespace: string;
    /**
     * The team's hard ceiling (its ResourceQuota and, under YuniKorn, its queue's maximum), and what its queue is
     * guaranteed (`quota.guaranteed`; absent: the whole ceiling).
     */
    readonly quota: TeamResources & { readonly guaranteed?: TeamResources };
    /** Glue Data Catalog databases the team's jobs may read (`glueDatabases`, default none). */
    readonly glueDatabases: readonly string[];
    /**
     * Glue Data Catalog databases the team owns (`glueOwnedDatabases`, default none): the stack creates them under
     * the team's data prefix, and only the team's jobs write their tables. Each database has one owner.
     */
    readonly glueOwnedDatabases?: readonly string[];
    /** The team tier of its jobs' Spark settings (`sparkConf`, default none), over the platform's defaults. */
    readonly sparkConf: Readonly<Record<string, string | number | boolean>>;
    /**
     * IAM role or user ARNs that may assume the team's submitter role (`submitters`, default none: no role) to start,
     * watch and cancel the team's EMR jobs and upload its code.
     */
    readonly submitters?: readonly string[];
    /** Whether the submitter role may start jobs only from the team's job templates (`requireJobTemplate`). */
    readonly requireJobTemplate?: boolean;
}

/**
 * The most a team's pods may request at once: the one derivation both the namespace's ResourceQuota and the team's
 * YuniKorn queue maximum are made from, so neither can be raised without the other.
 */
export function teamCeiling(team: Pick<TeamSettings, "quota">): TeamResources {
    return { cpu: team.quota.cpu, memory: team.quota.memory };
}

/** What the team's queue is guaranteed: `quota.guaranteed`, or the whole ceiling. */
export function teamGuarantee(team: Pick<TeamSettings, "quota">): TeamResources {
    return team.quota.guaranteed ?? teamCeiling(team);
}

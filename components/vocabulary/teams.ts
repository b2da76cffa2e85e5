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
    /**
     * Whether the submitter role may start jobs only from the team's job templates (`requireJobTemplate`): its
     * declared `jobTemplates` and the SparkPi sample.
     */
    readonly requireJobTemplate?: boolean;
    /** The team's own jobs, each stored as an EMR job template (`jobTemplates`, default none). */
    readonly jobTemplates?: readonly TeamJobTemplate[];
}

/**
 * A job a team declares (`teams[].jobTemplates[]`): rendered like the team's StartJobRun request (release, role,
 * pod templates of its zone, platform and team Spark settings, logs), with its own entry point, argument and Spark
 * settings (the job tier).
 */
export interface TeamJobTemplate {
    /** A slug naming the template (`spark-<stack>-<team>-<name>-<version>`) and its job runs (`<team>-<name>`). */
    readonly name: string;
    /** `s3://<platform bucket>/code/<team>/…`: the only code the team's job role can read. */
    readonly entryPoint: string;
    /** At most one argument: the provider keeps them as a set, which loses their order. */
    readonly entryPointArguments: readonly string[];
    /** The job tier of its Spark settings, over the team's `sparkConf`. */
    readonly sparkConf: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Longest `jobTemplates[].name`: EMR's template names take 64 characters, and the derived name keeps
 * `-<team>-<name>-<version>` whole (a 30-character team, a 10-character version) after at least one character of the
 * stack's prefix and its 6-character hash, for any stack name (jobTemplateName).
 */
export const JOB_TEMPLATE_NAME_MAX = 13;

/** The template name the platform's own sample job takes; a team's template cannot. */
export const SAMPLE_JOB_TEMPLATE = "spark-pi";

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

import { overrideProblem } from "../../components/spark-conf";
import {
    DEFAULT_GLUE_DATABASE,
    JOB_TEMPLATE_NAME_MAX,
    SAMPLE_JOB_TEMPLATE,
    type TeamJobTemplate,
    type Partition,
    TeamResources,
    TeamSettings,
    closestName,
    glueDatabaseProblem,
    isRecord,
} from "../../components/vocabulary";
import { ConfigReader } from "../config-reader";
import { ROLE_INLINE_POLICIES_LIMIT, teamPrefix } from "../../components/emr";
import { glueDatabaseOwners, jobRolePoliciesUpperBound } from "../../components/team";
import { quantityValue } from "../../components/spark";
import { isDnsLabel, isPositiveQuantity, parseIamPrincipalArn } from "../validators";

/** Namespaces the platform itself uses; a team may not claim them. */
export const RESERVED_NAMESPACES = [
    "default",
    "karpenter",
    "kubecost",
    "spark-operator",
    "logging",
    "yunikorn",
    "spark-history",
] as const;

const TEAMS_HINT =
    "list teams as [{name, namespace, quota: {cpu, memory, guaranteed?: {cpu, memory}}, glueDatabases?: [db, ...], " +
    "glueOwnedDatabases?: [db, ...], sparkConf?: {spark.<key>: value}, submitters?: [role or user ARN, ...], " +
    "requireJobTemplate?: true|false, jobTemplates?: [{name, entryPoint, entryPointArguments?, sparkConf?}, ...]}]";
const TEAM_FIELDS = [
    "name",
    "namespace",
    "quota",
    "glueDatabases",
    "glueOwnedDatabases",
    "sparkConf",
    "submitters",
    "requireJobTemplate",
    "jobTemplates",
];

/**
 * `partition`: the stack's (from aws:region), which every submitter ARN must be in; `platformBuckets`: the names the
 * platform bucket can have (one per allowed account), which every job template's entry point must be in. Undefined
 * when unknown.
 */
export function readTeams(
    r: ConfigReader,
    partition?: Partition,
    platformBuckets?: readonly string[],
): TeamSettings[] | undefined {
    const value = r.json("teams", TEAMS_HINT);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0) {
        r.report("teams", value, `is not a non-empty list; ${TEAMS_HINT}`);
        return undefined;
    }
    const teams = value.map((entry, i) => readTeam(r, `teams[${i}]`, entry, partition, platformBuckets));
    if (teams.some((t) => t === undefined)) return undefined;
    const valid = teams as TeamSettings[];
    for (const field of ["name", "namespace"] as const) {
        const seen = new Set<string>();
        valid.forEach((team, i) => {
            if (seen.has(team[field])) {
                r.report(
                    `teams[${i}].${field}`,
                    team[field],
                    `is used by another team; each team needs its own ${field}`,
                );
            }
            seen.add(team[field]);
        });
    }
    const owners = new Map<string, number>();
    valid.forEach((team, i) => {
        for (const db of team.glueOwnedDatabases ?? []) {
            const first = owners.get(db);
            if (first === undefined) owners.set(db, i);
            else
                r.report(
                    `teams[${i}].glueOwnedDatabases`,
                    db,
                    `is owned by teams[${first}] (${valid[first].name}) too; a Glue database belongs to one team, ` +
                        `so list it in the glueDatabases of ${team.name} to read it`,
                );
        }
    });
    const ownerOf = glueDatabaseOwners(valid);
    valid.forEach((team, i) => {
        const size = jobRolePoliciesUpperBound(team, ownerOf);
        if (size > ROLE_INLINE_POLICIES_LIMIT) {
            const count = team.glueDatabases.length + (team.glueOwnedDatabases ?? []).length;
            r.report(
                `teams[${i}]`,
                team.name,
                `lists ${count} Glue databases, which make its job role's inline policies up to ${size} characters, ` +
                    `over IAM's ${ROLE_INLINE_POLICIES_LIMIT}; list fewer (or shorter) glueDatabases and glueOwnedDatabases`,
            );
        }
    });
    return valid;
}

function readTeam(
    r: ConfigReader,
    key: string,
    entry: unknown,
    partition: Partition | undefined,
    platformBuckets: readonly string[] | undefined,
): TeamSettings | undefined {
    if (!isRecord(entry)) {
        r.report(key, entry, `is not an object; ${TEAMS_HINT}`);
        return undefined;
    }
    const unknownField = Object.keys(entry).find((k) => !TEAM_FIELDS.includes(k));
    if (unknownField !== undefined) {
        const near = closestName(unknownField, TEAM_FIELDS);
        r.report(
            `${key}.${unknownField}`,
            entry[unknownField],
            `is not a team setting; ${near ? `did you mean ${near}? ` : ""}(use ${TEAM_FIELDS.join(", ")})`,
        );
    }
    const name = entry.name;
    const namespace = entry.namespace;
    let ok = unknownField === undefined;
    if (typeof name !== "string" || !isDnsLabel(name) || name.length > 30) {
        r.report(
            `${key}.name`,
            name,
            "is not allowed; use a DNS label of at most 30 characters (lowercase letters, digits, '-')",
        );
        ok = false;
    }
    const glueDatabases = readGlueDatabases(r, `${key}.glueDatabases`, entry.glueDatabases ?? []);
    const glueOwnedDatabases = readGlueDatabases(r, `${key}.glueOwnedDatabases`, entry.glueOwnedDatabases ?? []);
    ok = glueDatabases !== undefined && glueOwnedDatabases !== undefined && ok;
    if (glueOwnedDatabases?.includes(DEFAULT_GLUE_DATABASE)) {
        r.report(
            `${key}.glueOwnedDatabases`,
            DEFAULT_GLUE_DATABASE,
            "is not allowed: every job's Glue client reads the account's default database, so no team may own it",
        );
        ok = false;
    }
    const readAndOwned = glueDatabases?.find((db) => glueOwnedDatabases?.includes(db));
    if (readAndOwned !== undefined) {
        r.report(
            `${key}.glueDatabases`,
            readAndOwned,
            "is in glueOwnedDatabases too; a team reads the databases it owns, list it there only",
        );
        ok = false;
    }
    const sparkConf = readSparkConf(r, `${key}.sparkConf`, entry.sparkConf ?? {});
    ok = sparkConf !== undefined && ok;
    const submission = readSubmission(r, key, entry, partition);
    ok = submission !== undefined && ok;
    const jobTemplates =
        typeof name === "string"
            ? readJobTemplates(r, `${key}.jobTemplates`, entry.jobTemplates ?? [], name, platformBuckets)
            : [];
    ok = jobTemplates !== undefined && ok;
    if (typeof namespace !== "string" || !isDnsLabel(namespace)) {
        r.report(
            `${key}.namespace`,
            namespace,
            "is not a DNS label; use at most 63 lowercase letters, digits and '-', starting and ending alphanumeric",
        );
        ok = false;
    } else if (namespace.startsWith("kube-") || (RESERVED_NAMESPACES as readonly string[]).includes(namespace)) {
        r.report(
            `${key}.namespace`,
            namespace,
            `is reserved; pick a namespace other than kube-* and ${RESERVED_NAMESPACES.join(", ")}`,
        );
        ok = false;
    }
    const quota = entry.quota;
    if (!isRecord(quota)) {
        r.report(`${key}.quota`, quota, 'is not an object; set quota: {cpu: "64", memory: "256Gi"}');
        return undefined;
    }
    const ceiling = readResources(r, `${key}.quota`, quota);
    const guaranteed =
        quota.guaranteed === undefined
            ? undefined
            : readGuarantee(r, `${key}.quota.guaranteed`, quota.guaranteed, ceiling);
    const unknownQuotaField = Object.keys(quota).find((k) => !QUOTA_FIELDS.includes(k));
    if (unknownQuotaField !== undefined) {
        r.report(
            `${key}.quota.${unknownQuotaField}`,
            quota[unknownQuotaField],
            `is not a quota setting; use ${QUOTA_FIELDS.join(", ")}`,
        );
    }
    if (!ok || ceiling === undefined || guaranteed === null || unknownQuotaField !== undefined) return undefined;
    return {
        name: name as string,
        namespace: namespace as string,
        quota: { ...ceiling, ...(guaranteed ? { guaranteed } : {}) },
        glueDatabases: glueDatabases ?? [],
        glueOwnedDatabases: glueOwnedDatabases ?? [],
        sparkConf: sparkConf ?? {},
        ...submission,
        jobTemplates: jobTemplates ?? [],
    };
}

const JOB_TEMPLATE_FIELDS = ["name", "entryPoint", "entryPointArguments", "sparkConf"];
/** Templates a team may declare: their ARNs all go into its submitter role's policy, which IAM caps in size. */
const JOB_TEMPLATES_MAX = 20;
const JOB_TEMPLATE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * The team's own jobs, each an EMR job template (`jobTemplates`), or undefined after reporting every problem on a
 * line of its own. The entry point must be under the platform bucket's `code/<team>/` prefix, the only code the
 * team's job role can read.
 */
function readJobTemplates(
    r: ConfigReader,
    key: string,
    value: unknown,
    team: string,
    platformBuckets: readonly string[] | undefined,
): TeamJobTemplate[] | undefined {
    const hint = `list jobs as [{name, entryPoint: s3://<platform bucket>/${teamPrefix("code", team)}<file>, entryPointArguments?: [arg], sparkConf?: {spark.<key>: value}}]`;
    if (!Array.isArray(value)) {
        r.report(key, value, `is not a list; ${hint}`);
        return undefined;
    }
    if (value.length > JOB_TEMPLATES_MAX) {
        r.report(key, value.length, `templates are too many; declare at most ${JOB_TEMPLATES_MAX}`);
        return undefined;
    }
    const templates = value.map((entry, i) => readJobTemplate(r, `${key}[${i}]`, entry, team, hint, platformBuckets));
    let ok = templates.every((t) => t !== undefined);
    const names = value.map((entry) => (isRecord(entry) ? entry.name : undefined));
    names.forEach((n, i) => {
        if (typeof n === "string" && names.indexOf(n) !== i) {
            r.report(`${key}[${i}].name`, n, "is used by another template of the team; give each its own name");
            ok = false;
        }
    });
    return ok ? (templates as TeamJobTemplate[]) : undefined;
}

function readJobTemplate(
    r: ConfigReader,
    key: string,
    entry: unknown,
    team: string,
    hint: string,
    platformBuckets: readonly string[] | undefined,
): TeamJobTemplate | undefined {
    if (!isRecord(entry)) {
        r.report(key, entry, `is not an object; ${hint}`);
        return undefined;
    }
    let ok = true;
    for (const field of Object.keys(entry).filter((k) => !JOB_TEMPLATE_FIELDS.includes(k))) {
        const near = closestName(field, JOB_TEMPLATE_FIELDS);
        r.report(
            `${key}.${field}`,
            entry[field],
            `is not a job template setting; ${near ? `did you mean ${near}? ` : ""}(use ${JOB_TEMPLATE_FIELDS.join(", ")})`,
        );
        ok = false;
    }
    const { name, entryPoint } = entry;
    if (typeof name !== "string" || !JOB_TEMPLATE_NAME.test(name) || name.length > JOB_TEMPLATE_NAME_MAX) {
        r.report(
            `${key}.name`,
            name,
            `is not allowed; use at most ${JOB_TEMPLATE_NAME_MAX} lowercase letters, digits and '-', starting and ` +
                "ending alphanumeric (it names the EMR template, which EMR caps at 64 characters)",
        );
        ok = false;
    } else if (name === SAMPLE_JOB_TEMPLATE) {
        r.report(`${key}.name`, name, "is the platform's sample job's template; pick another name");
        ok = false;
    }
    const codePrefix = teamPrefix("code", team);
    const uri =
        typeof entryPoint === "string" ? /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(entryPoint) : null;
    if (uri === null || !uri[2].startsWith(codePrefix) || uri[2].length === codePrefix.length || uri[2].endsWith("/")) {
        r.report(
            `${key}.entryPoint`,
            entryPoint,
            `is not allowed; use an s3:// URI of a file under the platform bucket's ${codePrefix} prefix, the only ` +
                "code the team's job role can read",
        );
        ok = false;
    } else if (platformBuckets !== undefined && !platformBuckets.includes(uri[1])) {
        r.report(
            `${key}.entryPoint`,
            entryPoint,
            `is not in the platform bucket; use s3://${platformBuckets.join(" or s3://")}/${uri[2]}, the only ` +
                "bucket the team's job role can read code from",
        );
        ok = false;
    }
    const args = entry.entryPointArguments ?? [];
    if (!Array.isArray(args) || args.some((a) => typeof a !== "string")) {
        r.report(`${key}.entryPointArguments`, args, 'is not a list of strings; use ["2026-01-01"]');
        ok = false;
    } else if (args.length > 1) {
        r.report(
            `${key}.entryPointArguments`,
            args,
            "lists more than one argument, whose order the provider would lose (it keeps them as a set); pass one, " +
                "or pass the rest as Spark settings in sparkConf",
        );
        ok = false;
    }
    const sparkConf = readSparkConf(r, `${key}.sparkConf`, entry.sparkConf ?? {});
    if (sparkConf !== undefined) {
        // The job tier goes on spark-submit's command line, which splits at blanks.
        for (const [property, setting] of Object.entries(sparkConf)) {
            if (/\s/.test(String(setting))) {
                r.report(
                    `${key}.sparkConf[${JSON.stringify(property)}]`,
                    setting,
                    "contains blanks, which spark-submit's command line would split; set it in the team's sparkConf",
                );
                ok = false;
            }
        }
    }
    if (!ok || sparkConf === undefined) return undefined;
    return {
        name: name as string,
        entryPoint: entryPoint as string,
        entryPointArguments: args as string[],
        sparkConf,
    };
}

/**
 * Who may submit the team's EMR jobs (`submitters`: IAM role or user ARNs of the stack's partition, each named
 * exactly, as a trust policy takes them) and whether they must start jobs from the team's templates
 * (`requireJobTemplate`). Undefined after reporting a problem.
 */
function readSubmission(
    r: ConfigReader,
    key: string,
    entry: Record<string, unknown>,
    partition: Partition | undefined,
): Required<Pick<TeamSettings, "submitters" | "requireJobTemplate">> | undefined {
    const submitters = entry.submitters ?? [];
    const requireJobTemplate = entry.requireJobTemplate ?? false;
    let ok = true;
    if (!Array.isArray(submitters) || submitters.some((arn) => typeof arn !== "string")) {
        r.report(
            `${key}.submitters`,
            submitters,
            "is not a list of IAM role or user ARNs; use [arn:aws:iam::123456789012:role/data-eng-ci]",
        );
        ok = false;
    } else {
        ok =
            r.checkEach(`${key}.submitters`, submitters as string[], (arn) => {
                const parsed = parseIamPrincipalArn(arn);
                if (typeof parsed === "string") return `${parsed} (no wildcards)`;
                if (partition !== undefined && parsed.partition !== partition)
                    return `is in partition ${parsed.partition}, but aws:region is in ${partition}`;
                return undefined;
            }) && ok;
        const duplicate = (submitters as string[]).find((arn, i) => submitters.indexOf(arn) !== i);
        if (duplicate !== undefined) {
            r.report(`${key}.submitters`, submitters, `lists ${JSON.stringify(duplicate)} twice; list each once`);
            ok = false;
        }
    }
    if (typeof requireJobTemplate !== "boolean") {
        r.report(`${key}.requireJobTemplate`, requireJobTemplate, "is not allowed; use true or false");
        ok = false;
    } else if (requireJobTemplate && Array.isArray(submitters) && submitters.length === 0) {
        r.report(
            `${key}.requireJobTemplate`,
            requireJobTemplate,
            "restricts the team's submitter role, which only submitters create; list its submitters or remove it",
        );
        ok = false;
    }
    return ok ? { submitters: submitters as string[], requireJobTemplate: requireJobTemplate as boolean } : undefined;
}

/** A list of Glue database names, each once, or undefined after reporting what is wrong. */
function readGlueDatabases(r: ConfigReader, key: string, value: unknown): string[] | undefined {
    if (!Array.isArray(value) || value.some((db) => typeof db !== "string")) {
        r.report(key, value, "is not a list of Glue database names; use [sales, finance_raw]");
        return undefined;
    }
    const names = value as string[];
    let ok = r.checkEach(key, names, glueDatabaseProblem);
    const duplicate = names.find((db, i) => names.indexOf(db) !== i);
    if (duplicate !== undefined) {
        r.report(key, names, `lists ${JSON.stringify(duplicate)} twice; list each once`);
        ok = false;
    }
    return ok ? names : undefined;
}

const QUOTA_FIELDS = ["cpu", "memory", "guaranteed"];

/** `{cpu, memory}` as positive Kubernetes quantities, or undefined after reporting what is wrong. */
function readResources(r: ConfigReader, key: string, value: Record<string, unknown>): TeamResources | undefined {
    let ok = true;
    for (const field of ["cpu", "memory"] as const) {
        const q = value[field];
        if (typeof q !== "string" || !isPositiveQuantity(q)) {
            r.report(
                `${key}.${field}`,
                q,
                'is not a Kubernetes quantity; use a quoted value such as "64", "500m" or "256Gi"',
            );
            ok = false;
        }
    }
    return ok ? { cpu: value.cpu as string, memory: value.memory as string } : undefined;
}

/**
 * What the team's queue is guaranteed (YuniKorn `guaranteed`): at most the quota, which is the queue's maximum
 * (YuniKorn refuses a queue whose guarantee exceeds its maximum). Null after reporting a problem.
 */
function readGuarantee(
    r: ConfigReader,
    key: string,
    value: unknown,
    ceiling: TeamResources | undefined,
): TeamResources | null {
    if (!isRecord(value)) {
        r.report(key, value, 'is not an object; set guaranteed: {cpu: "16", memory: "64Gi"} (at most the quota)');
        return null;
    }
    const unknownField = Object.keys(value).find((k) => k !== "cpu" && k !== "memory");
    if (unknownField !== undefined) {
        r.report(`${key}.${unknownField}`, value[unknownField], "is not a guaranteed setting; use cpu, memory");
        return null;
    }
    const guaranteed = readResources(r, key, value);
    if (guaranteed === undefined) return null;
    if (ceiling === undefined) return guaranteed;
    let ok = true;
    for (const field of ["cpu", "memory"] as const) {
        if (quantityValue(guaranteed[field]) > quantityValue(ceiling[field])) {
            r.report(
                `${key}.${field}`,
                guaranteed[field],
                `exceeds quota.${field} ${ceiling[field]}; a queue's guarantee must be at most its maximum (the quota)`,
            );
            ok = false;
        }
    }
    return ok ? guaranteed : null;
}

/** The team tier of its jobs' Spark settings: Spark properties, none of those the platform owns. */
function readSparkConf(r: ConfigReader, key: string, value: unknown): TeamSettings["sparkConf"] | undefined {
    if (!isRecord(value)) {
        r.report(key, value, 'is not an object; set sparkConf: {"spark.dynamicAllocation.maxExecutors": 50}');
        return undefined;
    }
    let ok = true;
    for (const [property, setting] of Object.entries(value)) {
        const problem = overrideProblem(property, setting);
        if (problem !== undefined) {
            r.report(`${key}[${JSON.stringify(property)}]`, setting, problem);
            ok = false;
        }
    }
    return ok ? (value as TeamSettings["sparkConf"]) : undefined;
}

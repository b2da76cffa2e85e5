import { overrideProblem } from "../../components/spark-conf";
import {
    DEFAULT_GLUE_DATABASE,
    type Partition,
    TeamResources,
    TeamSettings,
    closestName,
    glueDatabaseProblem,
    isRecord,
} from "../../components/vocabulary";
import { ConfigReader } from "../config-reader";
import { ROLE_INLINE_POLICIES_LIMIT } from "../../components/emr";
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
    "requireJobTemplate?: true|false}]";
const TEAM_FIELDS = [
    "name",
    "namespace",
    "quota",
    "glueDatabases",
    "glueOwnedDatabases",
    "sparkConf",
    "submitters",
    "requireJobTemplate",
];

/** `partition`: the stack's (from aws:region), which every submitter ARN must be in; undefined when unknown. */
export function readTeams(r: ConfigReader, partition?: Partition): TeamSettings[] | undefined {
    const value = r.json("teams", TEAMS_HINT);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0) {
        r.report("teams", value, `is not a non-empty list; ${TEAMS_HINT}`);
        return undefined;
    }
    const teams = value.map((entry, i) => readTeam(r, `teams[${i}]`, entry, partition));
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

/**
 * Names and ARNs the program derives instead of reading them from resources, so policies and annotations that
 * embed them need not wait for IAM or for the log domain. Each format is spelled here and nowhere else.
 */

/** Prefix of every team's log index. */
export const LOG_INDEX_PREFIX = "spark-logs";

/**
 * A team's log index: one per team, so a role's write permission and a reader's search can be scoped by path.
 * Team names are already DNS labels (namespace names), which are valid index names.
 */
export function logIndexName(team: string): string {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(team)) {
        throw new Error(
            `team "${team}" cannot name a log index: use lowercase letters, digits and '-', starting and ending ` +
                "with a letter or digit, at most 63 characters",
        );
    }
    return `${LOG_INDEX_PREFIX}-${team}`;
}

/** ARN of an OpenSearch domain, built from its name so policies need not wait for the domain. */
export function domainArn(partition: string, region: string, accountId: string, domainName: string): string {
    return `arn:${partition}:es:${region}:${accountId}:domain/${domainName}`;
}

/** ARN of an IAM role from its name: role names are deterministic, so policies need not wait for the role. */
export function roleArn(partition: string, accountId: string, roleName: string, path = "/"): string {
    return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
}

/** IAM's limit on a role name. */
export const MAX_ROLE_NAME = 64;

/** The job role name's format, `<namePrefix>-<team>-emr-job`, before any check. */
function jobRoleNameOf(namePrefix: string, team: string): string {
    return `${namePrefix}-${team}-emr-job`;
}

function isRoleName(name: string): boolean {
    return name.length <= MAX_ROLE_NAME && /^[\w+=,.@-]+$/.test(name);
}

/**
 * A team's EMR job execution role: `<namePrefix>-<team>-emr-job`. Deterministic, so the trust's base36 suffix and
 * the role's ARN are known before the role exists.
 */
export function jobRoleName(namePrefix: string, team: string): string {
    const name = jobRoleNameOf(namePrefix, team);
    if (!isRoleName(name)) {
        throw new Error(
            `job execution role name ${JSON.stringify(name)} is not an IAM role name of at most ${MAX_ROLE_NAME} ` +
                `characters; shorten the team name ${JSON.stringify(team)}`,
        );
    }
    return name;
}

/** Why `team` cannot name a job role under `namePrefix` (for a settings error), or undefined when it can. */
export function jobRoleNameProblem(namePrefix: string, team: string): string | undefined {
    const name = jobRoleNameOf(namePrefix, team);
    if (isRoleName(name)) return undefined;
    const longest = MAX_ROLE_NAME - jobRoleNameOf(namePrefix, "").length;
    return (
        `makes the job role name ${name} longer than IAM's ${MAX_ROLE_NAME} characters; ` +
        `use a team name of at most ${longest} characters`
    );
}

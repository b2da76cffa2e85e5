/** Names shared by the domain's access policy, the job roles' write policy and the Fluent Bit output. */

/** Prefix of every team's log indices. */
export const LOG_INDEX_PREFIX = "spark-logs";

/** strftime format of the date that ends every log index's name (Fluent Bit's `Logstash_DateFormat`). */
export const LOG_INDEX_DATE_FORMAT = "%Y.%m.%d";

/**
 * IAM wildcard of the date part: `?` matches exactly one character, so `spark-logs-team-a-????.??.??` names team-a's
 * dated indices and never team `a-b`'s (`spark-logs-team-a-b-2026.12.06` is two characters longer).
 */
const DATE_WILDCARD = "????.??.??";

/**
 * Prefix of a team's log indices: one index per team and day, `<prefix>-YYYY.MM.DD`, so a role's write permission
 * and a reader's search are scoped by name and whole days can be deleted. Team names are already DNS labels
 * (namespace names), which are valid index names.
 */
export function logIndexPrefix(team: string): string {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(team)) {
        throw new Error(
            `team "${team}" cannot name a log index: use lowercase letters, digits and '-', starting and ending ` +
                "with a letter or digit, at most 63 characters",
        );
    }
    return `${LOG_INDEX_PREFIX}-${team}`;
}

/** The index a team's logs of one (UTC) day go to, as Fluent Bit names it. */
export function datedLogIndex(prefix: string, day: Date): string {
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${prefix}-${day.getUTCFullYear()}.${pad(day.getUTCMonth() + 1)}.${pad(day.getUTCDate())}`;
}

/** IAM resource pattern of a team's dated indices (not the path below them). */
export function datedLogIndexPattern(prefix: string): string {
    return `${prefix}-${DATE_WILDCARD}`;
}

/** ARN of an OpenSearch domain, built from its name so policies need not wait for the domain. */
export function domainArn(partition: string, region: string, accountId: string, domainName: string): string {
    return `arn:${partition}:es:${region}:${accountId}:domain/${domainName}`;
}

/** ARN of an IAM role from its name: role names are deterministic, so policies need not wait for the role. */
export function roleArn(partition: string, accountId: string, roleName: string, path = "/"): string {
    return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
}

/** Names shared by the domain's access policy, the job roles' write policy and the Fluent Bit output. */

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

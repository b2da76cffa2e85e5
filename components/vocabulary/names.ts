/**
 * Names and ARNs the program derives instead of reading them from resources, so policies and annotations that
 * embed them need not wait for IAM or for the log domain. Each format is spelled here and nowhere else. Names of
 * AWS resources, fitted to AWS's limits, are in `stack-names.ts`.
 */

/**
 * The CloudWatch log group EMR on EKS writes a team's job logs to (its job requests name it); `"*"` as the team gives
 * the pattern of every team's.
 */
export function emrJobLogGroupName(cluster: string, team: string): string {
    return `/aws/emr-containers/${cluster}/${team}`;
}

/**
 * The log group of the stack's VPC flow logs, `/spark-platform/<namePrefix>/vpc-flow-logs`; `"*"` as the name gives
 * the pattern of every log group the stack names under its own prefix.
 */
export function platformLogGroupName(namePrefix: string, name: string): string {
    return `/spark-platform/${namePrefix}/${name}`;
}

/**
 * The log group EKS writes a cluster's control-plane logs to (EKS fixes the name `cluster`); `"*"` as the name gives
 * the pattern of every log group of the cluster.
 */
export function eksLogGroupName(cluster: string, name = "cluster"): string {
    return `/aws/eks/${cluster}/${name}`;
}

/** A log group of the log domain's slow and error logs, by log kind; `"*"` as the kind gives the pattern. */
export function logDomainLogGroupName(domain: string, kind: string): string {
    return `/aws/opensearch/${domain}/${kind}`;
}

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

/**
 * OpenSearch wildcard of every index under a team's prefix (OpenSearch's `*`, as index patterns and the ISM API read
 * it): its dated indices, and nothing outside the platform's `spark-logs-` indices.
 */
export function logIndexWildcard(prefix: string): string {
    return `${prefix}-*`;
}

/** Id of the ISM policy that deletes the teams' dated log indices after the stack's log retention. */
export const LOG_RETENTION_POLICY_ID = "spark-logs-retention";

/** ARN of an OpenSearch domain, built from its name so policies need not wait for the domain. */
export function domainArn(partition: string, region: string, accountId: string, domainName: string): string {
    return `arn:${partition}:es:${region}:${accountId}:domain/${domainName}`;
}

/** ARN of an IAM role from its name: role names are deterministic, so policies need not wait for the role. */
export function roleArn(partition: string, accountId: string, roleName: string, path = "/"): string {
    return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
}

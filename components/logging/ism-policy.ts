/**
 * The Index State Management policy that deletes the teams' dated log indices after the stack's log retention, as a
 * pure function (OpenSearch ISM API, `PUT _plugins/_ism/policies/<id>`).
 *
 * One state machine: every index starts in `hot` and moves to `delete` once it is `retentionDays` old (ISM measures
 * `min_index_age` from the index's creation; a dated index is created by the first write of its day, so a day's logs
 * are kept at least `retentionDays` days), where ISM deletes it. The `ism_template` attaches the policy to every new
 * index of a team's prefix (and to nothing else); indices that existed before the policy are attached by the Job that
 * applies it (see index-retention.ts).
 */
import { logIndexWildcard } from "../vocabulary";

/** Priority of the template among ISM templates matching the same new index (higher wins). */
export const RETENTION_TEMPLATE_PRIORITY = 100;

/** ISM state names of the policy. */
export const RETENTION_STATES = { keep: "hot", delete: "delete" } as const;

export interface RetentionPolicyInput {
    /** Days a team's dated index is kept after it was created. */
    retentionDays: number;
    /** Prefixes of the teams' indices (`logIndexPrefix`); each index is `<prefix>-YYYY.MM.DD`. */
    indexPrefixes: readonly string[];
}

/** Index patterns of the policy: one wildcard per team prefix, sorted so the document is stable. */
export function retentionIndexPatterns(indexPrefixes: readonly string[]): string[] {
    return [...new Set(indexPrefixes.map(logIndexWildcard))].sort();
}

/** The body of `PUT _plugins/_ism/policies/<id>`. */
export function retentionPolicy(input: RetentionPolicyInput) {
    const problems = retentionPolicyProblems(input);
    if (problems.length > 0) throw new Error(`log retention policy: ${problems.join("; ")}`);
    return {
        policy: {
            description:
                `spark-platform: deletes each team's dated Spark log indices ${input.retentionDays} days after ` +
                "they were created. Managed by the stack; edits made here are overwritten on the next pulumi up.",
            default_state: RETENTION_STATES.keep,
            states: [
                {
                    name: RETENTION_STATES.keep,
                    actions: [],
                    transitions: [
                        {
                            state_name: RETENTION_STATES.delete,
                            conditions: { min_index_age: `${input.retentionDays}d` },
                        },
                    ],
                },
                { name: RETENTION_STATES.delete, actions: [{ delete: {} }], transitions: [] },
            ],
            ism_template: [
                {
                    index_patterns: retentionIndexPatterns(input.indexPrefixes),
                    priority: RETENTION_TEMPLATE_PRIORITY,
                },
            ],
        },
    };
}

/** Problems with the input, each naming the field, the value and what is allowed; empty when valid. */
export function retentionPolicyProblems(input: RetentionPolicyInput): string[] {
    const problems: string[] = [];
    if (!Number.isInteger(input.retentionDays) || input.retentionDays < 1) {
        problems.push(`retentionDays is ${input.retentionDays}; use a whole number of days, at least 1`);
    }
    if (input.indexPrefixes.length === 0) {
        problems.push("indexPrefixes is empty; name at least one team's index prefix");
    }
    return problems;
}

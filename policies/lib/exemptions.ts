/**
 * Config-driven exemptions. Names are matched exactly against a resource's physical name (node group name,
 * `metadata.name`, role name…) or its Pulumi resource name; nothing is exempt by default and nothing is
 * hard-coded. A physical name that is unknown during preview is read strictly, so the check cannot be skipped
 * or wrongly applied before the name is known.
 * @internal
 */

/**
 * Returns the first candidate name listed in `exempt`, or undefined. Candidates are thunks so that a physical
 * name (which may be unknown in preview and then throws) is read only when the cheaper ones did not match.
 */
export function exemptName(exempt: readonly string[], candidates: ReadonlyArray<() => unknown>): string | undefined {
    if (exempt.length === 0) return undefined;
    for (const read of candidates) {
        const name = read();
        if (typeof name === "string" && exempt.includes(name)) return name;
    }
    return undefined;
}

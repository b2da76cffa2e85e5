/**
 * Where a team's parts lived before they were gathered under its SparkTeam, so stacks deployed then update in place.
 * A resource's URN is its name plus the types of all its ancestors: moving a part under the team changes the URNs
 * of the part and of everything inside it. Each part therefore keeps its name and declares its former URN as an
 * alias (the engine carries a part's aliases down to its children), and `pulumi up` on such a stack changes nothing.
 *
 * Until the team composite, index.ts created per team: `SparkTeam` `team-<team>` (spark:spark:SparkTeam, the
 * namespace, quota, policies, RBAC and sample), `SparkTeamJobs` `<team>-emr` (role, virtual cluster, templates), both
 * at the stack's root, and one `SparkLogForwarding` `spark-logs` holding every team's two sidecar ConfigMaps
 * `spark-logs-<team>-config` and `-wrapper`. These names are what deployed stacks hold: never change them.
 */
import * as pulumi from "@pulumi/pulumi";

/** The stack-wide component that held every team's sidecar ConfigMaps (index.ts's `spark-logs`). */
const FORMER_LOG_FORWARDING = { type: "spark:logging:SparkLogForwarding", name: "spark-logs" };

/** Name of each part of a team's composite, and the aliases that carry its former URN. */
export function formerLocations(team: string) {
    return {
        namespace: {
            name: `team-${team}`,
            aliases: [{ type: "spark:spark:SparkTeam", parent: pulumi.rootStackResource }],
        },
        jobs: { name: `${team}-emr`, aliases: [{ parent: pulumi.rootStackResource }] },
        logForwarding: {
            name: `${FORMER_LOG_FORWARDING.name}-${team}`,
            aliases: [{ parent: pulumi.createUrn(FORMER_LOG_FORWARDING.name, FORMER_LOG_FORWARDING.type) }],
        },
    };
}

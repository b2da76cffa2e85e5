/**
 * The YuniKorn partition the platform configures (`queues.yaml` of the yunikorn-defaults ConfigMap), as a pure
 * function of the teams: one leaf queue per team under `root.teams`, its maximum the team's ceiling (the same
 * derivation as its namespace's ResourceQuota) and its guarantee `quota.guaranteed`; and one placement rule that
 * puts every application in the queue of its namespace, whatever queue a pod asks for.
 *
 * Read against YuniKorn 1.8.0's documentation (user_guide/queue_config.md, placement_rules.md, acls.md,
 * gang_scheduling.md) and yunikorn-core v1.8.0 (pkg/scheduler/placement/placement.go, tag_rule.go).
 */
import { stringify } from "yaml";
import {
    TEAM_QUEUE_PARENT,
    type TeamResources,
    type TeamSettings,
    teamCeiling,
    teamGuarantee,
    teamQueueName,
} from "../vocabulary";
import { yunikornQuantity } from "./yunikorn-quantity";

export interface QueueResources {
    readonly vcore: string;
    readonly memory: string;
}

export interface LeafQueue {
    readonly name: string;
    readonly resources: { readonly guaranteed: QueueResources; readonly max: QueueResources };
    readonly properties: Readonly<Record<string, string>>;
}

export interface PlacementRule {
    readonly name: string;
    readonly value?: string;
    readonly create?: boolean;
    readonly parent?: PlacementRule;
}

export interface PartitionConfig {
    readonly name: string;
    readonly placementrules: readonly PlacementRule[];
    readonly queues: readonly [
        {
            readonly name: "root";
            readonly queues: readonly [
                { readonly name: string; readonly parent: true; readonly submitacl: string; queues: LeafQueue[] },
            ];
        },
    ];
}

export interface QueuesConfig {
    readonly partitions: readonly [PartitionConfig];
}

function queueResources(r: TeamResources): QueueResources {
    return { vcore: yunikornQuantity(r.cpu, "vcore"), memory: yunikornQuantity(r.memory, "memory") };
}

/** Team `t`'s queue: `root.teams.<namespace>`, guaranteed `quota.guaranteed`, at most its quota. */
export function teamQueue(team: TeamSettings): LeafQueue {
    return {
        name: teamQueueName(team).slice(TEAM_QUEUE_PARENT.length + 1),
        resources: { guaranteed: queueResources(teamGuarantee(team)), max: queueResources(teamCeiling(team)) },
        // Gang scheduling reserves resources per application; YuniKorn asks for FIFO ordering in its queues so
        // that reservations do not fragment (gang_scheduling.md, "Prerequisite"). FIFO is also the default.
        properties: { "application.sort.policy": "fifo" },
    };
}

/**
 * The one partition (the Kubernetes shim supports only `default`):
 * - placement: a `tag` rule on the application's namespace under the fixed parent `root.teams`, `create: false`.
 *   It is the only rule, so the queue a pod names in its labels is never used (only the `provided` rule reads it),
 *   a pod in a namespace without a team queue matches no rule and is rejected (no `root.default` to fall back to),
 *   and no queue is ever created dynamically.
 * - ACL: `root.teams` lets any user submit: Kubernetes RBAC on the namespace decides who may create a team's pods,
 *   and the placement rule decides their queue. (A per-team ACL would have to name the Spark Operator's service
 *   account, which creates every team's drivers.)
 */
export function teamQueuesConfig(teams: readonly TeamSettings[]): QueuesConfig {
    const parent = TEAM_QUEUE_PARENT.split(".")[1];
    return {
        partitions: [
            {
                name: "default",
                placementrules: [
                    {
                        name: "tag",
                        value: "namespace",
                        create: false,
                        parent: { name: "fixed", value: TEAM_QUEUE_PARENT },
                    },
                ],
                queues: [
                    {
                        name: "root",
                        queues: [{ name: parent, parent: true, submitacl: "*", queues: teams.map(teamQueue) }],
                    },
                ],
            },
        ],
    };
}

/** The configuration as the text of the ConfigMap's `queues.yaml` key. */
export function teamQueuesYaml(teams: readonly TeamSettings[]): string {
    return stringify(teamQueuesConfig(teams));
}

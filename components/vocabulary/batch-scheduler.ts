/**
 * Which scheduler places the Spark pods of a stack (`batchScheduler`), and the words both job paths and the
 * scheduler's own configuration share: the scheduler's name, a team's queue, the label that names it. Spelled once
 * here so the queue the scheduler defines and the queue the pods carry cannot drift apart.
 */
import type { TeamSettings } from "./teams";

/** `default`: the Kubernetes scheduler, ResourceQuota only. `yunikorn`: Apache YuniKorn with a queue per team. */
export const BATCH_SCHEDULERS = ["default", "yunikorn"] as const;
export type BatchScheduler = (typeof BATCH_SCHEDULERS)[number];

/** The `schedulerName` YuniKorn registers as (and its admission controller writes into pods it processes). */
export const YUNIKORN_SCHEDULER_NAME = "yunikorn";

/** YuniKorn's canonical queue label (since 1.6.0; the legacy `queue` label is its equivalent). */
export const YUNIKORN_QUEUE_LABEL = "yunikorn.apache.org/queue";

/** The one parent of every team queue: `root.teams`. */
export const TEAM_QUEUE_PARENT = "root.teams";

/**
 * A team's queue: `root.teams.<namespace>`. Named after the namespace because YuniKorn places every pod by its
 * namespace (a `tag` placement rule on `namespace`), never by a queue the pod asks for.
 */
export function teamQueueName(team: Pick<TeamSettings, "namespace">): string {
    return `${TEAM_QUEUE_PARENT}.${team.namespace}`;
}

/** What a team's Spark pods carry so the stack's batch scheduler places them: its name and its labels. */
export interface PodScheduling {
    readonly schedulerName: string;
    readonly labels: Readonly<Record<string, string>>;
}

/** The team's pod scheduling under `scheduler`; undefined for the default scheduler (pods stay as they were). */
export function teamPodScheduling(
    scheduler: BatchScheduler,
    team: Pick<TeamSettings, "namespace">,
): PodScheduling | undefined {
    if (scheduler === "default") return undefined;
    return { schedulerName: YUNIKORN_SCHEDULER_NAME, labels: { [YUNIKORN_QUEUE_LABEL]: teamQueueName(team) } };
}

/** Kubernetes label values are at most 63 characters; the queue label holds `root.teams.<namespace>`. */
export const MAX_QUEUED_NAMESPACE_LENGTH = 63 - `${TEAM_QUEUE_PARENT}.`.length;

/** Why a team's namespace cannot carry its queue label under YuniKorn, or undefined when it can. */
export function queueLabelProblem(team: Pick<TeamSettings, "namespace">): string | undefined {
    if (team.namespace.length <= MAX_QUEUED_NAMESPACE_LENGTH) return undefined;
    return (
        `is longer than ${MAX_QUEUED_NAMESPACE_LENGTH} characters, too long for batchScheduler yunikorn: its pods' ` +
        `queue label ${YUNIKORN_QUEUE_LABEL}=${teamQueueName(team)} would exceed a label value's 63 characters`
    );
}

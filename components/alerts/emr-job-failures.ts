/**
 * The EventBridge rule that tells people when an EMR job run of the stack fails: EMR on EKS sends "EMR Job Run State
 * Change" events (source aws.emr-containers) with the run's virtual cluster, id, name and state.
 */

/** Matches the failed job runs of these virtual clusters, and nothing else. */
export function emrJobFailurePattern(virtualClusterIds: readonly string[]) {
    if (virtualClusterIds.length === 0) throw new Error("EMR job failure rule: no virtual cluster to watch");
    return {
        source: ["aws.emr-containers"],
        "detail-type": ["EMR Job Run State Change"],
        detail: { state: ["FAILED"], virtualClusterId: [...virtualClusterIds] },
    };
}

/** One readable line per failure, instead of the raw event, for e-mail and chat subscribers. */
export const EMR_JOB_FAILURE_MESSAGE = {
    inputPaths: {
        id: "$.detail.id",
        name: "$.detail.name",
        virtualClusterId: "$.detail.virtualClusterId",
        details: "$.detail.stateDetails",
        region: "$.region",
    },
    inputTemplate:
        '"EMR job run <name> (<id>) failed in virtual cluster <virtualClusterId>: <details> ' +
        '(aws emr-containers describe-job-run --region <region> --virtual-cluster-id <virtualClusterId> --id <id>)"',
} as const;

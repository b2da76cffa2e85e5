/**
 * AWSServiceRoleForEC2Spot, which Spot executors need and which a stack creates only in an account that never used
 * Spot. The role carries no tags (service-linked roles are created by their service), so its description says which
 * stack created it: preflight reads it to tell "this stack made it" from "it was already there".
 */
export const SPOT_SERVICE_LINKED_ROLE = "AWSServiceRoleForEC2Spot";

export function spotServiceLinkedRoleDescription(project: string, stack: string): string {
    return `Spot for Spark executors; created by Pulumi stack ${project}/${stack}`;
}

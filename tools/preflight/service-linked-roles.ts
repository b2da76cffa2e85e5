/**
 * Preflight's checks of the account-wide service-linked roles the stack needs before its first resources: EMR on
 * EKS's (the EMR access entry names it; AWS creates it only with an account's first virtual cluster) and
 * OpenSearch's (a VPC domain needs it). Each is there, or the stack creates it; a role this stack created earlier
 * carries its tags (the provider's default tags reach the role).
 */
import { GetRoleCommand, type IAMClient, NoSuchEntityException, type Tag } from "@aws-sdk/client-iam";
import type { Settings } from "../../components/settings";
import { SERVICE_LINKED_ROLES, type ServiceLinkedRoleKind } from "../../components/iam/service-linked-roles";
import type { Check } from "./checks";
import type { PreflightPlan } from "./plan";

/** A service-linked role the stack needs, and whether the stack's settings create it. */
export interface NeededServiceLinkedRole {
    readonly kind: ServiceLinkedRoleKind;
    /** Why the stack needs it, for the message. */
    readonly neededBy: string;
    /** The setting that makes the stack create it (unqualified key). */
    readonly setting: string;
    readonly createdByStack: boolean;
}

export function neededServiceLinkedRoles(settings: Settings): NeededServiceLinkedRole[] {
    return [
        {
            kind: "emrContainers",
            neededBy: "the EMR access entry of the cluster",
            setting: "emrCreateServiceLinkedRole",
            createdByStack: settings.emr.createServiceLinkedRole,
        },
        {
            kind: "openSearch",
            neededBy: "the log domain in the VPC",
            setting: "opensearchCreateServiceLinkedRole",
            createdByStack: settings.opensearch.createServiceLinkedRole,
        },
    ];
}

/** The role's tags, or undefined when the account has no such role. */
async function roleTags(iam: IAMClient, roleName: string): Promise<Tag[] | undefined> {
    try {
        const answer = await iam.send(new GetRoleCommand({ RoleName: roleName }));
        return answer.Role?.Tags ?? [];
    } catch (e) {
        if (e instanceof NoSuchEntityException) return undefined;
        throw e;
    }
}

/** Whether the stack's own provider tags mark the role as this stack's (it created it on an earlier `pulumi up`). */
export function taggedByStack(tags: readonly Tag[], plan: PreflightPlan): boolean {
    const value = (key: string) => tags.find((t) => t.Key === key)?.Value;
    return value("spark-platform:stack") === plan.stack && value("spark-platform:project") === plan.project;
}

function serviceLinkedRoleCheck(id: string, kind: ServiceLinkedRoleKind, title: string): Check {
    const { roleName, awsServiceName } = SERVICE_LINKED_ROLES[kind];
    return {
        id,
        title,
        applies: (plan) => plan.serviceLinkedRoles.some((r) => r.kind === kind),
        async run(plan, clients) {
            const role = plan.serviceLinkedRoles.find((r) => r.kind === kind);
            if (role === undefined) throw new Error(`the stack does not need ${roleName}`);
            const key = `spark-platform:${role.setting}`;
            const tags = await roleTags(clients.iam, roleName);
            if (tags === undefined) {
                return role.createdByStack
                    ? { status: "pass", detail: `${roleName} is missing and the stack creates it (${key})` }
                    : {
                          status: "fail",
                          detail: `${roleName} does not exist in this account; ${role.neededBy} needs it`,
                          fix: `set ${key} to true in Pulumi.${plan.stack}.yaml, or run: aws iam create-service-linked-role --aws-service-name ${awsServiceName}`,
                      };
            }
            if (!role.createdByStack) return { status: "pass", detail: `${roleName} exists` };
            if (taggedByStack(tags, plan)) {
                return {
                    status: "pass",
                    detail: `${roleName} exists, created by this stack (${key}); \`pulumi destroy\` keeps it, so set ${key} to false before deploying the stack anew`,
                };
            }
            return {
                status: "fail",
                detail: `${roleName} already exists (not created by this stack), and ${key} would create it again (that fails)`,
                fix: `set ${key} to false in Pulumi.${plan.stack}.yaml`,
            };
        },
    };
}

export const SERVICE_LINKED_ROLE_CHECKS: readonly Check[] = [
    serviceLinkedRoleCheck(
        "emr-role",
        "emrContainers",
        "EMR on EKS's service-linked role is there, or the stack creates it",
    ),
    serviceLinkedRoleCheck(
        "opensearch-role",
        "openSearch",
        "OpenSearch's service-linked role is there, or the stack creates it",
    ),
];

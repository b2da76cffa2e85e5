export { IrsaRole } from "./irsa-role";
export type { IrsaRoleArgs } from "./irsa-role";
export { NodeRole } from "./node-role";
export type { NodeRoleArgs } from "./node-role";
export {
    STS_AUDIENCE,
    ec2ServicePrincipal,
    irsaTrustPolicy,
    managedPolicyArn,
    nodeRoleManagedPolicyArns,
    nodeRoleTrustPolicy,
    serviceAccountSubject,
} from "./trust-policy";
export type { IrsaSubject } from "./trust-policy";
export { SERVICE_LINKED_ROLES, createServiceLinkedRole } from "./service-linked-roles";
export type { ServiceLinkedRoleKind } from "./service-linked-roles";

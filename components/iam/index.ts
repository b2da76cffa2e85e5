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
export { SPOT_SERVICE_LINKED_ROLE, spotServiceLinkedRoleDescription } from "./spot-service-linked-role";

export { Karpenter } from "./karpenter";
export type { KarpenterArgs } from "./karpenter";
export { karpenterControllerPolicies, interruptionQueuePolicy } from "./iam-policy";
export type { KarpenterPolicyContext } from "./iam-policy";
export { INTERRUPTION_EVENTS, eventPattern, interruptionQueueName } from "./interruption";
export type { InterruptionEvent } from "./interruption";
export { DISCOVERY_TAG, ROLE_POLICIES, ec2NodeClassManifest, nodePoolManifest } from "./node-pools";
export type { NodeClassOptions, NodePoolOptions } from "./node-pools";
export { KARPENTER_SERVICE_ACCOUNT, karpenterValues } from "./values";

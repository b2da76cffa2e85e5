export { YuniKorn, YUNIKORN_SERVICE_ACCOUNTS } from "./yunikorn";
export type { YuniKornArgs } from "./yunikorn";
export { teamQueue, teamQueuesConfig, teamQueuesYaml } from "./yunikorn-queues";
export type { LeafQueue, PartitionConfig, PlacementRule, QueueResources, QueuesConfig } from "./yunikorn-queues";
export { PLACEHOLDER_IMAGE, processNamespacesPattern, yunikornValues } from "./yunikorn-values";
export { yunikornQuantity } from "./yunikorn-quantity";
export type { YuniKornResource } from "./yunikorn-quantity";

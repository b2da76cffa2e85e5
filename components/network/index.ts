export { Network } from "./network";
export type { NetworkArgs } from "./network";
export { layoutSubnets } from "./subnet-layout";
export type { ZoneSubnets } from "./subnet-layout";

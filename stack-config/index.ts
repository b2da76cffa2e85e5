/**
 * The top floor: the stack's configuration, read and validated in full before anything is registered. Only
 * index.ts and the tools import it; components never do (they take typed Args and the vocabulary).
 */
export { parseSettings, loadSettings } from "./settings";
export type { Settings } from "./settings";
export { InvalidConfigError } from "./invalid-config-error";
export { parseIamPrincipalArn } from "./validators";
export type { IamPrincipalArn } from "./validators";
export type { ClusterSettings } from "./sections/cluster";
export type { AwsSettings } from "./sections/aws";
export type { NetworkSettings } from "./sections/network";
export type { SparkSettings } from "./sections/spark";
export type { LogForwardingSettings, OpenSearchNodes, OpenSearchSettings } from "./sections/observability";
export type { EmrSettings } from "./sections/emr";
export type { RawConfig } from "./config-reader";
export { MAX_INSTANCE_FAMILIES } from "./sections/capacity";
export { type PulledImage, architecturesInUse, imageArchitectureProblems, pulledImages } from "./pulled-images";
export type { CapacitySettings } from "./sections/capacity";

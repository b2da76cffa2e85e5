export { parseSettings, loadSettings, InvalidConfigError, AUTOSCALERS, API_ENDPOINT_ACCESS } from "./settings";
export type { Settings, TeamSettings, Autoscaler, ApiEndpointAccess } from "./settings";
export type { RawConfig } from "./config-reader";
export type { Cidr, EmrReleaseLabel } from "./validators";
export { subdivideCidr } from "./validators";
export { partitionOf, dnsSuffixOf, EMR_ON_EKS_ECR_ACCOUNTS } from "./regions";
export type { Partition } from "./regions";

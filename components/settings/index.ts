export { parseSettings, loadSettings, InvalidConfigError, AUTOSCALERS, API_ENDPOINT_ACCESS, KUBERNETES_VERSIONS } from "./settings";
export type { Settings, TeamSettings, Autoscaler, ApiEndpointAccess } from "./settings";
export type { RawConfig } from "./config-reader";
export type { Cidr, EmrReleaseLabel } from "./validators";
export { subdivideCidr } from "./validators";
export { partitionOf, dnsSuffixOf, EMR_ON_EKS_ECR_ACCOUNTS } from "./regions";
export type { Partition } from "./regions";
export { INSTANCE_SIZE_VCPUS, MAX_INSTANCE_FAMILIES } from "./settings";
export type { CapacitySettings, InstanceShape, InstanceSize } from "./settings";

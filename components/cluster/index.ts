export {
    EksCluster,
    adminAccessEntries,
    deployerListedProblem,
    endpointAccess,
    viewerAccessEntries,
} from "./eks-cluster";
export type { EksClusterArgs } from "./eks-cluster";
export { ADDON_NAMES, EKS_ADDON_VERSIONS, addonVersionsFor } from "./addon-versions";
export { supportedKubernetesVersions } from "./supported-versions";
export type { AddonName, AddonVersions } from "./addon-versions";
export {
    EBS_CSI_SERVICE_ACCOUNT,
    VPC_CNI_CONFIGURATION,
    VPC_CNI_SERVICE_ACCOUNT,
    vpcCniEnforcesNetworkPolicies,
} from "./addons";
export { AL2023_ROOT_DEVICE, nodeLaunchTemplateArgs, nvmeRaid0UserData } from "./launch-template";
export type { NodeLaunchTemplateOptions } from "./launch-template";
export { DEFAULT_STORAGE_CLASS_NAME, defaultStorageClassManifest } from "./storage-class";
export { IGNORE_SCALING_DRIFT } from "./system-node-group";
export type { ClusterContext } from "./cluster-context";

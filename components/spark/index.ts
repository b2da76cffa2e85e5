export { SparkOperator } from "./spark-operator";
export type { SparkOperatorArgs } from "./spark-operator";
export { TeamNamespace } from "./team-namespace";
export type { TeamNamespaceArgs } from "./team-namespace";
export { SparkPriorityClasses } from "./spark-priority-classes";
export type { SparkPriorityClassesArgs } from "./spark-priority-classes";
export {
    EMR_IMAGE_ARCHITECTURES,
    PUBLIC_GALLERY_CHART,
    SPARK_OPERATOR_SOURCES,
    emrRegistryOf,
    emrSparkImage,
    problemLine,
    sparkOperatorChart,
} from "./operator-chart";
export type { EmrRegistry, SparkConfigProblem, SparkOperatorChart, SparkOperatorSource } from "./operator-chart";
export { sparkOperatorValues, SPARK_JOBS_NAMESPACE_LABEL } from "./operator-values";
export { OPERATOR_PORTS, operatorNamespaceManifest, operatorNetworkPolicyManifest } from "./operator-manifests";
export { SPARK_PRIORITY_CLASSES, priorityClassManifest } from "./priority-classes";
export { sampleSparkApplication, sparkVersionOf } from "./sample-application";
export {
    limitRangeManifest,
    metricsScrapePolicyManifest,
    networkPolicyManifests,
    resourceQuotaManifest,
    sparkRoleBindingManifest,
    sparkRoleManifest,
    sparkServiceAccountManifest,
    sparkServiceAccountName,
    teamNamespaceManifest,
} from "./team-manifests";
export { sparkPlatformConfigProblems } from "./config-check";
export { podSecurityLabels, restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./pod-security";
export type { PodSecurityLevel } from "./pod-security";
export { minQuantity, quantityValue } from "./quantity";

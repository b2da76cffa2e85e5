export { base36 } from "./base36";
export {
    BUCKET_PREFIXES,
    directoryPathKey,
    glueDatabasePrefix,
    s3Uri,
    teamPrefix,
    teamPrefixes,
} from "./bucket-layout";
export type { PrefixKind, TeamPrefixes } from "./bucket-layout";
export {
    EmrClusterAccess,
    emrJobAccessPolicyArn,
    emrServiceLinkedRoleArn,
    EMR_SERVICE_LINKED_ROLE,
} from "./emr-cluster-access";
export type { EmrClusterAccessArgs } from "./emr-cluster-access";
export { JobExecutionRole } from "./job-execution-role";
export type { JobExecutionRoleArgs } from "./job-execution-role";
export {
    GLUE_READ_ACTIONS,
    GLUE_WRITE_ACTIONS,
    jobRolePolicy,
    policyCharacters,
    ROLE_INLINE_POLICIES_LIMIT,
} from "./job-role-policy";
export { emrServiceAccountPattern, jobRoleTrustPolicy } from "./job-role-trust";
export { lifecycleRules, PlatformBucket, tlsOnlyBucketPolicy } from "./platform-bucket";
export type { PlatformBucketArgs } from "./platform-bucket";
export { buildPodTemplate, emrTemplateProblems, podTemplateYaml, SPARK_MAIN_CONTAINER } from "./pod-templates";
export { emrApplicationConfiguration } from "./application-configuration";
export { SPARK_PI_ENTRY_POINT, SPARK_PI_JOB_CONF, startJobRunRequest } from "./start-job-run";
export type { StartJobRunRequestJson } from "./start-job-run";
export { SparkTeamJobs, TEAM_JOB_TAG } from "./spark-team-jobs";
export type { JobTemplateRef, PlatformBucketRef, PodTemplateUris, SparkTeamJobsArgs } from "./spark-team-jobs";
export { jobTemplateData, jobTemplateVersion, startJobRunFromTemplateRequest } from "./job-template";
export { submitterPolicy, submitterTrustPolicy } from "./submitter-policy";
export { SubmitterRole } from "./submitter-role";
export type { SubmitterRoleArgs } from "./submitter-role";

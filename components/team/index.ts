export { SparkTeam } from "./spark-team";
export type { SparkTeamArgs, SparkTeamOutput } from "./spark-team";
export { glueDatabaseOwners, glueReadPrefixes, jobRolePoliciesUpperBound } from "./job-role-policies";
export type { GlueDatabaseOwners } from "./job-role-policies";

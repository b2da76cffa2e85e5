export { SparkTeam } from "./spark-team";
export type { SparkTeamArgs, SparkTeamOutput } from "./spark-team";

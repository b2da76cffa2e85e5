/**
 * The Glue side of a team's job role that depends on the other teams (whose databases it reads), and the most
 * characters the role's inline policies can reach: IAM refuses a role whose inline policies together pass
 * 10,240 characters, so a team listing too many databases is refused with the stack's settings, before anything is
 * registered, instead of by IAM half-way through `pulumi up`.
 */
import { glueDatabasePrefix, jobRolePolicy, policyCharacters, teamPrefixes } from "../emr";
import { indexWritePolicy } from "../logging";
import {
    EMR_ON_EKS_ECR_ACCOUNTS,
    NAME_RULES,
    type TeamSettings,
    domainArn,
    emrJobLogGroupName,
    logIndexPrefix,
} from "../vocabulary";

/** The Glue databases the stack creates, each with the one team that owns it: database → team name. */
export type GlueDatabaseOwners = Readonly<Record<string, string>>;

export function glueDatabaseOwners(teams: readonly Pick<TeamSettings, "name" | "glueOwnedDatabases">[]) {
    const owners: Record<string, string> = {};
    for (const team of teams) for (const db of team.glueOwnedDatabases ?? []) owners[db] = team.name;
    return owners as GlueDatabaseOwners;
}

/**
 * Prefixes of the platform bucket holding the databases of other teams that `team` reads: its role reads their
 * objects. A database the stack does not create (made outside it) has no known location: its objects need a grant
 * of their own.
 */
export function glueReadPrefixes(
    team: Pick<TeamSettings, "name" | "glueDatabases">,
    owners: GlueDatabaseOwners,
): string[] {
    return team.glueDatabases
        .filter((db) => owners[db] !== undefined && owners[db] !== team.name)
        .map((db) => glueDatabasePrefix(owners[db], db));
}

/** The longest value each part of an ARN can take in any stack: names fitted to their AWS limits. */
const LONGEST = {
    partition: "aws-us-gov" as const,
    region: Object.keys(EMR_ON_EKS_ECR_ACCOUNTS).reduce((a, b) => (b.length > a.length ? b : a)),
    accountId: "123456789012",
    bucket: "b".repeat(NAME_RULES.s3Bucket.max),
    cluster: "c".repeat(NAME_RULES.eksCluster.max),
    domain: "d".repeat(NAME_RULES.openSearchDomain.max),
    keyId: "k".repeat(36),
};

/**
 * The most characters (white space not counted) the inline policies SparkTeam gives the team's job role can have in
 * any stack: its team access and its log index write access, built with the longest names.
 */
export function jobRolePoliciesUpperBound(
    team: Pick<TeamSettings, "name" | "glueDatabases" | "glueOwnedDatabases">,
    owners: GlueDatabaseOwners,
): number {
    const { partition, region, accountId } = LONGEST;
    const access = jobRolePolicy({
        partition,
        region,
        accountId,
        bucketArn: `arn:${partition}:s3:::${LONGEST.bucket}`,
        prefixes: teamPrefixes(team.name),
        kmsKeyArn: `arn:${partition}:kms:${region}:${accountId}:key/${LONGEST.keyId}`,
        logGroupName: emrJobLogGroupName(LONGEST.cluster, team.name),
        glueDatabases: team.glueDatabases,
        glueOwnedDatabases: team.glueOwnedDatabases ?? [],
        glueReadPrefixes: glueReadPrefixes(team, owners),
    });
    const logIndex = indexWritePolicy(
        domainArn(partition, region, accountId, LONGEST.domain),
        logIndexPrefix(team.name),
    );
    return policyCharacters(access) + policyCharacters(logIndex);
}

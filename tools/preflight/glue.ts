/**
 * Preflight's Glue Data Catalog check: what the offline tests cannot know of the account's catalog. Spark's Glue
 * client looks up `default` when it starts and Spark creates it when it is missing, which no job role may, so it
 * must exist; and a database a team owns is created by the stack, so one of that name made outside the stack (in
 * another stack, by hand) fails `pulumi up` with AlreadyExistsException unless it is already this stack's.
 */
import { EntityNotFoundException, GetDatabaseCommand } from "@aws-sdk/client-glue";
import { glueDatabasePrefix, s3Uri } from "../../components/emr";
import { DEFAULT_GLUE_DATABASE, platformBucketName } from "../../components/vocabulary";
import type { Check } from "./checks";

/** The Glue databases the stack creates, and what it needs to know where they live. */
export interface GluePlan {
    /** `spark-<stack>`: names the platform bucket, with the account and region. */
    readonly namePrefix: string;
    readonly ownedDatabases: readonly { readonly name: string; readonly team: string }[];
}

export const GLUE_CHECKS: readonly Check[] = [
    {
        id: "glue-catalog",
        title: "the Glue Data Catalog has the default database, and no owned database exists outside the stack",
        async run(plan, clients, caller) {
            const locationOf = async (name: string): Promise<string | undefined | null> => {
                try {
                    const answer = await clients.glue.send(new GetDatabaseCommand({ Name: name }));
                    return answer.Database?.LocationUri ?? "";
                } catch (e) {
                    if (e instanceof EntityNotFoundException) return null;
                    throw e;
                }
            };
            const problems: string[] = [];
            const fixes: string[] = [];
            if ((await locationOf(DEFAULT_GLUE_DATABASE)) === null) {
                problems.push(`the catalog of ${plan.region} has no ${DEFAULT_GLUE_DATABASE} database`);
                fixes.push(
                    `aws glue create-database --region ${plan.region} --database-input '{"Name":"${DEFAULT_GLUE_DATABASE}"}' ` +
                        "(Spark creates it at start-up otherwise, which the job roles may not)",
                );
            }
            const bucket = platformBucketName(plan.glue.namePrefix, caller.accountId, plan.region);
            for (const { name, team } of plan.glue.ownedDatabases) {
                const location = await locationOf(name);
                const expected = s3Uri(bucket, glueDatabasePrefix(team, name));
                if (location === null || location === expected) continue;
                problems.push(`${name} (owned by ${team}) exists already, at ${location || "no location"}`);
                fixes.push(
                    `own another name, or adopt it: pulumi import aws:glue/catalogDatabase:CatalogDatabase ` +
                        `<name> ${caller.accountId}:${name} (its location becomes ${expected})`,
                );
            }
            const owned = plan.glue.ownedDatabases.length;
            return problems.length === 0
                ? {
                      status: "pass",
                      detail: `${DEFAULT_GLUE_DATABASE} exists; ${owned} owned database(s), none made outside the stack`,
                  }
                : { status: "fail", detail: problems.join("; "), fix: fixes.join("; ") };
        },
    },
];

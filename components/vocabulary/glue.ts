/**
 * Glue Data Catalog words: database names and catalog ARNs. Glue stores names in lowercase; Spark and Hive read an
 * identifier as letters, digits and `_`, so a database name the platform accepts is lowercase letters, digits and
 * `_`, at most Glue's 255 characters.
 */

/** A Glue database name the platform accepts. */
export const GLUE_DATABASE_NAME = /^[a-z0-9_]{1,255}$/;

/**
 * The database Spark's Glue catalog client looks up when it starts (AWSCatalogMetastoreClient checks that `default`
 * exists, and fails the job when it may not ask); no team may own it.
 */
export const DEFAULT_GLUE_DATABASE = "default";

/** What is wrong with `name` as a Glue database name, as the end of a one-line error; undefined when valid. */
export function glueDatabaseProblem(name: string): string | undefined {
    return GLUE_DATABASE_NAME.test(name)
        ? undefined
        : "is not a Glue database name; use 1 to 255 lowercase letters, digits and '_'";
}

/** ARN of a Data Catalog resource of the account's catalog: `catalog`, `database/<db>`, `table/<db>/<table>`… */
export function glueArn(partition: string, region: string, accountId: string, resource: string): string {
    return `arn:${partition}:glue:${region}:${accountId}:${resource}`;
}

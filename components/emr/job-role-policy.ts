/**
 * Permissions of a team's job execution role, as a pure function: the team's prefixes of the platform bucket
 * (read code and pod templates; read and write logs, event logs and data; stat the event-log directory but never
 * delete its marker), the stack key through S3 only, the team's log group, and the Glue Data Catalog: the lookup of
 * `default` Spark's Glue client makes when it starts, read access to the databases the team reads or owns, and
 * table, partition, statistics and function writes in the databases it owns (never a database itself: the stack
 * creates and deletes those). Of another team's, only the objects of a database the team is allowed to read.
 */
import { DEFAULT_GLUE_DATABASE, dnsSuffixOf, glueArn, glueDatabaseProblem, type Partition } from "../vocabulary";
import { TeamPrefixes, directoryPathKey } from "./bucket-layout";

export interface JobRolePolicyInput {
    readonly partition: Partition;
    readonly region: string;
    readonly accountId: string;
    /** ARN of the platform bucket. */
    readonly bucketArn: string;
    /** The team's prefixes of the platform bucket. */
    readonly prefixes: TeamPrefixes;
    /** ARN of the KMS key the bucket is encrypted with. */
    readonly kmsKeyArn: string;
    /** Name of the team's CloudWatch log group. */
    readonly logGroupName: string;
    /** Glue Data Catalog databases the team's jobs may read (tables and partitions included). */
    readonly glueDatabases: readonly string[];
    /**
     * Glue Data Catalog databases the team owns: read, and write their tables, partitions, statistics and functions.
     * Their locations are under the team's data prefix, which the role already writes.
     * @default []
     */
    readonly glueOwnedDatabases?: readonly string[];
    /**
     * Prefixes of the platform bucket holding databases of other teams that this team reads (`glueDatabases` owned
     * in the stack): read only.
     * @default []
     */
    readonly glueReadPrefixes?: readonly string[];
}

/**
 * What Spark's Glue catalog client (AWSGlueDataCatalogHiveClientFactory: GlueMetastoreClientDelegate over
 * DefaultAWSGlueMetastore) calls to read databases, tables, partitions, column statistics and functions.
 */
export const GLUE_READ_ACTIONS = [
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
    "glue:GetColumnStatisticsForTable",
    "glue:GetColumnStatisticsForPartition",
    "glue:GetUserDefinedFunction",
    "glue:GetUserDefinedFunctions",
] as const;

/**
 * What the same client calls to change a database's contents: CREATE/ALTER/DROP TABLE (CreateTable, UpdateTable,
 * DeleteTable, which first deletes the partitions one by one), INSERT and ADD PARTITION (BatchCreatePartition, then
 * UpdatePartition for statistics), DROP PARTITION (DeletePartition), ANALYZE (column statistics) and CREATE/DROP
 * FUNCTION. Not CreateDatabase, UpdateDatabase or DeleteDatabase: the stack owns the databases and their locations.
 */
export const GLUE_WRITE_ACTIONS = [
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:DeleteTable",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:DeletePartition",
    "glue:UpdateColumnStatisticsForTable",
    "glue:UpdateColumnStatisticsForPartition",
    "glue:DeleteColumnStatisticsForTable",
    "glue:DeleteColumnStatisticsForPartition",
    "glue:CreateUserDefinedFunction",
    "glue:UpdateUserDefinedFunction",
    "glue:DeleteUserDefinedFunction",
] as const;

/** IAM's limit on the inline policies of one role, together, in characters not counting white space. */
export const ROLE_INLINE_POLICIES_LIMIT = 10_240;

/** The characters IAM counts for a policy document: its JSON without white space. */
export function policyCharacters(document: unknown): number {
    return JSON.stringify(document).replace(/\s/g, "").length;
}

export function jobRolePolicy(input: JobRolePolicyInput) {
    const { partition, region, accountId, bucketArn, prefixes, kmsKeyArn, logGroupName } = input;
    const readOnly = [prefixes.code, prefixes.podTemplates];
    const readWrite = [prefixes.logs, prefixes.sparkEvents, prefixes.data, prefixes.shuffleFallback];
    const objects = (list: readonly string[]) => list.map((prefix) => `${bucketArn}/${prefix}*`);
    // Below the event-log prefix, never its directory marker (the prefix itself): `?*` needs one more character.
    const eventLogs = `${bucketArn}/${prefixes.sparkEvents}?*`;
    const logGroupArn = `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`;
    const statements: object[] = [
        {
            Sid: "ListTeamPrefixes",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: bucketArn,
            Condition: { StringLike: { "s3:prefix": [...readOnly, ...readWrite].flatMap((p) => [p, `${p}*`]) } },
        },
        {
            Sid: "ReadTeamObjects",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: objects([...readOnly, ...readWrite]),
        },
        {
            Sid: "WriteTeamOutputs",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            Resource: [...objects([prefixes.logs, prefixes.data, prefixes.shuffleFallback]), eventLogs],
        },
        {
            // Spark stats spark.eventLog.dir before it writes: the file system HEADs the path as a file first, and
            // S3 answers a key the caller may not read with 403, not 404, which fails the job.
            Sid: "StatEventLogDirectory",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: `${bucketArn}/${directoryPathKey(prefixes.sparkEvents)}`,
        },
        {
            Sid: "UseBucketKeyThroughS3",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `s3.${region}.${dnsSuffixOf(region)}` } },
        },
        {
            Sid: "WriteTeamLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [logGroupArn, `${logGroupArn}:log-stream:*`],
        },
        {
            // EMR looks the group up by name before it writes; DescribeLogGroups has no narrower resource.
            Sid: "FindLogGroups",
            Effect: "Allow",
            Action: "logs:DescribeLogGroups",
            Resource: `arn:${partition}:logs:${region}:${accountId}:log-group:*`,
        },
    ];
    statements.push(...glueStatements(input));
    return { Version: "2012-10-17", Statement: statements };
}

/** The role's Glue Data Catalog statements, and read access to the objects of the other teams' databases it reads. */
function glueStatements(input: JobRolePolicyInput): object[] {
    const { partition, region, accountId, bucketArn } = input;
    const read = input.glueDatabases;
    const owned = input.glueOwnedDatabases ?? [];
    for (const db of [...read, ...owned]) {
        const problem = glueDatabaseProblem(db);
        if (problem !== undefined) throw new Error(`Glue database ${JSON.stringify(db)} ${problem}`);
    }
    if (owned.includes(DEFAULT_GLUE_DATABASE))
        throw new Error(`Glue database ${DEFAULT_GLUE_DATABASE} cannot be owned by a team`);
    const both = read.find((db) => owned.includes(db));
    if (both !== undefined) throw new Error(`Glue database ${JSON.stringify(both)} is both read and owned`);
    const glue = (resource: string) => glueArn(partition, region, accountId, resource);
    // Every resource a catalog request is authorized against: the catalog, the database, and its tables or
    // functions (Glue checks each ancestor of the object named). Exact names: `table/sales/*` never matches a
    // table of `sales_raw`.
    const databaseResources = (dbs: readonly string[]) => [
        glue("catalog"),
        ...dbs.flatMap((db) => [glue(`database/${db}`), glue(`table/${db}/*`), glue(`userDefinedFunction/${db}/*`)]),
    ];
    const statements: object[] = [
        {
            // The Glue client checks that `default` exists when it starts and fails the job when it may not ask.
            Sid: "StartGlueClient",
            Effect: "Allow",
            Action: "glue:GetDatabase",
            Resource: [glue("catalog"), glue(`database/${DEFAULT_GLUE_DATABASE}`)],
        },
    ];
    if (read.length > 0)
        statements.push({
            Sid: "ReadGlueDatabases",
            Effect: "Allow",
            Action: [...GLUE_READ_ACTIONS],
            Resource: databaseResources(read),
        });
    // Each owned database once, with the read and the write actions: a team may own many before the role's
    // policies reach IAM's size limit.
    if (owned.length > 0)
        statements.push({
            Sid: "UseOwnGlueDatabases",
            Effect: "Allow",
            Action: [...GLUE_READ_ACTIONS, ...GLUE_WRITE_ACTIONS],
            Resource: databaseResources(owned),
        });
    const shared = input.glueReadPrefixes ?? [];
    if (shared.length > 0)
        statements.push(
            {
                Sid: "ListReadDatabases",
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: bucketArn,
                Condition: { StringLike: { "s3:prefix": shared.flatMap((p) => [p, `${p}*`]) } },
            },
            {
                Sid: "ReadReadDatabases",
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: shared.map((p) => `${bucketArn}/${p}*`),
            },
        );
    return statements;
}

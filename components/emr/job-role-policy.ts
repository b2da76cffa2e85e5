/**
 * Permissions of a team's job execution role, as a pure function: the team's prefixes of the platform bucket
 * (read code and pod templates; read and write logs, event logs and data; stat the event-log directory but never
 * delete its marker), the stack key through S3 only, the
 * team's log group, and optionally read access to named Glue Data Catalog databases. Nothing of another team.
 */
import { dnsSuffixOf, type Partition } from "../vocabulary";
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
}

const GLUE_DATABASE = /^[a-z0-9_]{1,255}$/;

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
    if (input.glueDatabases.length > 0) {
        const bad = input.glueDatabases.find((db) => !GLUE_DATABASE.test(db));
        if (bad !== undefined)
            throw new Error(`Glue database ${JSON.stringify(bad)} is not a Glue database name (lowercase, digits, _)`);
        const glue = (resource: string) => `arn:${partition}:glue:${region}:${accountId}:${resource}`;
        statements.push({
            Sid: "ReadGlueCatalog",
            Effect: "Allow",
            Action: [
                "glue:GetDatabase",
                "glue:GetDatabases",
                "glue:GetTable",
                "glue:GetTables",
                "glue:GetPartition",
                "glue:GetPartitions",
                "glue:BatchGetPartition",
            ],
            Resource: [
                glue("catalog"),
                ...input.glueDatabases.flatMap((db) => [glue(`database/${db}`), glue(`table/${db}/*`)]),
            ],
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

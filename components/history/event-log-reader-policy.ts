/**
 * Permissions of a Spark History Server's role, as a pure function: list one team's event-log prefix of the
 * platform bucket and read the objects under it, decrypting them through S3 with the stack's key. Nothing else: no
 * write or delete (the server's cleaner and compaction are off, charts/spark-history-server/values.yaml), no other
 * prefix, no managed read-all policy.
 */
import { directoryPathKey } from "../emr";
import { dnsSuffixOf } from "../vocabulary";

export interface EventLogReaderPolicyInput {
    /** Region of the bucket and key: S3's service name in `kms:ViaService`. */
    readonly region: string;
    /** ARN of the platform bucket. */
    readonly bucketArn: string;
    /** The team's event-log prefix, `spark-events/<team>/`. */
    readonly eventLogPrefix: string;
    /** ARN of the KMS key the bucket is encrypted with. */
    readonly kmsKeyArn: string;
}

const BUCKET_ARN = /^arn:aws(-cn|-us-gov)?:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[a-z0-9-]+\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\/$/;

export function eventLogReaderPolicy(input: EventLogReaderPolicyInput) {
    const { region, bucketArn, eventLogPrefix: prefix, kmsKeyArn } = input;
    if (!BUCKET_ARN.test(bucketArn)) throw new Error(`${JSON.stringify(bucketArn)} is not an S3 bucket ARN`);
    // One literal team prefix: a wildcard or a bare top-level prefix would reach every team's logs.
    if (!PREFIX.test(prefix)) {
        throw new Error(`event-log prefix ${JSON.stringify(prefix)} is not one team's prefix such as spark-events/a/`);
    }
    return {
        Version: "2012-10-17",
        Statement: [
            {
                // The scan lists the prefix (delimiter `/`) and each rolling event-log directory below it.
                Sid: "ListTeamEventLogs",
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: bucketArn,
                Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
            },
            {
                Sid: "ReadTeamEventLogs",
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: `${bucketArn}/${prefix}*`,
            },
            {
                // At start the server stats spark.history.fs.logDirectory: S3A HEADs the path as a file first, and
                // S3 answers a key the caller may not read with 403, not 404, which stops the server.
                Sid: "StatTeamEventLogDirectory",
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: `${bucketArn}/${directoryPathKey(prefix)}`,
            },
            {
                Sid: "DecryptThroughS3",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: kmsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `s3.${region}.${dnsSuffixOf(region)}` } },
            },
        ],
    };
}

/**
 * The platform bucket: job code, pod templates, container logs, Spark event logs and team data, laid out as
 * `<kind>/<team>/` (bucket-layout.ts). Encrypted with the stack's KMS key (bucket key on, so S3 asks KMS once per
 * bucket key rather than per object), versioned, public access blocked, ACLs off, TLS-only, and lifecycle rules
 * that expire logs and event logs. A retained bucket (prod) outlives its stack: deleting the stack leaves the
 * bucket, its data and its protections in place.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BUCKET_PREFIXES } from "./bucket-layout";

export interface PlatformBucketArgs {
    /** Bucket name; globally unique, so it embeds the account and region. */
    bucketName: pulumi.Input<string>;
    /** ARN of the stack's KMS key, the bucket's default encryption. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Keep the bucket (and its encryption, policy and access block) when the stack is deleted; for prod.
     * @default false
     */
    retainOnDelete?: boolean;
    /**
     * Days after which EMR container logs expire.
     * @default 30
     */
    logRetentionDays?: number;
    /**
     * Days after which Spark event logs expire.
     * @default 90
     */
    eventLogRetentionDays?: number;
    /**
     * Days a replaced or deleted object version is kept.
     * @default 30
     */
    noncurrentVersionDays?: number;
}

const defaults = { retainOnDelete: false, logRetentionDays: 30, eventLogRetentionDays: 90, noncurrentVersionDays: 30 };

/** Deny every request that does not use TLS (AWS Foundational Security Best Practices, S3.5). */
export function tlsOnlyBucketPolicy(bucketArn: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/**
 * Days fallback shuffle blocks are kept: Spark deletes a job's own at its end (`fallbackStorage.cleanUp`), so only
 * what a driver that died left behind is still there; longer than any job that could still read it.
 */
export const SHUFFLE_FALLBACK_RETENTION_DAYS = 7;

export interface LifecycleDays {
    readonly logRetentionDays: number;
    readonly eventLogRetentionDays: number;
    readonly noncurrentVersionDays: number;
}

/** Lifecycle rules: logs and event logs expire, old versions and abandoned multipart uploads are cleaned up. */
export function lifecycleRules(days: LifecycleDays) {
    for (const [field, value] of Object.entries(days)) {
        if (!Number.isInteger(value) || value < 1)
            throw new Error(`${field} must be a whole number of days ≥ 1, got ${value}`);
    }
    return [
        {
            id: "expire-container-logs",
            status: "Enabled",
            filter: { prefix: BUCKET_PREFIXES.logs },
            expiration: { days: days.logRetentionDays },
        },
        {
            // Event logs only: each team's directory marker (a zero-byte object) stays, or Spark would refuse to
            // start once a quiet team's last event log expired.
            id: "expire-spark-event-logs",
            status: "Enabled",
            filter: { and: { prefix: BUCKET_PREFIXES.sparkEvents, objectSizeGreaterThan: 0 } },
            expiration: { days: days.eventLogRetentionDays },
        },
        {
            id: "expire-shuffle-fallback",
            status: "Enabled",
            filter: { prefix: BUCKET_PREFIXES.shuffleFallback },
            expiration: { days: SHUFFLE_FALLBACK_RETENTION_DAYS },
        },
        {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: days.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            expiration: { expiredObjectDeleteMarker: true },
        },
    ];
}

export class PlatformBucket extends pulumi.ComponentResource {
    /** Bucket name, for `s3://` URIs. */
    readonly bucketName: pulumi.Output<string>;
    /** Bucket ARN, for IAM policies. */
    readonly bucketArn: pulumi.Output<string>;
    /** Resolves once encryption, versioning, access block and policy are in place: upload after it. */
    readonly ready: pulumi.Output<string>;

    constructor(name: string, args: PlatformBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:emr:PlatformBucket", name, {}, opts);
        const a = { ...defaults, ...args };
        let rules: ReturnType<typeof lifecycleRules>;
        try {
            rules = lifecycleRules({
                logRetentionDays: a.logRetentionDays,
                eventLogRetentionDays: a.eventLogRetentionDays,
                noncurrentVersionDays: a.noncurrentVersionDays,
            });
        } catch (e) {
            throw new pulumi.ResourceError(e instanceof Error ? e.message : String(e), this);
        }
        // Every child shares the retain flag: a retained bucket must not lose its encryption or TLS policy.
        const child: pulumi.CustomResourceOptions = { parent: this, retainOnDelete: a.retainOnDelete };
        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            {
                bucket: a.bucketName,
                // A dev stack deletes its versioned bucket with the objects in it; prod keeps it (retainOnDelete).
                forceDestroy: !a.retainOnDelete,
            },
            child,
        );
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            {
                bucket: bucket.id,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            },
            child,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            child,
        );
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: a.kmsKeyArn },
                        bucketKeyEnabled: true,
                    },
                ],
            },
            child,
        );
        const versioning = new aws.s3.BucketVersioning(
            `${name}-versioning`,
            {
                bucket: bucket.id,
                versioningConfiguration: { status: "Enabled" },
            },
            child,
        );
        const policy = new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: bucket.id,
                policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
            },
            { ...child, dependsOn: [publicAccess] },
        );
        // S3 rejects lifecycle rules on a bucket whose versioning is still being enabled.
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            { bucket: bucket.id, rules },
            { ...child, dependsOn: [versioning] },
        );

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.ready = pulumi
            .all([bucket.bucket, ownership.id, publicAccess.id, encryption.id, versioning.id, policy.id])
            .apply(([bucketName]) => bucketName);
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, ready: this.ready });
    }
}

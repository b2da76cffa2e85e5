/**
 * Spark settings in tiers: the platform's defaults, then the team's settings, then the job's own, each later tier
 * winning over an earlier one for the keys it may set. Some keys the platform must own (where a job runs, as whom,
 * with which credentials, where its event log and metrics go): a team or job setting one of them is refused, with
 * one line naming the key, the value and what is allowed, so a job can never escape its team's namespace, role,
 * zone or prefixes by a setting.
 */

/** Spark properties, key → value, as spark-defaults.conf and `--conf` take them. */
export type SparkConf = Readonly<Record<string, string>>;

/** A key the platform owns (exactly, or every key under a prefix ending in `.` or `/`), and why. */
export interface OwnedKey {
    readonly key: string;
    readonly prefix: boolean;
    readonly owner: string;
}

const exact = (owner: string, ...keys: string[]): OwnedKey[] => keys.map((key) => ({ key, prefix: false, owner }));
const under = (owner: string, ...keys: string[]): OwnedKey[] => keys.map((key) => ({ key, prefix: true, owner }));

/** Keys no team or job may set; the platform sets them (or leaves them to EMR and the operator). */
export const OWNED_KEYS: readonly OwnedKey[] = [
    ...exact("the team's namespace", "spark.kubernetes.namespace"),
    ...under("the team's service account and job role", "spark.kubernetes.authenticate."),
    ...exact(
        "zone placement (the platform's pod templates)",
        "spark.kubernetes.driver.podTemplateFile",
        "spark.kubernetes.executor.podTemplateFile",
        "spark.kubernetes.driver.podTemplateContainerName",
        "spark.kubernetes.executor.podTemplateContainerName",
    ),
    ...under(
        "zone placement (the platform's pod templates)",
        "spark.kubernetes.node.selector.",
        "spark.kubernetes.driver.node.selector.",
        "spark.kubernetes.executor.node.selector.",
    ),
    ...exact(
        "credentials (the job role, through web identity)",
        "spark.hadoop.fs.s3a.access.key",
        "spark.hadoop.fs.s3a.secret.key",
        "spark.hadoop.fs.s3a.session.token",
        "spark.hadoop.fs.s3a.aws.credentials.provider",
        "spark.hadoop.fs.s3.customAWSCredentialsProvider",
        "spark.hadoop.fs.s3.awsAccessKeyId",
        "spark.hadoop.fs.s3.awsSecretAccessKey",
        "spark.hadoop.fs.s3n.awsAccessKeyId",
        "spark.hadoop.fs.s3n.awsSecretAccessKey",
        // Hadoop credential stores (JCEKS files), where S3A looks its keys up before the configuration itself.
        "spark.hadoop.hadoop.security.credential.provider.path",
        "spark.hadoop.fs.s3a.security.credential.provider.path",
    ),
    ...under(
        "credentials (the job role, through web identity)",
        "spark.hadoop.fs.s3a.assumed.role.",
        "spark.kubernetes.driverEnv.AWS_",
        "spark.executorEnv.AWS_",
        // Environment variables from a Kubernetes Secret, the other way Spark sets a container's environment.
        "spark.kubernetes.driver.secretKeyRef.AWS_",
        "spark.kubernetes.executor.secretKeyRef.AWS_",
    ),
    ...exact("the team's event-log prefix", "spark.eventLog.enabled", "spark.eventLog.dir"),
    ...exact("the team's fallback prefix", "spark.storage.decommission.fallbackStorage.path"),
    ...exact("the Glue Data Catalog metastore", "spark.hadoop.hive.metastore.client.factory.class"),
    ...exact("the metrics contract", "spark.metrics.namespace", "spark.ui.prometheus.enabled"),
    ...under("the metrics contract", "spark.metrics.conf."),
    ...under(
        "the platform's pod labels (team, virtual cluster)",
        "spark.kubernetes.driver.label.spark-platform/",
        "spark.kubernetes.executor.label.spark-platform/",
    ),
];

/** The owned key `key` falls under as spelled, if any. */
function ownedAsSpelled(key: string): OwnedKey | undefined {
    return OWNED_KEYS.find((o) => (o.prefix ? key.startsWith(o.key) : key === o.key));
}

/**
 * The other spellings of a `spark.hadoop.*` key that reach the same setting:
 * - Spark copies `spark.hive.<x>` into the Hadoop configuration as `hive.<x>`, after the `spark.hadoop.*` keys, so
 *   it wins over `spark.hadoop.hive.<x>` (SparkHadoopUtil.appendSparkHiveConfigs, Spark 3.0, SPARK-28957);
 * - S3A reads `fs.s3a.bucket.<bucket>.<option>` as `fs.s3a.<option>` for that bucket, credentials included
 *   (Hadoop's S3A guide, "Configuring different S3 buckets with Per-Bucket Configuration"); a bucket name may hold
 *   dots, so every split is a candidate.
 */
function readAs(key: string): string[] {
    if (key.startsWith("spark.hive.")) return [`spark.hadoop.${key.slice("spark.".length)}`];
    const perBucket = /^spark\.hadoop\.fs\.s3a\.bucket\.(.+)$/.exec(key);
    if (!perBucket) return [];
    const parts = perBucket[1].split(".");
    return parts.slice(1).map((_, i) => `spark.hadoop.fs.s3a.${parts.slice(i + 1).join(".")}`);
}

/** The owned key `key` falls under, if any, as spelled or as Spark and Hadoop read it. */
export function ownerOf(key: string): OwnedKey | undefined {
    const owned = ownedAsSpelled(key);
    if (owned) return owned;
    for (const alias of readAs(key)) {
        const aliased = ownedAsSpelled(alias);
        if (aliased) return { key, prefix: false, owner: `${aliased.owner}, read as ${alias}` };
    }
    return undefined;
}

/** The settings that carry the driver's and executors' JVM options. */
const JAVA_OPTIONS = new Set([
    "spark.driver.extraJavaOptions",
    "spark.executor.extraJavaOptions",
    "spark.driver.defaultJavaOptions",
    "spark.executor.defaultJavaOptions",
]);

/**
 * JVM system properties the AWS SDKs take credentials from, ahead of the pod's web identity token: the default chains
 * (SDK v1 DefaultAWSCredentialsProviderChain, v2 DefaultCredentialsProvider) ask SystemPropertiesCredentialsProvider
 * before WebIdentityTokenCredentialsProvider, and the web identity provider itself reads its role and token file
 * from `aws.roleArn` and `aws.webIdentityTokenFile`. Matched anywhere in the value: Spark splits JVM options with
 * shell-like quoting, so a quoted `'-Daws…'` counts too.
 */
const AWS_CREDENTIAL_PROPERTY =
    /-Daws\.(accessKeyId|secretKey|secretAccessKey|sessionToken|roleArn|roleSessionName|webIdentityTokenFile)=/;

/** Spark's property names: `spark.` then letters, digits and `.-_/*` (label keys carry `/`, metrics `*`). */
const SPARK_KEY = /^spark\.[A-Za-z0-9][A-Za-z0-9._\-/*]*$/;

/**
 * What is wrong with setting `key` to `value` above the platform tier (a team's or a job's setting), as the part
 * of a one-line error after the value; undefined when it may be set.
 */
export function overrideProblem(key: string, value: unknown): string | undefined {
    if (!SPARK_KEY.test(key))
        return `is not allowed: ${JSON.stringify(key)} is not a Spark property; use spark.<name> (letters, digits and .-_/*)`;
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")
        return "is not allowed: use a string, number or boolean value";
    if (/[\r\n]/.test(String(value))) return "is not allowed: a value is one line";
    const owned = ownerOf(key);
    if (owned) {
        const what = owned.prefix ? `every ${owned.key}* key` : key;
        return `is not allowed: the platform owns ${what} (${owned.owner}); set any other spark.* key`;
    }
    const credential = JAVA_OPTIONS.has(key) ? AWS_CREDENTIAL_PROPERTY.exec(String(value)) : null;
    if (credential)
        return (
            `is not allowed: it sets the JVM property aws.${credential[1]}, which the AWS SDKs read before the job ` +
            "role's web identity (the platform owns credentials); set any other JVM option"
        );
    return undefined;
}

/** Settings above the platform tier, as a team's stack settings give them (YAML numbers and booleans too). */
export type TeamSparkConf = Readonly<Record<string, string | number | boolean>>;

export interface SparkConfTiers {
    /** The platform's defaults (platformSparkConf), owned keys included. */
    readonly platform: SparkConf;
    /** The team's settings (`teams[].sparkConf`). */
    readonly team?: TeamSparkConf;
    /** The job's own settings. */
    readonly job?: TeamSparkConf;
}

/**
 * The settings a job runs with: platform < team < job. Throws one line naming the tier, key, value and what is
 * allowed when a team or job setting is refused (overrideProblem).
 */
export function resolveSparkConf(tiers: SparkConfTiers): SparkConf {
    const merged: Record<string, string> = { ...tiers.platform };
    for (const [tier, conf] of [
        ["team", tiers.team],
        ["job", tiers.job],
    ] as const) {
        for (const [key, value] of Object.entries(conf ?? {})) {
            const problem = overrideProblem(key, value);
            if (problem) throw new Error(`${tier} Spark setting ${key}: ${JSON.stringify(value)} ${problem}`);
            merged[key] = String(value);
        }
    }
    return merged;
}

/** `--conf key=value …` for a spark-submit command line (EMR's sparkSubmitParameters). */
export function sparkSubmitConfArguments(conf: SparkConf): string {
    return Object.entries(conf)
        .map(([key, value]) => {
            if (/\s/.test(value)) throw new Error(`Spark setting ${key}: ${JSON.stringify(value)} contains blanks`);
            return `--conf ${key}=${value}`;
        })
        .join(" ");
}

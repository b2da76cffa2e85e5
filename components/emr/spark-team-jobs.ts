/**
 * Everything a team needs to submit EMR on EKS jobs the day the stack is up: its job execution role, its log
 * group, its virtual cluster, its driver/executor pod templates per Spark zone (uploaded to its prefix of the
 * platform bucket), and a complete StartJobRun request.
 */
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    type PodScheduling,
    PoolContract,
    emrJobLogGroupName,
    SPARK_ROLES,
    SparkRole,
    findPool,
    jobRoleName,
    jobTemplateName,
    virtualClusterName,
} from "../vocabulary";
import type { ClusterContext } from "../cluster";
import { platformSparkConf, resolveSparkConf, type SparkConf, type TeamSparkConf } from "../spark-conf";
import { directoryMarkerKey, glueDatabasePrefix, s3Uri, teamPrefixes, TeamPrefixes } from "./bucket-layout";
import { JobExecutionRole } from "./job-execution-role";
import { buildPodTemplate, podTemplateYaml } from "./pod-templates";
import { jobTemplateData, jobTemplateVersion, startJobRunFromTemplateRequest } from "./job-template";
import { startJobRunRequest, StartJobRunRequestJson } from "./start-job-run";

/** The platform bucket as a team sees it (PlatformBucket satisfies it). */
export interface PlatformBucketRef {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    /** Resolves once the bucket's encryption and policy are in place. */
    readonly ready: pulumi.Output<string>;
}

export interface SparkTeamJobsArgs {
    /** The cluster the team's jobs run in. */
    cluster: ClusterContext;
    /** Prefix of physical names (`spark-<stack>`). */
    namePrefix: string;
    /** Team name (a DNS label): names the role, virtual cluster, log group and bucket prefixes. */
    team: string;
    /** The team's namespace; pass the Namespace's `metadata.name` so the virtual cluster waits for it. */
    namespace: pulumi.Input<string>;
    /** The team's Spark service account (SparkApplications), trusted by the role alongside EMR's. */
    serviceAccount: string;
    /** The platform bucket. */
    bucket: PlatformBucketRef;
    /** ARN of the KMS key the bucket is encrypted with. */
    kmsKeyArn: pulumi.Input<string>;
    /** The Spark pool contract: where drivers and executors of each zone land. */
    pools: PoolContract;
    /** Priority class of each role's pods. */
    priorityClassNames: Readonly<Record<SparkRole, pulumi.Input<string>>>;
    /** EMR release label of the StartJobRun request, e.g. `emr-7.12.0-latest`. */
    releaseLabel: string;
    /** EmrClusterAccess.ready: the virtual cluster is created once EMR may use the namespace. */
    emrAccessReady: pulumi.Input<string>;
    /**
     * Glue Data Catalog databases the team's jobs may read.
     * @default []
     */
    glueDatabases?: readonly string[];
    /**
     * Glue Data Catalog databases the team owns: created here, each at `data/<team>/<database>.db/` of the platform
     * bucket, and written (tables, partitions, statistics, functions) only by the team's role.
     * @default []
     */
    glueOwnedDatabases?: readonly string[];
    /**
     * Prefixes of the platform bucket holding other teams' databases this team reads (`glueDatabases` another team
     * of the stack owns): the role reads their objects.
     * @default []
     */
    glueReadPrefixes?: readonly string[];
    /**
     * Keep the team's Glue databases (and so its table definitions) when they leave the stack, as the platform
     * bucket keeps its data (`emrRetainPlatformBucket`).
     * @default false
     */
    retainGlueDatabases?: boolean;
    /**
     * Further inline policies of the job execution role (policy JSON), keyed by a kebab-case name.
     * @default {}
     */
    additionalPolicies?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Containers added beside Spark in each role's templates (the log sidecar); each runs as an explicit non-root UID.
     * @default {}
     */
    sidecars?: Partial<Record<SparkRole, pulumi.Input<pulumi.Input<k8s.types.input.core.v1.Container>[]>>>;
    /**
     * Volumes the sidecars need (ConfigMaps…), in every template.
     * @default []
     */
    sidecarVolumes?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.Volume>[]>;
    /**
     * The stack's batch scheduler for the team's pods (YuniKorn: its name and the team's queue label), in every
     * template.
     * @default the default scheduler
     */
    scheduling?: PodScheduling;
    /**
     * The team tier of its jobs' Spark settings (`teams[].sparkConf`), over the platform's defaults; keys the
     * platform owns are refused.
     * @default {}
     */
    sparkConf?: TeamSparkConf;
    /**
     * Spark zone the ready-to-run request uses.
     * @default the first zone of the pool contract
     */
    jobZone?: string;
    /**
     * Retention of the team's CloudWatch log group, in days.
     * @default 30
     */
    logRetentionDays?: number;
    /**
     * KMS key of the team's CloudWatch log group; its key policy must let CloudWatch Logs use it.
     * @default CloudWatch's own encryption
     */
    logGroupKmsKeyArn?: pulumi.Input<string>;
}

const defaults = {
    glueDatabases: [] as readonly string[],
    glueOwnedDatabases: [] as readonly string[],
    glueReadPrefixes: [] as readonly string[],
    retainGlueDatabases: false,
    additionalPolicies: {} as Readonly<Record<string, pulumi.Input<string>>>,
    sidecars: {} as NonNullable<SparkTeamJobsArgs["sidecars"]>,
    sidecarVolumes: [] as NonNullable<SparkTeamJobsArgs["sidecarVolumes"]>,
    logRetentionDays: 30,
    sparkConf: {} as TeamSparkConf,
};

export type PodTemplateUris = Record<string, Record<SparkRole, string>>;

/** Tag every job run started from a team's templates carries: the team. */
export const TEAM_JOB_TAG = "spark-platform:team";

/** A team's EMR job template, as its outputs name it. */
export interface JobTemplateRef {
    readonly id: string;
    readonly arn: string;
    /** Versioned name: changes whenever the template's content does. */
    readonly name: string;
}

export class SparkTeamJobs extends pulumi.ComponentResource {
    readonly virtualClusterId: pulumi.Output<string>;
    readonly executionRoleArn: pulumi.Output<string>;
    readonly executionRoleName: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    /** `s3://` URIs of the team's prefixes. */
    readonly prefixes: pulumi.Output<Record<keyof TeamPrefixes, string>>;
    /** `s3://` URIs of the pod templates, by zone and role. */
    readonly podTemplateUris: pulumi.Output<PodTemplateUris>;
    /**
     * The platform's and the team's Spark settings every job path of the team renders; resolves once the event-log
     * directory exists (Spark refuses to start without it).
     */
    readonly sparkConf: pulumi.Output<SparkConf>;
    /** A complete StartJobRun request (SparkPi), for `aws emr-containers start-job-run --cli-input-json`. */
    readonly startJobRunRequest: pulumi.Output<StartJobRunRequestJson>;
    /** The team's job template: the same job as startJobRunRequest, stored in EMR. */
    readonly jobTemplate: pulumi.Output<JobTemplateRef>;
    /** A StartJobRun request that starts the job from the template (`--cli-input-json`). */
    readonly startJobRunFromTemplateRequest: pulumi.Output<ReturnType<typeof startJobRunFromTemplateRequest>>;
    /** `s3://` location of each Glue database the team owns, by name; resolves once the databases exist. */
    readonly glueDatabases: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: SparkTeamJobsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:emr:SparkTeamJobs", name, {}, opts);
        const a = { ...defaults, ...args };
        const fail = (message: string) => new pulumi.ResourceError(`team ${a.team}: ${message}`, this);
        let prefixes: TeamPrefixes;
        let roleName: string;
        try {
            prefixes = teamPrefixes(a.team);
            roleName = jobRoleName(a.namePrefix, a.team);
        } catch (e) {
            throw fail(e instanceof Error ? e.message : String(e));
        }
        try {
            // The team tier alone first, so a refused key stops the program before anything is registered.
            resolveSparkConf({ platform: {}, team: a.sparkConf });
        } catch (e) {
            throw fail(e instanceof Error ? e.message : String(e));
        }
        const zones = [...new Set(a.pools.pools.map((p) => p.zone))];
        const jobZone = a.jobZone ?? zones[0];
        if (!zones.includes(jobZone))
            throw fail(`jobZone ${jobZone} is not a Spark zone; use one of ${zones.join(", ")}`);

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            {
                name: a.cluster.name.apply((cluster) => emrJobLogGroupName(cluster, a.team)),
                retentionInDays: a.logRetentionDays,
                ...(a.logGroupKmsKeyArn === undefined ? {} : { kmsKeyId: a.logGroupKmsKeyArn }),
            },
            { parent: this },
        );

        const role = new JobExecutionRole(
            `${name}-role`,
            {
                cluster: a.cluster,
                roleName,
                namespace: a.namespace,
                serviceAccount: a.serviceAccount,
                bucketArn: a.bucket.bucketArn,
                prefixes,
                kmsKeyArn: a.kmsKeyArn,
                logGroupName: logGroup.name,
                glueDatabases: a.glueDatabases,
                glueOwnedDatabases: a.glueOwnedDatabases,
                glueReadPrefixes: a.glueReadPrefixes,
                additionalPolicies: a.additionalPolicies,
            },
            { parent: this },
        );

        const virtualCluster = new aws.emrcontainers.VirtualCluster(
            `${name}-virtual-cluster`,
            {
                name: virtualClusterName(a.namePrefix, a.team),
                containerProvider: {
                    id: pulumi.all([a.cluster.name, a.emrAccessReady]).apply(([clusterName]) => clusterName),
                    type: "EKS",
                    info: { eksInfo: { namespace: a.namespace } },
                },
            },
            { parent: this },
        );

        // Spark refuses to start when spark.eventLog.dir does not exist, and an S3 prefix exists only with an object
        // in it: the stack owns a directory marker per team (the job role may not delete it).
        const eventLogDirectory = new aws.s3.BucketObjectv2(
            `${name}-event-log-directory`,
            {
                bucket: a.bucket.ready,
                key: directoryMarkerKey(prefixes.sparkEvents),
                content: "",
                contentType: "application/x-directory",
            },
            { parent: this },
        );

        // The team's own databases, each under its data prefix: the tables Spark creates without a LOCATION go to
        // `<database location>/<table>`, where the team's role writes and no other team's does.
        let databasePrefixes: [string, string][];
        try {
            databasePrefixes = a.glueOwnedDatabases.map((db) => [db, glueDatabasePrefix(a.team, db)]);
        } catch (e) {
            throw fail(e instanceof Error ? e.message : String(e));
        }
        const databases = databasePrefixes.map(
            ([db, prefix]) =>
                new aws.glue.CatalogDatabase(
                    `${name}-glue-${db}`,
                    {
                        name: db,
                        locationUri: pulumi.interpolate`s3://${a.bucket.bucketName}/${prefix}`,
                        description: `Owned by Spark team ${a.team}; only its job role writes it`,
                    },
                    { parent: this, retainOnDelete: a.retainGlueDatabases },
                ),
        );

        const uris: PodTemplateUris = {};
        const uploads: pulumi.Output<string>[] = [];
        for (const zone of zones) {
            uris[zone] = { driver: "", executor: "" };
            for (const role of SPARK_ROLES) {
                const key = `${prefixes.podTemplates}${zone}/${role}.yaml`;
                const content = pulumi
                    .all([a.priorityClassNames[role], a.sidecars[role] ?? [], a.sidecarVolumes])
                    .apply(([priorityClassName, sidecars, volumes]) => {
                        try {
                            return podTemplateYaml(
                                buildPodTemplate({
                                    role,
                                    zone,
                                    pools: a.pools,
                                    priorityClassName,
                                    team: a.team,
                                    sidecars,
                                    volumes,
                                    ...(a.scheduling ? { scheduling: a.scheduling } : {}),
                                }),
                            );
                        } catch (e) {
                            throw fail(e instanceof Error ? e.message : String(e));
                        }
                    });
                const object = new aws.s3.BucketObjectv2(
                    `${name}-${role}-template-${zone}`,
                    {
                        bucket: a.bucket.ready,
                        key,
                        content,
                        contentType: "application/yaml",
                    },
                    { parent: this },
                );
                uploads.push(pulumi.interpolate`${object.bucket}/${object.key}`);
                uris[zone][role] = key;
            }
        }

        const bucketName = a.bucket.bucketName;
        this.virtualClusterId = virtualCluster.id;
        this.executionRoleArn = role.arn;
        this.executionRoleName = role.roleName;
        this.logGroupName = logGroup.name;
        // Resolves once the event-log directory exists, so a job started from these URIs finds it.
        this.prefixes = pulumi
            .all([bucketName, eventLogDirectory.key])
            .apply(
                ([bucket]) =>
                    Object.fromEntries(
                        Object.entries(prefixes).map(([kind, prefix]) => [kind, s3Uri(bucket, prefix)]),
                    ) as Record<keyof TeamPrefixes, string>,
            );
        // Resolves once every template is uploaded, so a request built from these URIs finds its files.
        this.podTemplateUris = pulumi
            .all([bucketName, ...uploads])
            .apply(([bucket]) =>
                Object.fromEntries(
                    Object.entries(uris).map(([zone, keys]) => [
                        zone,
                        { driver: s3Uri(bucket, keys.driver), executor: s3Uri(bucket, keys.executor) },
                    ]),
                ),
            );
        this.sparkConf = this.prefixes.apply((prefixUris) =>
            resolveSparkConf({
                platform: platformSparkConf({
                    team: a.team,
                    eventLogDir: prefixUris.sparkEvents,
                    fallbackStorageDir: prefixUris.shuffleFallback,
                }),
                team: a.sparkConf,
            }),
        );
        this.startJobRunRequest = pulumi
            .all([virtualCluster.id, role.arn, logGroup.name, this.prefixes, this.podTemplateUris, this.sparkConf])
            .apply(([virtualClusterId, executionRoleArn, logGroupName, prefixUris, templates, sparkConf]) =>
                startJobRunRequest({
                    name: `${a.team}-spark-pi`,
                    virtualClusterId,
                    executionRoleArn,
                    releaseLabel: a.releaseLabel,
                    driverPodTemplateUri: templates[jobZone].driver,
                    executorPodTemplateUri: templates[jobZone].executor,
                    logUri: prefixUris.logs,
                    logGroupName,
                    logStreamNamePrefix: a.team,
                    sparkConf,
                    submitterPool: findPool(a.pools, jobZone, "driver"),
                }),
            );
        // One source for both job paths: the template is the request's own job. Its name carries a hash of its
        // content (job-template.ts), so a change creates a new template before the old one is deleted.
        const templateData = this.startJobRunRequest.apply((request) =>
            jobTemplateData(request, { [TEAM_JOB_TAG]: a.team }),
        );
        const template = new aws.emrcontainers.JobTemplate(
            `${name}-spark-pi-template`,
            {
                name: templateData.apply((data) =>
                    jobTemplateName(a.namePrefix, a.team, "spark-pi", jobTemplateVersion(data)),
                ),
                jobTemplateData: templateData,
            },
            { parent: this },
        );
        this.jobTemplate = pulumi
            .all([template.id, template.arn, template.name])
            .apply(([id, arn, templateName]) => ({ id, arn, name: templateName }));
        this.startJobRunFromTemplateRequest = pulumi
            .all([virtualCluster.id, template.id])
            .apply(([virtualClusterId, jobTemplateId]) =>
                startJobRunFromTemplateRequest({ name: `${a.team}-spark-pi`, virtualClusterId, jobTemplateId }),
            );
        this.glueDatabases = pulumi
            .all(databases.map((db) => pulumi.all([db.name, db.locationUri])))
            .apply((pairs) => Object.fromEntries(pairs.map(([db, location]) => [db, location ?? ""])));
        this.registerOutputs({
            glueDatabases: this.glueDatabases,
            virtualClusterId: this.virtualClusterId,
            executionRoleArn: this.executionRoleArn,
            executionRoleName: this.executionRoleName,
            logGroupName: this.logGroupName,
            prefixes: this.prefixes,
            podTemplateUris: this.podTemplateUris,
            sparkConf: this.sparkConf,
            startJobRunRequest: this.startJobRunRequest,
            jobTemplate: this.jobTemplate,
            startJobRunFromTemplateRequest: this.startJobRunFromTemplateRequest,
        });
    }
}

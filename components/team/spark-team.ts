/**
 * One Spark team, whole: everything the platform gives a team lives under this one component, so a capability every
 * team gets (a queue, a dashboard…) is added here, once, and index.ts creates one SparkTeam per configured team.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "../cluster";
import { PlatformBucketRef, SparkTeamJobs, SubmitterRole, teamPrefixes } from "../emr";
import type { SparkConf } from "../spark-conf";
import { createTeamLogForwarding, fluentBitSidecar, indexWritePolicy, type SidecarTimings } from "../logging";
import { TeamNamespace } from "../spark";
import {
    type BatchScheduler,
    EmrReleaseLabel,
    PoolContract,
    SparkRole,
    TeamSettings,
    jobRoleName,
    logIndexPrefix,
    roleArn,
    submitterRoleName,
    teamPodScheduling,
} from "../vocabulary";
import { formerLocations } from "./former-locations";
import { type GlueDatabaseOwners, glueReadPrefixes } from "./job-role-policies";

export interface SparkTeamArgs {
    /** The cluster the team's namespace and jobs live in. */
    cluster: ClusterContext;
    /** The team as configured (`teams[]`: name, namespace, quota, Glue databases). */
    team: TeamSettings;
    /** Prefix of physical names (`spark-<stack>`): names the job role and the virtual cluster. */
    namePrefix: string;
    /** EMR release of the stack: the StartJobRun request's label and the sample application's image. */
    emrRelease: EmrReleaseLabel;
    /**
     * Release date that pins the EMR image when the label ends in `-latest` (`emrImageTag`).
     * @default the label's own date
     */
    emrImageTag?: string;
    /** The Spark pool contract: where drivers and executors of each zone land (the autoscaler's pools). */
    pools: PoolContract;
    /** Priority class of each role's pods (SparkPriorityClasses). */
    priorityClassNames: Readonly<Record<SparkRole, pulumi.Input<string>>>;
    /** The sample SparkApplication: created in the cluster, or only an output; what it needs first when created. */
    sample: { deploy: boolean; dependsOn: pulumi.Input<pulumi.Resource>[] };
    /**
     * Who places the team's Spark pods (`batchScheduler`). With YuniKorn, both job paths name it and the team's
     * queue: the EMR pod templates and the sample SparkApplication (which also asks for gang scheduling).
     * @default "default"
     */
    batchScheduler?: BatchScheduler;
    /** The platform bucket: the team's code, data, logs and pod templates under its prefixes. */
    bucket: PlatformBucketRef;
    /** The stack's KMS key: the bucket's and the team's log group's. */
    kmsKeyArn: pulumi.Input<string>;
    /** Retention of the team's CloudWatch log group, in days. */
    logRetentionDays: number;
    /** EmrClusterAccess.ready: the virtual cluster is created once EMR may use the team's namespace. */
    emrAccessReady: pulumi.Input<string>;
    /** Where the team's Spark logs go: the log domain, and how the sidecar follows Spark. */
    logs: {
        /** Hostname of the log domain's endpoint (LogDomain.endpoint). */
        domainEndpoint: pulumi.Input<string>;
        /** ARN of the log domain, derived from its name, so the job role need not wait for the domain. */
        domainArn: pulumi.Input<string>;
        /** One set of timings for the sidecars in the pod templates and the Fluent Bit configuration. */
        timings: SidecarTimings;
    };
    /**
     * CIDRs the managed Prometheus collector scrapes the team's drivers from (components/metrics).
     * @default [] (no collector: no NetworkPolicy admits one)
     */
    metricsScrapeCidrs?: readonly string[];
    /**
     * Owner of every Glue database the stack creates (glueDatabaseOwners of all teams): the team's role reads the
     * objects of the ones it lists in `glueDatabases`.
     * @default {} (the team reads no other team's database objects)
     */
    glueDatabaseOwners?: GlueDatabaseOwners;
    /**
     * Keep the team's Glue databases when they leave the stack (`emrRetainPlatformBucket`: table definitions are data).
     * @default false
     */
    retainGlueDatabases?: boolean;
}

/** What a team needs to run Spark jobs the day the stack is up (the stack output `sparkTeamOutputs.<team>`). */
export interface SparkTeamOutput {
    namespace: pulumi.Output<string>;
    /** Service account of SparkApplications, annotated with the execution role. */
    serviceAccount: string;
    virtualClusterId: pulumi.Output<string>;
    /** The team's one job role: EMR job runs and the service account both use it. */
    executionRoleArn: pulumi.Output<string>;
    logGroupName: pulumi.Output<string>;
    /** `s3://` URIs of the team's prefixes of the platform bucket. */
    prefixes: SparkTeamJobs["prefixes"];
    /** `s3://` URIs of the driver and executor pod templates, by Spark zone. */
    podTemplateUris: SparkTeamJobs["podTemplateUris"];
    /** For `aws emr-containers start-job-run --cli-input-json`. */
    startJobRunRequest: SparkTeamJobs["startJobRunRequest"];
    /** The team's EMR job template (id, ARN, versioned name): the same job as startJobRunRequest. */
    jobTemplate: SparkTeamJobs["jobTemplate"];
    /** Starts the template's job: `aws emr-containers start-job-run --cli-input-json`. */
    startJobRunFromTemplateRequest: SparkTeamJobs["startJobRunFromTemplateRequest"];
    /** The role the team's submitters assume to run its jobs; absent when the team lists no submitters. */
    submitterRoleArn?: pulumi.Output<string>;
    /** A SparkPi SparkApplication for the Spark Operator (`kubectl apply`). */
    sampleSparkApplication: TeamNamespace["sampleApplication"];
    /** Prefix of the OpenSearch indices the team's Spark logs go to: one per day, `<prefix>-YYYY.MM.DD`. */
    logIndexPrefix: string;
    /** `s3://` location of each Glue database the team owns, by name (`glueOwnedDatabases`). */
    glueDatabases: SparkTeamJobs["glueDatabases"];
}

/**
 * A Spark team: its namespace, quota, network policies, RBAC and service account (TeamNamespace), its job execution
 * role, virtual cluster, log group and pod templates with the Fluent Bit sidecar (SparkTeamJobs), the sidecar's
 * ConfigMaps pointing at its own log index, and its outputs. Named after the team.
 *
 * The parts keep the names (and, through aliases, the URNs) they had before they were gathered here, so a deployed
 * stack updates in place (former-locations.ts).
 */
export class SparkTeam extends pulumi.ComponentResource {
    /** The team's name (`teams[].name`). */
    readonly teamName: string;
    /** Name of the team's namespace; resolves once the Namespace exists (EMR's access entry is scoped to it). */
    readonly namespace: pulumi.Output<string>;
    /** ARN of the team's job execution role; resolves once the role exists (the log domain's policy names it). */
    readonly executionRoleArn: pulumi.Output<string>;
    /** Prefix of the team's log indices; the only indices its role may write. */
    readonly logIndexPrefix: string;
    /** Everything the team needs to run jobs, for the stack output. */
    readonly outputs: SparkTeamOutput;

    constructor(name: string, args: SparkTeamArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:team:SparkTeam", name, {}, opts);
        const { cluster, team } = args;
        const formerly = formerLocations(team.name);
        const scheduling = teamPodScheduling(args.batchScheduler ?? "default", team);
        const indexPrefix = logIndexPrefix(team.name);
        // The ARN the role will have, from its deterministic name: the service account is annotated with it without
        // waiting for IAM.
        const jobRoleArn = pulumi
            .output(cluster.accountId)
            .apply((accountId) => roleArn(cluster.partition, accountId, jobRoleName(args.namePrefix, team.name)));

        // The team's Spark settings come from its jobs part (which owns the bucket prefixes), made after the namespace.
        const [sparkConf, sparkConfIs] = pulumi.deferredOutput<SparkConf>();
        const space = new TeamNamespace(
            formerly.namespace.name,
            {
                cluster,
                team,
                jobRoleArn,
                emrRelease: args.emrRelease,
                ...(args.emrImageTag === undefined ? {} : { emrImageTag: args.emrImageTag }),
                pools: args.pools,
                deploySample: args.sample.deploy,
                sampleDependsOn: args.sample.dependsOn,
                ...(scheduling ? { scheduling } : {}),
                sparkConf,
                ...(args.metricsScrapeCidrs === undefined ? {} : { metricsScrapeCidrs: args.metricsScrapeCidrs }),
            },
            { parent: this, aliases: formerly.namespace.aliases },
        );

        const sidecar = (role: SparkRole) => fluentBitSidecar({ role, timings: args.logs.timings });
        const [driverSidecar, executorSidecar] = [sidecar("driver"), sidecar("executor")];
        const jobs = new SparkTeamJobs(
            formerly.jobs.name,
            {
                cluster,
                namePrefix: args.namePrefix,
                team: team.name,
                namespace: space.namespace,
                serviceAccount: space.serviceAccount,
                bucket: args.bucket,
                kmsKeyArn: args.kmsKeyArn,
                logGroupKmsKeyArn: args.kmsKeyArn,
                pools: args.pools,
                priorityClassNames: args.priorityClassNames,
                releaseLabel: args.emrRelease.label,
                emrAccessReady: args.emrAccessReady,
                glueDatabases: team.glueDatabases,
                glueOwnedDatabases: team.glueOwnedDatabases ?? [],
                glueReadPrefixes: glueReadPrefixes(team, args.glueDatabaseOwners ?? {}),
                retainGlueDatabases: args.retainGlueDatabases ?? false,
                sparkConf: team.sparkConf,
                additionalPolicies: {
                    "log-index-write": pulumi
                        .output(args.logs.domainArn)
                        .apply((arn) => JSON.stringify(indexWritePolicy(arn, indexPrefix))),
                },
                sidecars: { driver: [driverSidecar.container], executor: [executorSidecar.container] },
                sidecarVolumes: driverSidecar.volumes,
                ...(scheduling ? { scheduling } : {}),
                logRetentionDays: args.logRetentionDays,
            },
            { parent: this, aliases: formerly.jobs.aliases },
        );

        sparkConfIs(jobs.sparkConf);

        const submitters = team.submitters ?? [];
        const submitter =
            submitters.length === 0
                ? undefined
                : new SubmitterRole(
                      `${team.name}-submitter`,
                      {
                          cluster,
                          roleName: submitterRoleName(args.namePrefix, team.name),
                          submitters,
                          virtualClusterId: jobs.virtualClusterId,
                          executionRoleArn: jobs.executionRoleArn,
                          jobTemplateArns: jobs.jobTemplate.apply((t) => [t.arn]),
                          requireJobTemplate: team.requireJobTemplate ?? false,
                          bucketArn: args.bucket.bucketArn,
                          codePrefix: teamPrefixes(team.name).code,
                          kmsKeyArn: args.kmsKeyArn,
                      },
                      { parent: this },
                  );

        createTeamLogForwarding(
            formerly.logForwarding.name,
            {
                team: team.name,
                namespace: space.namespace,
                domainEndpoint: args.logs.domainEndpoint,
                region: cluster.region,
                timings: args.logs.timings,
            },
            { parent: this, provider: cluster.provider, aliases: formerly.logForwarding.aliases },
        );

        this.teamName = team.name;
        this.namespace = space.namespace;
        this.executionRoleArn = jobs.executionRoleArn;
        this.logIndexPrefix = indexPrefix;
        this.outputs = {
            namespace: space.namespace,
            serviceAccount: space.serviceAccount,
            virtualClusterId: jobs.virtualClusterId,
            executionRoleArn: jobs.executionRoleArn,
            logGroupName: jobs.logGroupName,
            prefixes: jobs.prefixes,
            podTemplateUris: jobs.podTemplateUris,
            startJobRunRequest: jobs.startJobRunRequest,
            jobTemplate: jobs.jobTemplate,
            startJobRunFromTemplateRequest: jobs.startJobRunFromTemplateRequest,
            ...(submitter ? { submitterRoleArn: submitter.arn } : {}),
            sampleSparkApplication: space.sampleApplication,
            logIndexPrefix: indexPrefix,
            glueDatabases: jobs.glueDatabases,
        };
        this.registerOutputs({
            teamName: this.teamName,
            namespace: this.namespace,
            executionRoleArn: this.executionRoleArn,
            logIndexPrefix: this.logIndexPrefix,
            outputs: this.outputs,
        });
    }
}

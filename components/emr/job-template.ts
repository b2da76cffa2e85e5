/**
 * A team's EMR job template, rendered from its StartJobRun request (start-job-run.ts), so the two job paths carry
 * the same release, execution role, pod templates, Spark settings and log destinations by construction.
 *
 * `aws.emrcontainers.JobTemplate` (@pulumi/aws 7.48.0) has no parameter configuration
 * (hashicorp/terraform-provider-aws#46502), so a template holds one whole job, and every change to it replaces it
 * (CloudFormation's AWS::EMRContainers::JobTemplate: "Update requires: Replacement" for every property). Its name
 * therefore carries a version, a hash of its content: a changed template is a new template with a new name, created
 * before the old one is deleted (Pulumi's default create-before-delete), and job runs already started from the old
 * one keep running: a job run carries its own copy of the values it started with (DescribeJobRun returns them).
 *
 * The provider's resource (terraform-provider-aws `aws_emrcontainers_job_template`) sends CloudWatch's log group and
 * reads the application configurations back correctly only since hashicorp/terraform-provider-aws#45029 (before it,
 * EMR refused the template: "logGroupName ... must not be null"); @pulumi/aws 7.48.0 bridges a later upstream. It
 * keeps `entryPointArguments` as a set, which loses their order, so a template takes at most one argument.
 */
import { createHash } from "node:crypto";
import type { StartJobRunRequestJson } from "./start-job-run";

/** The template's data, in the provider's field names (`applicationConfigurations`, `persistentAppUi`). */
export function jobTemplateData(request: StartJobRunRequestJson, jobTags: Readonly<Record<string, string>>) {
    const { applicationConfiguration, monitoringConfiguration } = request.configurationOverrides;
    const args = request.jobDriver.sparkSubmitJobDriver.entryPointArguments;
    if (args.length > 1)
        throw new Error(
            `job template ${request.name}: ${args.length} entry point arguments would lose their order (the ` +
                "provider keeps them as a set); pass at most one, or pass the rest in sparkSubmitParameters",
        );
    return {
        executionRoleArn: request.executionRoleArn,
        releaseLabel: request.releaseLabel,
        jobDriver: { sparkSubmitJobDriver: { ...request.jobDriver.sparkSubmitJobDriver } },
        configurationOverrides: {
            applicationConfigurations: applicationConfiguration.map((c) => ({
                classification: c.classification,
                properties: { ...c.properties },
            })),
            monitoringConfiguration: {
                persistentAppUi: monitoringConfiguration.persistentAppUI,
                cloudWatchMonitoringConfiguration: { ...monitoringConfiguration.cloudWatchMonitoringConfiguration },
                s3MonitoringConfiguration: { ...monitoringConfiguration.s3MonitoringConfiguration },
            },
        },
        jobTags: { ...jobTags },
    };
}

export type JobTemplateDataJson = ReturnType<typeof jobTemplateData>;

/** Characters of a template's version. */
const VERSION_LENGTH = 10;

/**
 * The template's version: a hash of everything that makes it up (data, KMS key), independent of key order, so it
 * changes exactly when the template would be replaced.
 */
export function jobTemplateVersion(data: JobTemplateDataJson, kmsKeyArn?: string): string {
    return createHash("sha256")
        .update(canonicalJson({ data, kmsKeyArn: kmsKeyArn ?? null }))
        .digest("hex")
        .slice(0, VERSION_LENGTH);
}

function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
    }
    return JSON.stringify(value);
}

/** A StartJobRun request that starts the job a template holds, on the team's virtual cluster. */
export function startJobRunFromTemplateRequest(input: {
    readonly name: string;
    readonly virtualClusterId: string;
    readonly jobTemplateId: string;
}) {
    for (const [field, value] of Object.entries(input)) {
        if (typeof value !== "string" || value === "")
            throw new Error(`StartJobRun ${field} must be a non-empty string`);
    }
    return { name: input.name, virtualClusterId: input.virtualClusterId, jobTemplateId: input.jobTemplateId };
}

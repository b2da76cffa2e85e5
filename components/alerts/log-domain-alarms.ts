/**
 * The CloudWatch alarms on the log domain, after the OpenSearch Service developer guide's "Recommended CloudWatch
 * alarms" (metrics in namespace AWS/ES, dimensions DomainName and ClientId): what stops Spark logs from arriving.
 */

export interface LogDomainAlarmInput {
    /** EBS volume of each data node, GiB. */
    volumeSizeGiB: number;
}

export interface LogDomainAlarm {
    /** Short name, the tail of the alarm's name. */
    key: string;
    metricName: string;
    statistic: "Maximum" | "Minimum";
    periodSeconds: number;
    evaluationPeriods: number;
    comparisonOperator: "GreaterThanOrEqualToThreshold" | "LessThanOrEqualToThreshold";
    threshold: number;
    /** What it means; the README's runbook says what to do. */
    description: string;
}

/** Alarm when free storage of a node falls to this share of its volume (the guide's recommendation: 25%). */
export const FREE_STORAGE_ALARM_SHARE = 0.25;

export function logDomainAlarms(input: LogDomainAlarmInput): LogDomainAlarm[] {
    if (!Number.isInteger(input.volumeSizeGiB) || input.volumeSizeGiB < 1)
        throw new Error(`log domain alarms: volumeSizeGiB ${input.volumeSizeGiB} is not a whole number of GiB`);
    // FreeStorageSpace is reported in MiB, per node; the Minimum is the fullest node.
    const freeStorageMiB = Math.floor(input.volumeSizeGiB * 1024 * FREE_STORAGE_ALARM_SHARE);
    return [
        {
            key: "logs-cluster-red",
            metricName: "ClusterStatus.red",
            statistic: "Maximum",
            periodSeconds: 60,
            evaluationPeriods: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            description: "A primary shard of the Spark log domain is unassigned: some teams' logs are not written.",
        },
        {
            key: "logs-free-storage-low",
            metricName: "FreeStorageSpace",
            statistic: "Minimum",
            periodSeconds: 60,
            evaluationPeriods: 1,
            comparisonOperator: "LessThanOrEqualToThreshold",
            threshold: freeStorageMiB,
            description: `A node of the Spark log domain has ${freeStorageMiB} MiB or less free (a quarter of its volume); writes stop when it fills.`,
        },
        {
            key: "logs-writes-blocked",
            metricName: "ClusterIndexWritesBlocked",
            statistic: "Maximum",
            periodSeconds: 300,
            evaluationPeriods: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            description: "The Spark log domain refuses writes: Fluent Bit sidecars buffer and then drop Spark logs.",
        },
        {
            key: "logs-jvm-memory-pressure",
            metricName: "JVMMemoryPressure",
            statistic: "Maximum",
            periodSeconds: 60,
            evaluationPeriods: 3,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 95,
            description:
                "JVM memory pressure of the Spark log domain is at 95% or more: it is close to refusing requests.",
        },
    ];
}

/** The metrics' dimensions: the domain and its account (ClientId). */
export function logDomainDimensions(domainName: string, accountId: string) {
    return { DomainName: domainName, ClientId: accountId };
}

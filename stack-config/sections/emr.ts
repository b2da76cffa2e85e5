import { ConfigReader } from "../config-reader";

/** EMR on EKS job execution: the platform bucket and the account-level pieces (the `emr*` keys). */
export interface EmrSettings {
    /** Keep the platform bucket and its data when the stack is destroyed (`emrRetainPlatformBucket`). */
    readonly retainPlatformBucket: boolean;
    /** Create EMR on EKS's service-linked role; once per account (`emrCreateServiceLinkedRole`). */
    readonly createServiceLinkedRole: boolean;
    /** Days EMR container logs are kept, in the bucket and in each team's log group (`emrLogRetentionDays`). */
    readonly logRetentionDays: number;
    /** Days Spark event logs are kept in the bucket (`emrEventLogRetentionDays`). */
    readonly eventLogRetentionDays: number;
}

/** Retention values CloudWatch Logs accepts; container logs go to a team log group as well as the bucket. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function readEmr(r: ConfigReader): EmrSettings | undefined {
    const retainPlatformBucket = r.boolean("emrRetainPlatformBucket");
    const createServiceLinkedRole = r.boolean("emrCreateServiceLinkedRole");
    const logRetentionDays = r.integer("emrLogRetentionDays", 1, 3653);
    const logOk = r.check("emrLogRetentionDays", logRetentionDays, (days) =>
        (LOG_RETENTION_DAYS as readonly number[]).includes(days)
            ? undefined
            : `is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(", ")}`,
    );
    const eventLogRetentionDays = r.integer("emrEventLogRetentionDays", 1, 3653);
    if (retainPlatformBucket === undefined || createServiceLinkedRole === undefined) return undefined;
    if (logRetentionDays === undefined || !logOk || eventLogRetentionDays === undefined) return undefined;
    return { retainPlatformBucket, createServiceLinkedRole, logRetentionDays, eventLogRetentionDays };
}

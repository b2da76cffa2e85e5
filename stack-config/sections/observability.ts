import { ConfigReader, matches } from "../config-reader";
import { parseIamPrincipalArn } from "../validators";
import { LOG_RETENTION_DAYS } from "./emr";

/** A group of OpenSearch nodes of one instance type. */
export interface OpenSearchNodes {
    readonly instanceType: string;
    readonly count: number;
}

/** The Amazon OpenSearch domain Fluent Bit ships Spark logs to (the `opensearch*` keys). */
export interface OpenSearchSettings {
    readonly engineVersion: string;
    readonly instanceType: string;
    readonly instanceCount: number;
    readonly volumeSizeGiB: number;
    /** Zones the data nodes spread over: 1, 2 or 3. */
    readonly zoneCount: number;
    /** Dedicated master nodes; absent when `opensearchDedicatedMasterType` is `none`. */
    readonly dedicatedMasters?: OpenSearchNodes;
    readonly deletionProtection: boolean;
    /** Days the domain's slow and error logs are kept. */
    readonly logRetentionDays: number;
    /** Principals with full access to the domain: `opensearchAdminArns`, or the cluster admins when empty. */
    readonly adminArns: readonly string[];
    readonly createServiceLinkedRole: boolean;
}

/** How the Fluent Bit sidecar of every Spark pod follows the Spark container (the `fluentBit*` keys). */
export interface LogForwardingSettings {
    /**
     * How long the sidecar waits for the Spark container's first heartbeat before it stops
     * (`fluentBitInitialWaitSeconds`): long enough for a cold pull of the Spark image, or the pod's logs are lost.
     */
    readonly sidecarInitialWaitSeconds: number;
}

/**
 * Bounds of `fluentBitInitialWaitSeconds`: EMR's own sample waits 60 s, the least that still covers a warm start; more
 * than an hour only keeps a sidecar of a pod whose Spark container never starts alive for nothing.
 */
export const SIDECAR_INITIAL_WAIT_SECONDS = { min: 60, max: 3600 } as const;

export function readLogForwarding(r: ConfigReader): LogForwardingSettings | undefined {
    const wait = r.integer(
        "fluentBitInitialWaitSeconds",
        SIDECAR_INITIAL_WAIT_SECONDS.min,
        SIDECAR_INITIAL_WAIT_SECONDS.max,
    );
    return wait === undefined ? undefined : { sidecarInitialWaitSeconds: wait };
}

const INSTANCE_TYPE = /^[a-z][a-z0-9]*\.[a-z0-9]+\.search$/;

export function readObservability(
    r: ConfigReader,
    context: {
        /** Zones of the VPC: the domain's zones are the first `opensearchZoneCount` of them. */
        vpcZones: readonly string[] | undefined;
        /** `adminPrincipals`, the default admins of the domain. */
        clusterAdmins: readonly string[] | undefined;
        partition: string | undefined;
    },
): OpenSearchSettings | undefined {
    const engineVersion = r.string("opensearchEngineVersion", "set it to an engine version such as OpenSearch_2.19");
    const engineOk = r.check(
        "opensearchEngineVersion",
        engineVersion,
        matches(
            /^OpenSearch_2\.\d+$/,
            "is not an OpenSearch 2.x engine version (the Fluent Bit output is configured for 2.x); " +
                "use one such as OpenSearch_2.19",
        ),
    );
    const instanceType = r.string(
        "opensearchInstanceType",
        "set it to an OpenSearch instance type such as r7g.large.search",
    );
    const typeOk = r.check(
        "opensearchInstanceType",
        instanceType,
        matches(INSTANCE_TYPE, "is not an OpenSearch instance type; use one such as r7g.large.search"),
    );
    const instanceCount = r.integer("opensearchInstanceCount", 1, 80);
    const volumeSizeGiB = r.integer("opensearchVolumeSizeGiB", 10, 16_384);
    const zoneCount = r.integer("opensearchZoneCount", 1, 3);
    const vpcZones = context.vpcZones;
    const zonesOk =
        vpcZones === undefined ||
        r.check("opensearchZoneCount", zoneCount, (n) =>
            n <= vpcZones.length
                ? undefined
                : `is more than the ${vpcZones.length} availabilityZones; use at most that many`,
        );
    const countOk = r.check("opensearchInstanceCount", instanceCount, (n) =>
        zoneCount === undefined || n % zoneCount === 0
            ? undefined
            : `does not spread evenly over opensearchZoneCount ${zoneCount}; use a multiple of ${zoneCount}`,
    );
    const masterType = r.string(
        "opensearchDedicatedMasterType",
        "set it to none or an OpenSearch instance type such as m7g.large.search",
    );
    const masterTypeOk = r.check("opensearchDedicatedMasterType", masterType, (t) => {
        if (t === "none") {
            return zoneCount !== undefined && zoneCount > 1
                ? `is not allowed with opensearchZoneCount ${zoneCount}: a zone-aware domain needs dedicated ` +
                      "masters to keep a quorum through a zone loss; use an instance type such as m7g.large.search"
                : undefined;
        }
        return INSTANCE_TYPE.test(t)
            ? undefined
            : "is not an OpenSearch instance type; use none or one such as m7g.large.search";
    });
    const masterCount = r.integer("opensearchDedicatedMasterCount", 3, 5);
    const masterCountOk = r.check("opensearchDedicatedMasterCount", masterCount, (n) =>
        n === 3 || n === 5 ? undefined : "is not allowed; use 3 or 5 (an odd quorum that survives one loss)",
    );
    const deletionProtection = r.boolean("opensearchDeletionProtection");
    const logRetentionDays = r.integer("opensearchLogRetentionDays", 1, 3653);
    const retentionOk = r.check("opensearchLogRetentionDays", logRetentionDays, (days) =>
        (LOG_RETENTION_DAYS as readonly number[]).includes(days)
            ? undefined
            : `is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(", ")}`,
    );
    const adminList = r.stringList(
        "opensearchAdminArns",
        "list IAM role or user ARNs with full access to the log domain, or [] for the cluster admins",
        { allowEmpty: true },
    );
    const adminsOk = r.checkEach("opensearchAdminArns", adminList, (arn) => {
        const parsed = parseIamPrincipalArn(arn);
        if (typeof parsed === "string") return parsed;
        if (context.partition !== undefined && parsed.partition !== context.partition) {
            return `is in partition ${parsed.partition}, but aws:region is in ${context.partition}`;
        }
        return undefined;
    });
    const createServiceLinkedRole = r.boolean("opensearchCreateServiceLinkedRole");

    if (engineVersion === undefined || !engineOk || instanceType === undefined || !typeOk) return undefined;
    if (instanceCount === undefined || volumeSizeGiB === undefined || zoneCount === undefined) return undefined;
    if (!zonesOk || !countOk || masterType === undefined || !masterTypeOk || !masterCountOk) return undefined;
    if (masterCount === undefined || deletionProtection === undefined) return undefined;
    if (logRetentionDays === undefined || !retentionOk || adminList === undefined || !adminsOk) return undefined;
    if (createServiceLinkedRole === undefined || context.clusterAdmins === undefined) return undefined;
    return {
        engineVersion,
        instanceType,
        instanceCount,
        volumeSizeGiB,
        zoneCount,
        ...(masterType === "none" ? {} : { dedicatedMasters: { instanceType: masterType, count: masterCount } }),
        deletionProtection,
        logRetentionDays,
        adminArns: adminList.length > 0 ? adminList : context.clusterAdmins,
        createServiceLinkedRole,
    };
}

/** How the log domain's nodes are laid out, validated and turned into the provider's cluster config. */

/**
 * Engine of the log domain: the newest OpenSearch 2.x line the service offers. 2.x is required by the Fluent Bit
 * output as configured (`Suppress_Type_Name On`: 2.x rejects the `_type` field older clients send).
 */
export const OPENSEARCH_ENGINE_VERSION = "OpenSearch_2.19";

export interface NodeGroupSize {
    /** OpenSearch instance type, e.g. `r7g.large.search`. */
    instanceType: string;
    /** Number of nodes. */
    count: number;
}

export interface DomainSizing {
    /** Engine version, `OpenSearch_2.<minor>`. */
    engineVersion: string;
    /** Data nodes. */
    dataNodes: NodeGroupSize;
    /** Zones the data nodes spread over: 1 (no zone awareness), 2 or 3. */
    zoneCount: number;
    /** Dedicated master nodes, or none. */
    dedicatedMasters?: NodeGroupSize;
    /** EBS volume per data node, GiB. */
    volumeSizeGiB: number;
}

/** Every problem with a sizing, each naming the input, the value and the fix; empty when it is valid. */
export function sizingProblems(s: DomainSizing): string[] {
    const problems: string[] = [];
    if (!/^OpenSearch_2\.\d+$/.test(s.engineVersion)) {
        problems.push(
            `engineVersion is "${s.engineVersion}"; the log domain needs an OpenSearch 2.x engine such as ` +
                `${OPENSEARCH_ENGINE_VERSION} (the Fluent Bit output is configured for 2.x)`,
        );
    }
    for (const [field, size] of [
        ["dataNodes", s.dataNodes],
        ["dedicatedMasters", s.dedicatedMasters],
    ] as const) {
        if (size && !/^[a-z0-9]+\.[a-z0-9]+\.search$/.test(size.instanceType)) {
            problems.push(
                `${field}.instanceType is "${size.instanceType}"; ` +
                    "use an OpenSearch instance type such as r7g.large.search",
            );
        }
    }
    if (![1, 2, 3].includes(s.zoneCount)) {
        problems.push(`zoneCount is ${s.zoneCount}; OpenSearch spreads a domain over 1, 2 or 3 zones`);
    }
    if (!Number.isInteger(s.dataNodes.count) || s.dataNodes.count < 1) {
        problems.push(`dataNodes.count is ${s.dataNodes.count}; use a whole number of at least 1`);
    } else if (s.zoneCount > 1 && s.dataNodes.count % s.zoneCount !== 0) {
        // Equal nodes per zone, so each zone can hold a full copy of every shard when replicas are on.
        problems.push(
            `dataNodes.count is ${s.dataNodes.count} over ${s.zoneCount} zones; use a multiple of ${s.zoneCount}`,
        );
    }
    if (s.dedicatedMasters && ![3, 5].includes(s.dedicatedMasters.count)) {
        // An odd quorum of 3 or 5 keeps a master majority through the loss of one node or one zone.
        problems.push(`dedicatedMasters.count is ${s.dedicatedMasters.count}; use 3 or 5`);
    }
    if (s.zoneCount > 1 && !s.dedicatedMasters) {
        problems.push(
            "a zone-aware domain needs dedicated masters so a zone loss leaves a master quorum; set dedicatedMasters",
        );
    }
    if (!Number.isInteger(s.volumeSizeGiB) || s.volumeSizeGiB < 10) {
        problems.push(`volumeSizeGiB is ${s.volumeSizeGiB}; use a whole number of GiB, at least 10`);
    }
    return problems;
}

/** The provider's `clusterConfig` for a valid sizing. */
export function domainClusterConfig(s: DomainSizing) {
    const zoneAware = s.zoneCount > 1;
    return {
        instanceType: s.dataNodes.instanceType,
        instanceCount: s.dataNodes.count,
        zoneAwarenessEnabled: zoneAware,
        ...(zoneAware ? { zoneAwarenessConfig: { availabilityZoneCount: s.zoneCount } } : {}),
        dedicatedMasterEnabled: s.dedicatedMasters !== undefined,
        ...(s.dedicatedMasters
            ? { dedicatedMasterType: s.dedicatedMasters.instanceType, dedicatedMasterCount: s.dedicatedMasters.count }
            : {}),
    };
}

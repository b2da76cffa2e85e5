import { ConfigReader, matches } from "../config-reader";

/** The Amazon OpenSearch domain Fluent Bit ships Spark logs to (the `opensearch*` keys). */
export interface OpenSearchSettings {
    readonly engineVersion: string;
    readonly instanceType: string;
    readonly instanceCount: number;
    readonly volumeSizeGiB: number;
}

export function readObservability(r: ConfigReader): OpenSearchSettings | undefined {
    const engineVersion = r.string("opensearchEngineVersion", "set it to an engine version such as OpenSearch_2.19");
    const engineOk = r.check(
        "opensearchEngineVersion",
        engineVersion,
        matches(/^OpenSearch_\d+\.\d+$/, "is not an OpenSearch engine version; use one such as OpenSearch_2.19"),
    );
    const instanceType = r.string(
        "opensearchInstanceType",
        "set it to an OpenSearch instance type such as r7g.large.search",
    );
    const typeOk = r.check(
        "opensearchInstanceType",
        instanceType,
        matches(
            /^[a-z][a-z0-9]*\.[a-z0-9]+\.search$/,
            "is not an OpenSearch instance type; use one such as r7g.large.search",
        ),
    );
    const instanceCount = r.integer("opensearchInstanceCount", 1, 80);
    const volumeSizeGiB = r.integer("opensearchVolumeSizeGiB", 10, 16_384);
    if (engineVersion === undefined || !engineOk || instanceType === undefined || !typeOk) return undefined;
    if (instanceCount === undefined || volumeSizeGiB === undefined) return undefined;
    return { engineVersion, instanceType, instanceCount, volumeSizeGiB };
}

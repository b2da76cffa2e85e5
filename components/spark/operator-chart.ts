/**
 * Where the EMR-flavoured Spark Operator chart and the EMR Spark images come from, as pure functions of the region
 * and the EMR release label.
 *
 * EMR on EKS serves both from a per-region ECR registry owned by an AWS account listed in the EMR on EKS guide
 * ("Details for selecting a base image URI"; the table is EMR_ON_EKS_ECR_ACCOUNTS). The chart version is the
 * release label without the `emr-` prefix and the `-latest` / date suffix ("Getting started with the Spark
 * operator": emr-6.12.0-java17-latest → 6.12.0-java17); releases before 6.10.0 ship no operator.
 */
import { EMR_ON_EKS_ECR_ACCOUNTS, EmrReleaseLabel, type ImageArchitectures, dnsSuffixOf } from "../vocabulary";
import { emrBuildProblem, newestKnownBuild } from "./emr-image-builds";

/** Where the operator chart is pulled from. */
export const SPARK_OPERATOR_SOURCES = ["regional-ecr", "public-gallery"] as const;
export type SparkOperatorSource = (typeof SPARK_OPERATOR_SOURCES)[number];

/**
 * What is wrong with one setting the Spark components read, as data: the settings parser reports it under its key
 * like every other settings error, and callers outside the parser print it with `problemLine`.
 */
export interface SparkConfigProblem {
    readonly key: "aws:region" | "emrImageTag" | "emrReleaseLabel" | "sparkOperatorSource";
    readonly value: string;
    /** What is wrong and the fix, to follow the key and the value: `is not allowed; use one of: …`. */
    readonly what: string;
}

/** `<key>: "<value>" <what>`: one line, as the settings parser words its errors. */
export function problemLine(problem: SparkConfigProblem): string {
    return `${problem.key}: ${JSON.stringify(problem.value)} ${problem.what}`;
}

/** The ECR Public Gallery copy of the chart: no credentials, but pulled across the internet from us-east-1. */
export const PUBLIC_GALLERY_CHART = "oci://public.ecr.aws/emr-on-eks/spark-operator";

export interface EmrRegistry {
    /** The AWS account that owns EMR on EKS's registry in the region (leading zeros kept). */
    readonly accountId: string;
    /** Registry host, e.g. `895885662937.dkr.ecr.us-west-2.amazonaws.com` (China: `amazonaws.com.cn`). */
    readonly host: string;
}

/** The region's EMR on EKS registry, or what is wrong with the region. */
export function emrRegistryOf(region: string): EmrRegistry | SparkConfigProblem {
    const accountId = EMR_ON_EKS_ECR_ACCOUNTS[region];
    if (accountId === undefined) {
        const regions = Object.keys(EMR_ON_EKS_ECR_ACCOUNTS).join(", ");
        return { key: "aws:region", value: region, what: `has no EMR on EKS registry; use one of: ${regions}` };
    }
    return { accountId, host: `${accountId}.dkr.ecr.${region}.${dnsSuffixOf(region)}` };
}

function isProblem<T extends object>(value: T | SparkConfigProblem): value is SparkConfigProblem {
    return "what" in value;
}

export interface SparkOperatorChart {
    /** `oci://` reference of the chart. */
    readonly chart: string;
    /** Exact chart version, derived from the release label. */
    readonly version: string;
    /** Registry whose ECR credentials the pull needs; absent for the public gallery. */
    readonly registry?: EmrRegistry;
}

/**
 * The chart to install for a region, release and source, or every problem (the settings parser already rejects
 * bad regions and sources; this is the same check for callers that do not go through it).
 */
export function sparkOperatorChart(
    region: string,
    release: EmrReleaseLabel,
    source: SparkOperatorSource,
): SparkOperatorChart | SparkConfigProblem[] {
    const problems: SparkConfigProblem[] = [];
    if (!(SPARK_OPERATOR_SOURCES as readonly string[]).includes(source)) {
        problems.push({
            key: "sparkOperatorSource",
            value: source,
            what: `is not allowed; use one of: ${SPARK_OPERATOR_SOURCES.join(", ")}`,
        });
    }
    const registry = emrRegistryOf(region);
    // The public gallery serves every region, but the operator still needs the region's registry for its images.
    if (isProblem(registry)) problems.push(registry);
    if (problems.length > 0 || isProblem(registry)) return problems;
    return source === "public-gallery"
        ? { chart: PUBLIC_GALLERY_CHART, version: release.sparkOperatorChartVersion }
        : { chart: `oci://${registry.host}/spark-operator`, version: release.sparkOperatorChartVersion, registry };
}

/** The EMR Spark images: one multi-arch manifest list per tag, which drivers and executors pull on either. */
export const EMR_IMAGE_ARCHITECTURES: ImageArchitectures = {
    architectures: ["amd64", "arm64"],
    source:
        "documented, tag not inspected: EMR on EKS Development Guide, Work with multi-architecture images " +
        "(docker-custom-images-multi-architecture: the release images are manifest lists of arm64 and amd64)",
};

/** EMR image tags that never move: the date of a release build, as in emr-7.12.0-20251111. */
const DATED_TAG = /^\d{8}$/;

/**
 * The EMR Spark image of a release in the region's registry, pinned: `<host>/spark/emr-<version>[-<variant>]:<date>`.
 *
 * A `-latest` label names a moving tag, so it needs `imageTag` (a release date such as 20251111) to pin the image;
 * a dated label (emr-7.12.0-20251111) pins itself. A date the known builds contradict (emr-image-builds.ts) is
 * refused here; preflight asks the registry about the rest. Returns the image, or what is wrong and how to fix it.
 */
export function emrSparkImage(
    region: string,
    release: EmrReleaseLabel,
    imageTag?: string,
): string | SparkConfigProblem {
    const registry = emrRegistryOf(region);
    if (isProblem(registry)) return registry;
    const version = `${release.major}.${release.minor}.${release.patch}`;
    const exampleDate = newestKnownBuild(version) ?? "20251111";
    const labelTag = release.dateTag;
    if (imageTag !== undefined && !DATED_TAG.test(imageTag)) {
        return {
            key: "emrImageTag",
            value: imageTag,
            what: `is not a release date; use one such as ${exampleDate} (never latest)`,
        };
    }
    if (imageTag !== undefined && labelTag !== undefined && imageTag !== labelTag) {
        return {
            key: "emrImageTag",
            value: imageTag,
            what: `contradicts emrReleaseLabel ${release.label}; remove emrImageTag or make them agree`,
        };
    }
    const tag = imageTag ?? labelTag;
    if (tag === undefined) {
        return {
            key: "emrReleaseLabel",
            value: release.label,
            what:
                "names the moving tag latest; set emrImageTag to the release date to run " +
                `(e.g. ${exampleDate}), or use a dated label such as ${release.imageRepository}-${exampleDate}`,
        };
    }
    const built = emrBuildProblem(version, tag);
    if (built !== undefined) {
        return imageTag !== undefined
            ? { key: "emrImageTag", value: imageTag, what: built }
            : { key: "emrReleaseLabel", value: release.label, what: `names a date that ${built}` };
    }
    return `${registry.host}/spark/${release.imageRepository}:${tag}`;
}

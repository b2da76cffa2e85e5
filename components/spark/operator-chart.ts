/**
 * Where the EMR-flavoured Spark Operator chart and the EMR Spark images come from, as pure functions of the region
 * and the EMR release label.
 *
 * EMR on EKS serves both from a per-region ECR registry owned by an AWS account listed in the EMR on EKS guide
 * ("Details for selecting a base image URI"; the table is EMR_ON_EKS_ECR_ACCOUNTS). The chart version is the
 * release label without the `emr-` prefix and the `-latest` / date suffix ("Getting started with the Spark
 * operator": emr-6.12.0-java17-latest → 6.12.0-java17); releases before 6.10.0 ship no operator.
 */
import { EMR_ON_EKS_ECR_ACCOUNTS, dnsSuffixOf } from "../settings/regions";
import { EmrReleaseLabel, parseEmrReleaseLabel } from "../settings/validators";
import { emrBuildProblem, newestKnownBuild } from "./emr-image-builds";

/** Where the operator chart is pulled from. */
export const SPARK_OPERATOR_SOURCES = ["regional-ecr", "public-gallery"] as const;
export type SparkOperatorSource = (typeof SPARK_OPERATOR_SOURCES)[number];

/** The ECR Public Gallery copy of the chart: no credentials, but pulled across the internet from us-east-1. */
export const PUBLIC_GALLERY_CHART = "oci://public.ecr.aws/emr-on-eks/spark-operator";

export interface EmrRegistry {
    /** The AWS account that owns EMR on EKS's registry in the region (leading zeros kept). */
    readonly accountId: string;
    /** Registry host, e.g. `895885662937.dkr.ecr.us-west-2.amazonaws.com` (China: `amazonaws.com.cn`). */
    readonly host: string;
}

/** The region's EMR on EKS registry, or what is wrong with the region. */
export function emrRegistryOf(region: string): EmrRegistry | string {
    const accountId = EMR_ON_EKS_ECR_ACCOUNTS[region];
    if (accountId === undefined) {
        const regions = Object.keys(EMR_ON_EKS_ECR_ACCOUNTS).join(", ");
        return `region ${JSON.stringify(region)} has no EMR on EKS registry; use one of: ${regions}`;
    }
    return { accountId, host: `${accountId}.dkr.ecr.${region}.${dnsSuffixOf(region)}` };
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
 * The chart to install for a region, release and source, or one line per problem (the settings parser already
 * rejects bad regions and labels; this is the same check for callers that do not go through it).
 */
export function sparkOperatorChart(
    region: string,
    releaseLabel: string,
    source: SparkOperatorSource,
): SparkOperatorChart | string[] {
    const problems: string[] = [];
    const release = parseEmrReleaseLabel(releaseLabel);
    if (typeof release === "string") problems.push(`emrReleaseLabel: ${JSON.stringify(releaseLabel)} ${release}`);
    if (!(SPARK_OPERATOR_SOURCES as readonly string[]).includes(source)) {
        problems.push(
            `sparkOperatorSource: ${JSON.stringify(source)} is not allowed; ` +
                `use one of: ${SPARK_OPERATOR_SOURCES.join(", ")}`,
        );
    }
    const registry = emrRegistryOf(region);
    // The public gallery serves every region, but the operator still needs the region's registry for its images.
    if (typeof registry === "string") problems.push(`aws:region: ${registry}`);
    if (problems.length > 0 || typeof release === "string" || typeof registry === "string") return problems;
    return source === "public-gallery"
        ? { chart: PUBLIC_GALLERY_CHART, version: release.sparkOperatorChartVersion }
        : { chart: `oci://${registry.host}/spark-operator`, version: release.sparkOperatorChartVersion, registry };
}

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
): string | { problem: string } {
    const registry = emrRegistryOf(region);
    if (typeof registry === "string") return { problem: registry };
    const m = /^(emr-.+)-(latest|\d{8})$/.exec(release.label);
    if (!m) {
        const label = JSON.stringify(release.label);
        return { problem: `emrReleaseLabel ${label} is not a release label such as emr-7.12.0-20251111` };
    }
    const [, repository, suffix] = m;
    const version = `${release.major}.${release.minor}.${release.patch}`;
    const exampleDate = newestKnownBuild(version) ?? "20251111";
    const labelTag = suffix === "latest" ? undefined : suffix;
    if (imageTag !== undefined && !DATED_TAG.test(imageTag)) {
        return {
            problem:
                `emrImageTag ${JSON.stringify(imageTag)} is not a release date; ` +
                `use one such as ${exampleDate} (never latest)`,
        };
    }
    if (imageTag !== undefined && labelTag !== undefined && imageTag !== labelTag) {
        return {
            problem:
                `emrImageTag ${imageTag} contradicts emrReleaseLabel ${release.label}; ` +
                "remove emrImageTag or make them agree",
        };
    }
    const tag = imageTag ?? labelTag;
    if (tag === undefined) {
        return {
            problem:
                `emrReleaseLabel ${release.label} names the moving tag latest; ` +
                "set emrImageTag to the release date to run " +
                `(e.g. ${exampleDate}), or use a dated label such as ${repository}-${exampleDate}`,
        };
    }
    const built = emrBuildProblem(version, tag);
    if (built !== undefined) {
        return {
            problem:
                imageTag !== undefined
                    ? `emrImageTag ${imageTag} ${built}`
                    : `emrReleaseLabel ${release.label} names a date that ${built}`,
        };
    }
    return `${registry.host}/spark/${repository}:${tag}`;
}

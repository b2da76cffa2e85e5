/**
 * The EMR release label (emr-7.12.0-latest, emr-6.12.0-java17-20260410), parsed here and nowhere else: the chart
 * version, the image repository and the image tag are all read off the parsed label.
 */

export interface EmrReleaseLabel {
    readonly label: string;
    readonly major: number;
    readonly minor: number;
    readonly patch: number;
    /**
     * Version of the EMR Spark Operator chart that matches the release: the label without the `emr-` prefix and the
     * `-latest` / date suffix (emr-7.12.0-latest → 7.12.0, emr-6.12.0-java17-latest → 6.12.0-java17).
     */
    readonly sparkOperatorChartVersion: string;
    /** Repository of the release's Spark image: the label without its suffix (emr-6.12.0-java17). */
    readonly imageRepository: string;
    /** The release date the label pins (20260410), or undefined for the moving `-latest`. */
    readonly dateTag?: string;
}

const EMR_RELEASE_LABEL = /^emr-(\d+)\.(\d+)\.(\d+)((?:-[a-z][a-z0-9]*)*)-(latest|\d{8})$/;

/** The Spark Operator ships for EMR 6.10.0 and later (EMR on EKS guide, "Setting up the Spark operator"). */
export const MIN_EMR_RELEASE = { major: 6, minor: 10 } as const;

/** The parsed label, or what is wrong with it (`is not …`, to follow the key and value in an error line). */
export function parseEmrReleaseLabel(label: string): EmrReleaseLabel | string {
    const m = EMR_RELEASE_LABEL.exec(label);
    if (!m) return "is not an EMR release label such as emr-7.12.0-latest or emr-7.12.0-20251111";
    const [major, minor, patch] = [m[1], m[2], m[3]].map(Number);
    if (major < MIN_EMR_RELEASE.major || (major === MIN_EMR_RELEASE.major && minor < MIN_EMR_RELEASE.minor)) {
        return `is older than emr-${MIN_EMR_RELEASE.major}.${MIN_EMR_RELEASE.minor}.0, the first release with the EMR Spark Operator`;
    }
    const version = `${major}.${minor}.${patch}${m[4]}`;
    return {
        label,
        major,
        minor,
        patch,
        sparkOperatorChartVersion: version,
        imageRepository: `emr-${version}`,
        ...(m[5] === "latest" ? {} : { dateTag: m[5] }),
    };
}

/**
 * The dated builds of EMR on EKS releases the program knows, in one place, and the offline check of an image date
 * against them.
 *
 * The table is not the authority: AWS publishes new releases and refreshed builds of old ones (a refresh carries a
 * new date, e.g. emr-6.12.0-20240321 refreshed 6.12.0), so an unknown release or a later date passes here and `npm run preflight`
 * asks the release's ECR registry whether the image exists. What the table can tell for sure is refused here: a
 * date older than the release's first build, or a date that belongs to another release and to none of this
 * release's known builds (emr-7.12.0 with 20260410, emr-7.13.0's first build).
 *
 * Sources, EMR on EKS Development Guide, "Amazon EMR on EKS releases" (`emr-eks-<version>-<date>.html`,
 * "emr-<version>-latest currently points to emr-<version>-<date>"). Add a build when AWS publishes one.
 */

/**
 * Known dated builds (YYYYMMDD, oldest first) by EMR version (`major.minor.patch`; variants such as -java17 share
 * them). The first date of each list is the release's initial build ("This is the initial release of Amazon EMR
 * <version>"): list a release only with it, since older dates are refused.
 */
export const KNOWN_EMR_BUILDS: Readonly<Record<string, readonly string[]>> = {
    "6.15.0": ["20231109"],
    "7.0.0": ["20231211"],
    "7.1.0": ["20240321"],
    "7.6.0": ["20241213"],
    "7.7.0": ["20250131"],
    "7.9.0": ["20250425"],
    "7.10.0": ["20250801"],
    "7.11.0": ["20251020"],
    "7.12.0": ["20251111"],
    "7.13.0": ["20260410"],
};

/** The newest known build of a version, for messages that suggest a date. */
export function newestKnownBuild(version: string): string | undefined {
    return KNOWN_EMR_BUILDS[version]?.at(-1);
}

/**
 * What is wrong with running the image of EMR `version` (`7.12.0`) dated `date`, judged by the known builds, as a
 * predicate of the date ("is a build of emr-7.13.0, …; use 20251111"); undefined when nothing known contradicts it.
 */
export function emrBuildProblem(version: string, date: string): string | undefined {
    const builds = KNOWN_EMR_BUILDS[version];
    if (builds === undefined || builds.includes(date)) return undefined;
    const known = `emr-${version}'s known builds: ${builds.join(", ")}`;
    if (date < builds[0])
        return `predates emr-${version}'s first build, so no such image exists; use ${builds.at(-1)} (${known})`;
    const owners = Object.entries(KNOWN_EMR_BUILDS)
        .filter(([other, dates]) => other !== version && dates.includes(date))
        .map(([other]) => `emr-${other}`);
    if (owners.length === 0) return undefined;
    return `is a build of ${owners.join(", ")}, not of emr-${version}; use ${builds.at(-1)} (${known})`;
}

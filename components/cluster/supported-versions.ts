/**
 * The Kubernetes minors the program can build, derived from the pins rather than listed a third time: a minor is
 * supported when its EKS add-on versions are pinned (./addon-versions.ts) and every pinned chart's range
 * (charts/<name>/pin.yaml) includes it. Supporting a new minor means pinning its add-ons and charts, nothing else.
 */
import { ChartPin, kubernetesRangeIncludes, readAllChartPins } from "../charts";
import { AddonVersions, EKS_ADDON_VERSIONS } from "./addon-versions";

/** Minors with pinned add-ons that every chart pin supports, in ascending order ("1.33", "1.34"). */
export function supportedKubernetesVersions(
    addonPins: Readonly<Record<string, AddonVersions>> = EKS_ADDON_VERSIONS,
    chartPins: readonly Pick<ChartPin, "kubernetes">[] = readAllChartPins(),
): string[] {
    return Object.keys(addonPins)
        .filter((version) => chartPins.every((pin) => kubernetesRangeIncludes(pin.kubernetes, version)))
        .sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
}

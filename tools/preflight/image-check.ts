/**
 * Preflight's image check: every pinned image the stack's pods pull exists in its registry. A tag that does not
 * exist leaves a pod in ImagePullBackOff long after `pulumi up` reported success, so it is asked before.
 */
import { readChartPin } from "../../components/charts";
import { CONTROLLER_CHART } from "../../components/ingress";
import { CURL_IMAGE, FLUENT_BIT_IMAGE, SIGV4_PROXY_IMAGE } from "../../components/logging";
import type { Settings } from "../../stack-config";
import { emrRegistryOf, emrSparkImage } from "../../components/spark";
import type { Check } from "./checks";
import { ecrBasicAuth, lookUpImage } from "./images";

/** An image the stack pulls, with what pulls it and how to fix a missing one. */
export interface PinnedImage {
    readonly image: string;
    /** What pulls it, for the message. */
    readonly pulledBy: string;
    readonly fix: string;
    /** A private ECR registry: asked with an ECR token. */
    readonly ecrRegistryId?: string;
}

/**
 * The autoscaler's chart (one of the two), the charts every stack installs and, with the login-protected Spark UI,
 * the load balancer controller's, by charts/ folder.
 */
function installedCharts(settings: Settings): string[] {
    const autoscaler = settings.cluster.autoscaler === "karpenter" ? "karpenter" : "cluster-autoscaler";
    return [autoscaler, "cost-analyzer", "spark-history-server", ...(settings.sparkUi ? [CONTROLLER_CHART] : [])];
}

/**
 * Every pinned image the stack pulls: the EMR Spark image of the release (drivers, executors, the samples), the
 * Fluent Bit sidecar, the log retention Job's two, and the images of the third-party charts it installs (their pins list them). The Spark
 * Operator's own image comes with its chart from the EMR registry (the chart check covers it).
 */
export function pinnedImages(settings: Settings): PinnedImage[] {
    const images: PinnedImage[] = [];
    const registry = emrRegistryOf(settings.aws.region);
    const emr = emrSparkImage(settings.aws.region, settings.spark.emrRelease, settings.spark.emrImageTag);
    if (typeof emr === "string" && "host" in registry) {
        const repository = `spark/${settings.spark.emrRelease.imageRepository}`;
        images.push({
            image: emr,
            pulledBy: `EMR release ${settings.spark.emrRelease.label}`,
            fix:
                `set spark-platform:emrImageTag to a build the release has ` +
                `(aws ecr list-images --region ${settings.aws.region} --registry-id ${registry.accountId} --repository-name ${repository})`,
            ecrRegistryId: registry.accountId,
        });
    }
    images.push({
        image: FLUENT_BIT_IMAGE,
        pulledBy: "the Fluent Bit log sidecar",
        fix: "pin a published tag in components/logging/fluent-bit-sidecar.ts (FLUENT_BIT_IMAGE)",
    });
    for (const [image, constant] of [
        [SIGV4_PROXY_IMAGE, "SIGV4_PROXY_IMAGE"],
        [CURL_IMAGE, "CURL_IMAGE"],
    ] as const) {
        images.push({
            image,
            pulledBy: "the Job that applies the log retention policy",
            fix: `pin a published tag in components/logging/index-retention.ts (${constant})`,
        });
    }
    for (const chart of installedCharts(settings)) {
        for (const image of readChartPin(chart).images) {
            images.push({
                image,
                pulledBy: `chart ${chart}`,
                fix: `correct the image in charts/${chart}/pin.yaml (and values.yaml where the program sets it) to what the pinned chart version pulls`,
            });
        }
    }
    return images;
}

export const IMAGE_CHECK: Check = {
    id: "images",
    title: "every pinned image the stack pulls exists in its registry",
    async run(plan, clients) {
        const missing: string[] = [];
        const fixes = new Set<string>();
        const tokens = new Map<string, Promise<string>>();
        for (const pinned of plan.images) {
            let auth: string | undefined;
            if (pinned.ecrRegistryId !== undefined) {
                const registryId = pinned.ecrRegistryId;
                if (!tokens.has(registryId)) tokens.set(registryId, ecrBasicAuth(clients.ecr, registryId));
                auth = await tokens.get(registryId);
            }
            const lookup = await lookUpImage(pinned.image, clients.fetch, auth);
            if (!lookup.found) {
                missing.push(`${lookup.detail} (pulled by ${pinned.pulledBy})`);
                fixes.add(pinned.fix);
            }
        }
        return missing.length === 0
            ? {
                  status: "pass",
                  detail: `${plan.images.length} images exist: ${plan.images.map((i) => i.image).join(", ")}`,
              }
            : { status: "fail", detail: missing.join("; "), fix: [...fixes].join("; ") };
    },
};

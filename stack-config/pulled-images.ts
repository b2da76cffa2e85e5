/**
 * Every pinned image the stack's pods pull, where each runs (system nodes or Spark pools) and the architectures its
 * pin says it is published for; and the check that no node architecture in use lacks its image. Preflight asks the
 * registries for the same list (tools/preflight/image-check.ts).
 */
import { readChartPin } from "../components/charts";
import { CONTROLLER_CHART } from "../components/ingress";
import {
    CURL_IMAGE,
    FLUENT_BIT_IMAGE,
    FLUENT_BIT_IMAGE_ARCHITECTURES,
    RETENTION_IMAGE_ARCHITECTURES,
    SIGV4_PROXY_IMAGE,
} from "../components/logging";
import { EMR_IMAGE_ARCHITECTURES, emrRegistryOf, emrSparkImage } from "../components/spark";
import { type Architecture, type ImageArchitectures, formatArchitectures } from "../components/vocabulary";
import type { Settings } from "./settings";

/** An image the stack pulls, with what pulls it, where it runs, and how to fix a missing one. */
export interface PulledImage {
    readonly image: string;
    /** What pulls it, for messages. */
    readonly pulledBy: string;
    readonly fix: string;
    /** A private ECR registry: asked with an ECR token. */
    readonly ecrRegistryId?: string;
    /** The nodes its pods run on. */
    readonly runsOn: "system" | "spark";
    /** What its pin says about its architectures; undefined when the pin says nothing (amd64 only is assumed). */
    readonly published?: ImageArchitectures;
    /** The file or constant that pins it, for messages. */
    readonly pinnedIn: string;
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
 * Fluent Bit sidecar, the log retention Job's two, and the images of the third-party charts it installs (their pins
 * list them). The Spark Operator's own image comes with its chart from the EMR registry and is not pinned here (the
 * chart check covers it).
 */
export function pulledImages(settings: Settings): PulledImage[] {
    const images: PulledImage[] = [];
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
            runsOn: "spark",
            published: EMR_IMAGE_ARCHITECTURES,
            pinnedIn: "components/spark/operator-chart.ts (EMR_IMAGE_ARCHITECTURES)",
        });
    }
    images.push({
        image: FLUENT_BIT_IMAGE,
        pulledBy: "the Fluent Bit log sidecar",
        fix: "pin a published tag in components/logging/fluent-bit-sidecar.ts (FLUENT_BIT_IMAGE)",
        runsOn: "spark",
        published: FLUENT_BIT_IMAGE_ARCHITECTURES,
        pinnedIn: "components/logging/fluent-bit-sidecar.ts (FLUENT_BIT_IMAGE_ARCHITECTURES)",
    });
    for (const [image, constant] of [
        [SIGV4_PROXY_IMAGE, "SIGV4_PROXY_IMAGE"],
        [CURL_IMAGE, "CURL_IMAGE"],
    ] as const) {
        const published = RETENTION_IMAGE_ARCHITECTURES[image];
        images.push({
            image,
            pulledBy: "the Job that applies the log retention policy",
            fix: `pin a published tag in components/logging/index-retention.ts (${constant})`,
            runsOn: "system",
            published,
            pinnedIn: "components/logging/index-retention.ts (RETENTION_IMAGE_ARCHITECTURES)",
        });
    }
    for (const chart of installedCharts(settings)) {
        const pin = readChartPin(chart);
        for (const image of pin.images) {
            images.push({
                image,
                pulledBy: `chart ${chart}`,
                fix: `correct the image in charts/${chart}/pin.yaml (and values.yaml where the program sets it) to what the pinned chart version pulls`,
                runsOn: "system",
                published: pin.imageArchitectures[image],
                pinnedIn: `charts/${chart}/pin.yaml (imageArchitectures)`,
            });
        }
    }
    return images;
}

/** The architectures the nodes an image runs on may have, with the setting that chose them. */
export function architecturesInUse(
    settings: Settings,
    runsOn: PulledImage["runsOn"],
): { key: string; architectures: readonly Architecture[] }[] {
    const capacity = settings.capacity;
    return runsOn === "system"
        ? [{ key: "systemNodeArchitectures", architectures: [capacity.systemArchitecture] }]
        : [
              { key: "sparkDriverArchitectures", architectures: capacity.architectures.driver },
              { key: "sparkExecutorArchitectures", architectures: capacity.architectures.executor },
          ];
}

/**
 * One line per image a node architecture in use cannot run: its pin does not list that architecture (a pin that
 * lists none counts as amd64 only). Empty when every node can run every image it may be given.
 */
export function imageArchitectureProblems(
    settings: Settings,
    namespace: string,
    images: readonly PulledImage[] = pulledImages(settings),
): string[] {
    const problems: string[] = [];
    for (const pulled of images) {
        const published = pulled.published?.architectures ?? ["amd64"];
        for (const { key, architectures } of architecturesInUse(settings, pulled.runsOn)) {
            const missing = architectures.filter((a) => !published.includes(a));
            if (missing.length === 0) continue;
            const runnable = architectures.filter((a) => published.includes(a));
            const says =
                pulled.published === undefined
                    ? "does not say which architectures it is published for (so amd64 only is assumed)"
                    : `says it is published for ${published.join(", ")} only`;
            problems.push(
                `${namespace}:${key}: ${JSON.stringify(architectures)} puts ${pulled.image} (${pulled.pulledBy}) on ` +
                    `${missing.join(", ")} nodes, but ${pulled.pinnedIn} ${says}; use ` +
                    `${formatArchitectures(runnable.length > 0 ? runnable : published)} or pin a tag published for ` +
                    `${missing.join(", ")} (and say so in its pin)`,
            );
        }
    }
    return problems;
}

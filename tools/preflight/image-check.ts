/**
 * Preflight's image check: every pinned image the stack's pods pull exists in its registry. A tag that does not
 * exist leaves a pod in ImagePullBackOff long after `pulumi up` reported success, so it is asked before.
 */
import type { Architecture } from "../../components/vocabulary";
import { type PulledImage, type Settings, architecturesInUse, pulledImages } from "../../stack-config";
import type { Check } from "./checks";
import { ecrBasicAuth, lookUpImage } from "./images";

/** An image the stack pulls, with the architectures of the nodes that pull it (each must be in its manifest list). */
export interface PinnedImage extends PulledImage {
    readonly architectures: readonly Architecture[];
}

/** Every pinned image the stack pulls (stack-config/pulled-images.ts), with the node architectures in use for it. */
export function pinnedImages(settings: Settings): PinnedImage[] {
    return pulledImages(settings).map((pulled) => ({
        ...pulled,
        architectures: [...new Set(architecturesInUse(settings, pulled.runsOn).flatMap((u) => u.architectures))],
    }));
}

export const IMAGE_CHECK: Check = {
    id: "images",
    title: "every pinned image the stack pulls exists in its registry, for every node architecture that pulls it",
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
            const lookup = await lookUpImage(pinned.image, clients.fetch, auth, pinned.architectures);
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

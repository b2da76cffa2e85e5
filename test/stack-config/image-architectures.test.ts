import * as assert from "node:assert/strict";
import { FLUENT_BIT_IMAGE } from "../../components/logging";
import { type Settings, imageArchitectureProblems, parseSettings, pulledImages } from "../../stack-config";
import { PROJECT_DIR } from "../../tools/plan/plan";
import { readProject, readStackConfig } from "../../tools/plan/stack-config";
import { FIXTURE_STACKS_DIR } from "../support/fixture-stacks";

/** The dev fixture's settings with keys replaced (unqualified keys, JSON values). */
function devSettings(changes: Record<string, unknown> = {}): Settings {
    const project = readProject(PROJECT_DIR);
    const config = readStackConfig(FIXTURE_STACKS_DIR, project, "dev");
    for (const [key, value] of Object.entries(changes)) config.set(`${project.name}:${key}`, JSON.stringify(value));
    return parseSettings(config, project.name, "dev");
}

const GRAVITON = {
    systemNodeArchitectures: ["arm64"],
    systemNodeInstanceTypes: ["m7g.large"],
    sparkDriverArchitectures: ["arm64"],
    sparkDriverInstanceFamilies: ["m7g"],
    sparkExecutorArchitectures: ["arm64", "amd64"],
    sparkExecutorInstanceFamilies: ["r7gd", "r6id"],
};

describe("images and node architectures", () => {
    it("places each pinned image on the nodes that run it, with the architectures its pin states", () => {
        const images = pulledImages(devSettings());
        const where = Object.fromEntries(images.map((i) => [i.image, i.runsOn]));
        assert.equal(where[FLUENT_BIT_IMAGE], "spark");
        assert.equal(where["public.ecr.aws/karpenter/controller:1.14.1"], "system");
        assert.equal(where["quay.io/curl/curl:8.17.0"], "system");
        for (const image of images) {
            assert.ok(image.published, `${image.image} (${image.pinnedIn}) states its architectures`);
            assert.ok(image.published.source.length > 0);
        }
    });

    it("accepts Graviton pools and system nodes: every pinned image is published for arm64", () => {
        const settings = devSettings(GRAVITON);
        assert.deepEqual(imageArchitectureProblems(settings, "spark-platform"), []);
        assert.deepEqual(settings.capacity.architectures.executor, ["arm64", "amd64"]);
    });

    it("refuses an arm64 pool that would pull an image published for amd64 only, one line naming key, value and fix", () => {
        const settings = devSettings(GRAVITON);
        const images = pulledImages(settings).map((i) =>
            i.image === FLUENT_BIT_IMAGE
                ? { ...i, published: { architectures: ["amd64" as const], source: "a test" } }
                : i,
        );
        assert.deepEqual(imageArchitectureProblems(settings, "spark-platform", images), [
            `spark-platform:sparkDriverArchitectures: ["arm64"] puts ${FLUENT_BIT_IMAGE} (the Fluent Bit log sidecar) on arm64 nodes, but components/logging/fluent-bit-sidecar.ts (FLUENT_BIT_IMAGE_ARCHITECTURES) says it is published for amd64 only; use [amd64] or pin a tag published for arm64 (and say so in its pin)`,
            `spark-platform:sparkExecutorArchitectures: ["arm64","amd64"] puts ${FLUENT_BIT_IMAGE} (the Fluent Bit log sidecar) on arm64 nodes, but components/logging/fluent-bit-sidecar.ts (FLUENT_BIT_IMAGE_ARCHITECTURES) says it is published for amd64 only; use [amd64] or pin a tag published for arm64 (and say so in its pin)`,
        ]);
        // amd64 pools run it: the same pins are fine for the fixture as it is.
        assert.deepEqual(imageArchitectureProblems(devSettings(), "spark-platform", images), []);
    });

    it("treats an image whose pin says nothing as amd64 only", () => {
        const settings = devSettings(GRAVITON);
        const image = "gcr.io/kubecost1/frontend:prod-2.4.2";
        const images = pulledImages(settings).map((i) => (i.image === image ? { ...i, published: undefined } : i));
        assert.deepEqual(imageArchitectureProblems(settings, "spark-platform", images), [
            `spark-platform:systemNodeArchitectures: ["arm64"] puts ${image} (chart cost-analyzer) on arm64 nodes, but charts/cost-analyzer/pin.yaml (imageArchitectures) does not say which architectures it is published for (so amd64 only is assumed); use [amd64] or pin a tag published for arm64 (and say so in its pin)`,
        ]);
    });
});

import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { kubernetesRangeIncludes, readAllChartPins } from "../../../components/charts";
import { EKS_ADDON_VERSIONS, addonVersionsFor, supportedKubernetesVersions } from "../../../components/cluster";
import type { AddonVersions } from "../../../components/cluster";
import { InvalidConfigError, parseSettings } from "../../../components/settings";
import { fixtureStackConfig } from "../../support/fixture-stacks";

// Settings reject unsupported versions before anything is registered; that is only honest if every version they
// accept can actually be built: its EKS add-ons pinned and every pinned chart supporting it. The accepted list is
// derived from those pins, so these tests check the derivation, not a third list.
describe("supported Kubernetes versions", () => {
    const addons = (minor: string): AddonVersions => ({
        "vpc-cni": "v1.20.4-eksbuild.1",
        "kube-proxy": `v${minor}.1-eksbuild.1`,
        coredns: "v1.12.4-eksbuild.1",
        "aws-ebs-csi-driver": "v1.52.1-eksbuild.1",
    });
    const pins = { "1.35": addons("1.35"), "1.33": addons("1.33"), "1.34": addons("1.34") };

    it("must accept a minor only when its add-ons are pinned and every chart range includes it", () => {
        assert.deepEqual(
            supportedKubernetesVersions(pins, [{ kubernetes: "1.29-1.36" }, { kubernetes: "1.34-1.35" }]),
            ["1.34", "1.35"],
        );
        assert.deepEqual(supportedKubernetesVersions(pins, [{ kubernetes: "1.34" }]), ["1.34"]);
    });

    it("must not accept a minor every chart supports but whose add-ons are not pinned", () => {
        assert.deepEqual(supportedKubernetesVersions({ "1.34": addons("1.34") }, [{ kubernetes: "1.29-1.36" }]), [
            "1.34",
        ]);
    });

    it("must accept nothing when the chart ranges share no minor with the add-on pins", () => {
        assert.deepEqual(
            supportedKubernetesVersions(pins, [{ kubernetes: "1.29-1.33" }, { kubernetes: "1.35-1.36" }]),
            [],
        );
    });

    it("must read every chart folder's pin range", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "charts-"));
        try {
            for (const [name, range] of [
                ["a", "1.29-1.36"],
                ["b", "1.33-1.34"],
            ]) {
                mkdirSync(path.join(dir, name));
                writeFileSync(
                    path.join(dir, name, "pin.yaml"),
                    `chart: oci://public.ecr.aws/example/${name}\nversion: 1.0.0\nnamespace: x\nrelease: ${name}\nkubernetes: "${range}"\nhooks: []\n`,
                );
            }
            writeFileSync(path.join(dir, "README.md"), "not a chart\n");
            assert.deepEqual(supportedKubernetesVersions(pins, readAllChartPins(dir)), ["1.33", "1.34"]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("with the shipped pins", () => {
        const supported = supportedKubernetesVersions();
        const charts = readAllChartPins();

        it("supports at least one minor, each with pinned add-ons and inside every chart's range", () => {
            assert.ok(supported.length > 0, "no minor has pinned add-ons that every chart supports");
            for (const version of supported) {
                assert.ok(addonVersionsFor(version), `${version} has no pinned add-ons`);
                for (const pin of charts) {
                    assert.ok(
                        kubernetesRangeIncludes(pin.kubernetes, version),
                        `${pin.name} ${pin.version} supports ${pin.kubernetes}, not ${version}`,
                    );
                }
            }
            assert.ok(supported.every((v) => v in EKS_ADDON_VERSIONS));
        });

        it("are what the settings accept, and the config error names them", () => {
            for (const version of supported) {
                const raw = fixtureStackConfig("dev");
                raw.set("spark-platform:kubernetesVersion", version);
                assert.equal(parseSettings(raw, "spark-platform", "dev").cluster.kubernetesVersion, version);
            }
            const raw = fixtureStackConfig("dev");
            raw.set("spark-platform:kubernetesVersion", "1.20");
            assert.throws(
                () => parseSettings(raw, "spark-platform", "dev"),
                (e: unknown) => {
                    assert.ok(e instanceof InvalidConfigError);
                    assert.deepEqual(e.problems, [
                        `spark-platform:kubernetesVersion: "1.20" is not allowed; use one of: ${supported.join(", ")}`,
                    ]);
                    return true;
                },
            );
        });
    });
});

import * as assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS_DIR, deepMerge, installPinnedChart, readBaseValues, readChartPin } from "../../../components/charts";
import { planProgram } from "../../../tools/plan/plan";
import { handMadeCluster } from "../../support/cluster-context";
import { ofType } from "../../support/plan-queries";

describe("chart pins", () => {
    const charts = existsSync(CHARTS_DIR)
        ? readdirSync(CHARTS_DIR, { withFileTypes: true })
              .filter((d) => d.isDirectory())
              .map((d) => d.name)
        : [];

    it("ships at least one pinned chart", () => {
        assert.ok(charts.length > 0);
    });

    for (const name of charts) {
        it(`pins ${name} to an exact version and ships base values that parse`, () => {
            const pin = readChartPin(name);
            assert.match(pin.version, /^\d+\.\d+\.\d+/);
            assert.equal(typeof readBaseValues(name), "object");
        });
    }

    describe("reading a pin", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "charts-"));
        after(() => rmSync(dir, { recursive: true, force: true }));
        const write = (name: string, pin: string, values = "replicas: 1\n") => {
            mkdirSync(path.join(dir, name), { recursive: true });
            writeFileSync(path.join(dir, name, "pin.yaml"), pin);
            writeFileSync(path.join(dir, name, "values.yaml"), values);
        };
        const base =
            "chart: oci://public.ecr.aws/example/demo\nnamespace: demo\nrelease: demo\nkubernetes: 1.30-1.36\n";

        it("rejects a floating version", () => {
            for (const version of ["latest", "^1.2.0", "1.x", "~1.2", ">=1.0.0", "1.2"]) {
                write("floating", `${base}version: "${version}"\n`);
                assert.throws(
                    () => readChartPin("floating", dir),
                    /is not an exact version; pin one such as 1\.14\.1/,
                    version,
                );
            }
        });

        it("rejects a missing version", () => {
            write("unversioned", base);
            assert.throws(() => readChartPin("unversioned", dir), /version must be a non-empty string/);
        });

        it("requires a repository for charts not served from OCI", () => {
            write("http", `chart: demo\nversion: 1.0.0\nnamespace: demo\nrelease: demo\nkubernetes: 1.30-1.36\n`);
            assert.throws(() => readChartPin("http", dir), /needs either an oci:\/\/ reference or a repository URL/);
        });

        it("reads the architectures each image is published for, refusing an image or architecture it does not know", () => {
            const images = `${base}version: 1.0.0\nhooks: []\nimages:\n  - registry.k8s.io/demo:v1\n`;
            write(
                "arch",
                `${images}imageArchitectures:\n  "registry.k8s.io/demo:v1":\n    architectures: [amd64, arm64]\n    source: the demo README\n`,
            );
            assert.deepEqual(readChartPin("arch", dir).imageArchitectures, {
                "registry.k8s.io/demo:v1": { architectures: ["amd64", "arm64"], source: "the demo README" },
            });
            write("silent", images);
            assert.deepEqual(readChartPin("silent", dir).imageArchitectures, {});
            write(
                "stranger",
                `${images}imageArchitectures:\n  "registry.k8s.io/other:v1":\n    architectures: [amd64]\n    source: x\n`,
            );
            assert.throws(
                () => readChartPin("stranger", dir),
                /names registry\.k8s\.io\/other:v1, which is not in images/,
            );
            write(
                "x86",
                `${images}imageArchitectures:\n  "registry.k8s.io/demo:v1":\n    architectures: [x86_64]\n    source: x\n`,
            );
            assert.throws(() => readChartPin("x86", dir), /imageArchitectures must map images/);
        });

        it("reports a values file that does not parse", () => {
            write("broken", `${base}version: 1.0.0\n`, "a: [\n");
            assert.throws(() => readBaseValues("broken", dir), /values\.yaml: /);
        });
    });

    it("fails the deployment on the installing component, before any chart is registered, for a cluster minor its pin does not support", async () => {
        const pin = { ...readChartPin("cost-analyzer"), kubernetes: "1.30-1.31" };
        let error: unknown;
        const plan = await planProgram(() => {
            const parent = new pulumi.ComponentResource("spark:test:Installer", "installer");
            try {
                installPinnedChart(
                    "kubecost",
                    { pin, cluster: { ...handMadeCluster(), kubernetesVersion: "1.34" } },
                    { parent },
                );
            } catch (e) {
                error = e;
            }
        });
        assert.ok(error instanceof pulumi.ResourceError, String(error));
        assert.equal(
            error.message,
            `the pinned cost-analyzer chart ${pin.version} supports Kubernetes 1.30-1.31, not 1.34; pin a matching chart in charts/cost-analyzer/pin.yaml`,
        );
        assert.ok(error.resource instanceof pulumi.ComponentResource);
        assert.deepEqual(ofType(plan, "kubernetes:helm.sh/v4:Chart"), []);
    });

    it("deep-merges computed values over base values, replacing lists", () => {
        const merged = deepMerge(
            { controller: { resources: { cpu: "1" }, args: ["--a"] }, replicas: 2 },
            { controller: { resources: { memory: "1Gi" }, args: ["--b"] } },
        );
        assert.deepEqual(merged, {
            controller: { resources: { cpu: "1", memory: "1Gi" }, args: ["--b"] },
            replicas: 2,
        });
    });
});

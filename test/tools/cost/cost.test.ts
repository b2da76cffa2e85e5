/**
 * The offline cost estimate: each fixture stack against a hand computation from the price table's rows, the stacks
 * the table does not cover, and the difference a change makes as the pull-request verdict shows it.
 */
import * as assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { parseSettings } from "../../../stack-config";
import { invokeCommand } from "../../../tools/cli";
import { COST_USAGE, costCommand } from "../../../tools/cost/command";
import { type CostEstimate, estimateCost } from "../../../tools/cost-estimate/estimate";
import { costDiffMarkdown, formatCostEstimate } from "../../../tools/cost-estimate/format";
import { PRICE_TABLE_FILE, readPriceTable } from "../../../tools/cost-estimate/price-table";
import { PROJECT_DIR } from "../../../tools/plan/plan";
import { readProject, readStackConfig } from "../../../tools/plan/stack-config";
import { FIXTURE_STACKS_DIR } from "../../support/fixture-stacks";

/** The table as plain YAML, read independently of the estimator. */
interface RawTable {
    spotFractionOfOnDemand: number;
    regions: Record<string, RawRegion>;
}
interface RawRegion {
    eks: { clusterHour: number };
    natGatewayHour: number;
    kmsKeyMonth: number;
    cloudwatchLogs: { ingestGiB: number };
    amp: { per10MSamples: number; storeGiBMonth: number };
    opensearch: { gp3GiBMonth: number; instanceHour: Record<string, number> };
    ec2: Record<string, [number, number, number]>;
}
const table = parse(readFileSync(PRICE_TABLE_FILE, "utf8")) as RawTable;
const oregon = table.regions["us-west-2"];
const H = 730;
const ec2 = (type: string): number => oregon.ec2[type][2];
const search = (type: string): number => oregon.opensearch.instanceHour[type];
/** AMP at the table's assumption: 50 samples/s for 730 h, 150 days kept at 2 bytes a sample. */
const AMP =
    ((50 * 3600 * H) / 1e7) * oregon.amp.per10MSamples + ((50 * 2 * 86400 * 150) / 2 ** 30) * oregon.amp.storeGiBMonth;

const project = readProject(PROJECT_DIR);

function estimate(stack: string, changes: Record<string, unknown> = {}): CostEstimate {
    const raw = readStackConfig(FIXTURE_STACKS_DIR, project, stack);
    for (const [key, value] of Object.entries(changes)) {
        raw.set(
            key.includes(":") ? key : `spark-platform:${key}`,
            typeof value === "string" ? value : JSON.stringify(value),
        );
    }
    return estimateCost(parseSettings(raw, "spark-platform", stack), readPriceTable());
}

function covered(e: CostEstimate) {
    assert.ok(e.covered, e.covered ? "" : e.reason);
    return e;
}

const near = (actual: number, expected: number, what: string) =>
    assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

describe("the offline cost estimate", () => {
    it("holds the date its prices were read, its regions and what it could confirm", () => {
        const read = readPriceTable();
        assert.match(read.read, /^\d{4}-\d{2}-\d{2}$/);
        assert.deepEqual(Object.keys(read.regions).sort(), ["us-east-1", "us-west-2"]);
        assert.ok(read.confirmed.length > 0);
        for (const confirmed of read.confirmed) {
            const value = confirmed
                .split(".")
                .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], oregon);
            assert.equal(typeof value, "number", `confirmed ${confirmed} names no price of the table`);
        }
    });

    it("estimates dev's idle month: control plane, 2 system nodes, 1 NAT gateway, a 1-node domain, AMP, KMS, logs", () => {
        const e = covered(estimate("dev"));
        const expected =
            H * oregon.eks.clusterHour +
            2 * ec2("m7i.large") * H +
            1 * oregon.natGatewayHour * H +
            1 * search("t3.medium.search") * H +
            1 * 20 * oregon.opensearch.gp3GiBMonth +
            AMP +
            oregon.kmsKeyMonth +
            2 * oregon.cloudwatchLogs.ingestGiB;
        near(e.idleMonthly, expected, "dev idle monthly");
        assert.equal(e.idleMonthly.toFixed(2), "322.61");
    });

    it("estimates prod's idle month: 3 system nodes, 3 NAT gateways, 3 data + 3 master nodes, flow logs", () => {
        const e = covered(estimate("prod"));
        const expected =
            H * oregon.eks.clusterHour +
            3 * ec2("m7i.xlarge") * H +
            3 * oregon.natGatewayHour * H +
            3 * search("r7g.large.search") * H +
            3 * search("m7g.large.search") * H +
            3 * 200 * oregon.opensearch.gp3GiBMonth +
            AMP +
            oregon.kmsKeyMonth +
            (2 + 5) * oregon.cloudwatchLogs.ingestGiB;
        near(e.idleMonthly, expected, "prod idle monthly");
        assert.equal(e.idleMonthly.toFixed(2), "1367.28");
    });

    it("prices each pool per vCPU-hour and GiB-hour by its cheapest instance type, Spot as the table's fraction", () => {
        const dev = covered(estimate("dev"));
        const [driver, executor] = dev.pools;
        assert.equal(driver.cheapestPerVcpu.instanceType, "m6i.xlarge");
        near(driver.cheapestPerVcpu.perVcpuHour, ec2("m6i.xlarge") / 4, "dev driver per vCPU-hour");
        near(driver.cheapestPerGiB.perGiBHour, ec2("m6i.xlarge") / 16, "dev driver per GiB-hour");
        assert.equal(driver.spot, undefined);
        assert.equal(executor.cheapestPerVcpu.instanceType, "r5d.2xlarge");
        near(executor.cheapestPerVcpu.perVcpuHour, ec2("r5d.2xlarge") / 8, "dev executor per vCPU-hour");
        near(executor.spot?.perVcpuHour ?? 0, (ec2("r5d.2xlarge") / 8) * table.spotFractionOfOnDemand, "Spot");
        near(executor.spot?.perGiBHour ?? 0, (ec2("r5d.2xlarge") / 64) * table.spotFractionOfOnDemand, "Spot GiB");
        // prod runs Cluster Autoscaler: its node groups launch the first size only (xlarge, 4xlarge).
        const prod = covered(estimate("prod"));
        assert.deepEqual(prod.pools[0].instanceTypes, ["m7i.xlarge", "m6i.xlarge", "m7a.xlarge", "m6a.xlarge"]);
        near(prod.pools[0].cheapestPerVcpu.perVcpuHour, ec2("m6a.xlarge") / 4, "prod driver per vCPU-hour");
        near(prod.pools[1].cheapestPerVcpu.perVcpuHour, ec2("r5d.4xlarge") / 16, "prod executor per vCPU-hour");
    });

    it("says a stack outside the table is outside it, instead of guessing", () => {
        assert.deepEqual(
            estimate("dev", {
                "aws:region": "eu-west-1",
                availabilityZones: ["eu-west-1a", "eu-west-1b"],
                sparkZones: ["eu-west-1a"],
            }),
            {
                covered: false,
                reason: "eu-west-1 is outside the price table (it covers us-west-2, us-east-1)",
            },
        );
        assert.deepEqual(estimate("dev", { systemNodeInstanceTypes: ["m5.large"] }), {
            covered: false,
            reason: "m5.large is not in the price table for us-west-2",
        });
        assert.deepEqual(estimate("dev", { sparkExecutorInstanceFamilies: ["r6i"] }), {
            covered: false,
            reason: "r6i.2xlarge (executor pool) is not in the price table for us-west-2",
        });
        assert.equal(
            formatCostEstimate(estimate("dev", { systemNodeInstanceTypes: ["m5.large"] })),
            "Estimated cost: none: m5.large is not in the price table for us-west-2.\n",
        );
    });

    it("shows the difference a change makes, row by row, for the pull-request verdict", () => {
        const base = estimate("dev");
        const head = estimate("dev", { natGatewayCount: 2 });
        const markdown = costDiffMarkdown("dev", base, head);
        const nat = oregon.natGatewayHour * H;
        assert.ok(
            markdown.includes(
                `| NAT gateways (before data processed) | $${nat.toFixed(2)} | $${(2 * nat).toFixed(2)} | +$${nat.toFixed(2)} |`,
            ),
            markdown,
        );
        assert.ok(
            markdown.includes(
                `| **idle, per month** | $322.61 | $${(322.61 + nat).toFixed(2)} | +$${nat.toFixed(2)} |`,
            ),
            markdown,
        );
        assert.ok(markdown.includes("| EKS control plane | $73.00 | $73.00 | ±$0.00 |"), markdown);
        assert.ok(
            markdown.includes("| driver pool, per vCPU-hour (on-demand) | $0.0480 | $0.0480 | ±$0.0000 |"),
            markdown,
        );
        // A stack the base branch does not have: everything is new.
        const added = costDiffMarkdown("dev", undefined, head);
        assert.ok(added.includes(`| **idle, per month** | — | $${(322.61 + nat).toFixed(2)} | new |`), added);
        assert.match(added, /The base branch has no such stack/);
    });

    it("npm run cost --base reads only the other checkout's stack file and Pulumi.yaml, and prints the Markdown diff", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "cost-base-"));
        try {
            copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const dev = readFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.dev.yaml"), "utf8");
            writeFileSync(
                path.join(dir, "Pulumi.dev.yaml"),
                dev.replace("systemNodeMinSize: 2", "systemNodeMinSize: 3"),
            );
            let out = "";
            const code = await invokeCommand(
                "cost",
                COST_USAGE,
                costCommand,
                ["--stack", "dev", "--stack-dir", FIXTURE_STACKS_DIR, "--base", dir],
                { stdout: (t) => (out += t), stderr: () => undefined },
            );
            assert.equal(code, 0);
            const node = ec2("m7i.large") * H;
            assert.ok(
                out.includes(
                    `| system nodes (at systemNodeMinSize) | $${(3 * node).toFixed(2)} | $${(2 * node).toFixed(2)} | −$${node.toFixed(2)} |`,
                ),
                out,
            );
            assert.match(out, /^#### Estimated cost of `dev`\n/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

import * as assert from "node:assert/strict";
import { POOL_LABELS, ZONE_LABEL, buildPoolContract, findPool, summarizePools } from "../../../components/vocabulary";

describe("Spark pool contract", () => {
    const contract = buildPoolContract(["us-west-2a", "us-west-2b"]);

    it("has one on-demand driver pool and one spot executor pool per Spark zone", () => {
        assert.deepEqual(
            contract.pools.map((p) => [p.name, p.zone, p.role, p.capacityType]),
            [
                ["spark-driver-us-west-2a", "us-west-2a", "driver", "on-demand"],
                ["spark-executor-us-west-2a", "us-west-2a", "executor", "spot"],
                ["spark-driver-us-west-2b", "us-west-2b", "driver", "on-demand"],
                ["spark-executor-us-west-2b", "us-west-2b", "executor", "spot"],
            ],
        );
    });

    it("makes pod templates select exactly one zone and the role", () => {
        for (const p of contract.pools) {
            assert.deepEqual(p.nodeSelector, { [ZONE_LABEL]: p.zone, [POOL_LABELS.role]: p.role });
        }
    });

    it("labels nodes with the role and pool, and taints them so only that role's pods land there", () => {
        const p = findPool(contract, "us-west-2b", "executor");
        assert.deepEqual(p.nodeLabels, {
            "spark-platform/role": "executor",
            "spark-platform/pool": "spark-executor-us-west-2b",
        });
        assert.deepEqual(p.taints, [{ key: "spark-platform/role", value: "executor", effect: "NoSchedule" }]);
    });

    it("gives pod templates exactly the tolerations that match the pool's taints", () => {
        for (const p of contract.pools) {
            assert.deepEqual(
                p.tolerations,
                p.taints.map((t) => ({ key: t.key, operator: "Equal", value: t.value, effect: t.effect })),
            );
        }
    });

    it("protects running drivers from both autoscalers' voluntary disruption", () => {
        assert.deepEqual(findPool(contract, "us-west-2a", "driver").podAnnotations, {
            "karpenter.sh/do-not-disrupt": "true",
            "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
        });
        assert.deepEqual(findPool(contract, "us-west-2a", "executor").podAnnotations, {});
    });

    it("refuses a pool outside the Spark zones, naming the zones that exist", () => {
        assert.throws(
            () => findPool(contract, "us-west-2c", "driver"),
            /no Spark driver pool in us-west-2c; Spark zones are us-west-2a, us-west-2b/,
        );
    });

    it("refuses an empty or repeated zone list", () => {
        assert.throws(() => buildPoolContract([]), /at least one Spark zone/);
        assert.throws(() => buildPoolContract(["us-west-2a", "us-west-2a"]), /distinct/);
    });

    it("summarizes as plain data keyed by pool name, for the stack output", () => {
        const summary = summarizePools(buildPoolContract(["eu-west-1a"]));
        assert.deepEqual(Object.keys(summary), ["spark-driver-eu-west-1a", "spark-executor-eu-west-1a"]);
        assert.equal(summary["spark-driver-eu-west-1a"].zone, "eu-west-1a");
        assert.equal(JSON.parse(JSON.stringify(summary))["spark-executor-eu-west-1a"].capacityType, "spot");
    });

    it("runs amd64 everywhere unless told otherwise, with no architecture affinity for pods", () => {
        for (const p of contract.pools) {
            assert.deepEqual(p.architectures, ["amd64"]);
            assert.equal(p.nodeAffinity, undefined);
        }
    });

    it("gives each role its architectures, and pods of a two-architecture pool a preference for the first", () => {
        const c = buildPoolContract(["us-west-2a"], { driver: ["arm64"], executor: ["arm64", "amd64"] });
        const driver = findPool(c, "us-west-2a", "driver");
        const executor = findPool(c, "us-west-2a", "executor");
        assert.deepEqual(driver.architectures, ["arm64"]);
        assert.equal(driver.nodeAffinity, undefined, "one architecture: the pool's nodes have no other");
        assert.deepEqual(executor.architectures, ["arm64", "amd64"]);
        assert.deepEqual(executor.nodeAffinity, {
            preferredDuringSchedulingIgnoredDuringExecution: [
                {
                    weight: 100,
                    preference: {
                        matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }],
                    },
                },
            ],
        });
        assert.deepEqual(executor.nodeSelector, { [ZONE_LABEL]: "us-west-2a", [POOL_LABELS.role]: "executor" });
    });

    it("refuses an empty or repeated architecture list", () => {
        assert.throws(() => buildPoolContract(["us-west-2a"], { driver: [] }), /distinct architectures/);
        assert.throws(() => buildPoolContract(["us-west-2a"], { executor: ["arm64", "arm64"] }), /distinct/);
    });
});

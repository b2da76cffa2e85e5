import * as assert from "node:assert/strict";
import { parseSettings } from "../../../stack-config";
import { configProblems } from "../../support/config-problems";
import { PROJECT_DEFAULT, fixtureStackConfigWith } from "../../support/fixture-stacks";

const config = fixtureStackConfigWith;
const problems = (changes: Record<string, unknown>) => configProblems(fixtureStackConfigWith("dev", changes));

describe("capacity settings", () => {
    it("reads the system node group and the Spark instance shapes of each shipped stack", () => {
        const prod = parseSettings(config("prod", {}), "spark-platform", "prod").capacity;
        assert.deepEqual(prod.systemInstanceTypes, ["m7i.xlarge", "m6i.xlarge"]);
        assert.deepEqual([prod.systemMinSize, prod.systemMaxSize], [3, 6]);
        assert.deepEqual(prod.executor, { families: ["r6id", "r6idn", "r5d", "r5dn"], sizes: ["4xlarge", "8xlarge"] });
        assert.deepEqual(prod.driver.sizes, ["xlarge", "2xlarge"]);
        assert.equal(prod.karpenterAmiVersion, "v20260903");
        const dev = parseSettings(config("dev", {}), "spark-platform", "dev").capacity;
        assert.deepEqual(dev.systemInstanceTypes, ["m7i.large", "m6i.large"]);
    });

    it("accepts Graviton families and types once their pool runs arm64, and both with a family of each", () => {
        const c = parseSettings(
            config("dev", {
                systemNodeArchitectures: ["arm64"],
                systemNodeInstanceTypes: ["m7g.large", "m6g.large"],
                sparkDriverArchitectures: ["arm64"],
                sparkDriverInstanceFamilies: ["m7g", "m8g"],
                sparkExecutorArchitectures: ["arm64", "amd64"],
                sparkExecutorInstanceFamilies: ["r8gd", "r7gd", "r6id"],
                sparkExecutorInstanceSizes: ["4xlarge"],
            }),
            "spark-platform",
            "dev",
        ).capacity;
        assert.equal(c.systemArchitecture, "arm64");
        assert.deepEqual(c.architectures, { driver: ["arm64"], executor: ["arm64", "amd64"] });
        assert.deepEqual(c.executor.families, ["r8gd", "r7gd", "r6id"]);
    });

    it("falls back to the Pulumi.yaml defaults when a stack leaves the keys out", () => {
        const keys = [
            "systemNodeInstanceTypes",
            "systemNodeMinSize",
            "systemNodeMaxSize",
            "sparkDriverInstanceFamilies",
            "sparkDriverInstanceSizes",
            "sparkExecutorInstanceFamilies",
            "sparkExecutorInstanceSizes",
            "karpenterAmiVersion",
            "systemNodeArchitectures",
            "sparkDriverArchitectures",
            "sparkExecutorArchitectures",
        ];
        const c = parseSettings(
            config("dev", Object.fromEntries(keys.map((k) => [k, PROJECT_DEFAULT]))),
            "spark-platform",
            "dev",
        ).capacity;
        assert.deepEqual(c.systemInstanceTypes, ["m7i.xlarge", "m6i.xlarge"]);
        assert.deepEqual([c.systemMinSize, c.systemMaxSize], [2, 4]);
        assert.deepEqual(c.driver, { families: ["m7i", "m6i", "m7a", "m6a"], sizes: ["xlarge", "2xlarge"] });
        assert.deepEqual(c.executor, { families: ["r6id", "r6idn", "r5d", "r5dn"], sizes: ["4xlarge", "8xlarge"] });
        // amd64 everywhere, as before architectures were a setting.
        assert.equal(c.systemArchitecture, "amd64");
        assert.deepEqual(c.architectures, { driver: ["amd64"], executor: ["amd64"] });
    });

    const cases: [string, Record<string, unknown>, string][] = [
        [
            "a system instance type that is not one",
            { systemNodeInstanceTypes: ["m7i"] },
            'spark-platform:systemNodeInstanceTypes: "m7i" is not an EC2 instance type; use one such as m7i.xlarge',
        ],
        [
            "a Graviton system instance type on amd64 system nodes",
            { systemNodeInstanceTypes: ["m7g.large"] },
            'spark-platform:systemNodeInstanceTypes: "m7g.large" is an arm64 family but systemNodeArchitectures is [amd64]; use amd64 families (such as m7i) or set systemNodeArchitectures to [arm64] or [arm64, amd64]',
        ],
        [
            "an x86 system instance type on arm64 system nodes",
            { systemNodeArchitectures: ["arm64"], systemNodeInstanceTypes: ["m7g.large", "m7i.large"] },
            'spark-platform:systemNodeInstanceTypes: "m7i.large" is an amd64 family but systemNodeArchitectures is [arm64]; use arm64 families (such as m7g) or set systemNodeArchitectures to [amd64] or [arm64, amd64]',
        ],
        [
            "two architectures for the one system node group",
            { systemNodeArchitectures: ["arm64", "amd64"] },
            'spark-platform:systemNodeArchitectures: ["arm64","amd64"] is not allowed: the system nodes are one EKS managed node group, which runs one AMI type; use [amd64] or [arm64]',
        ],
        [
            "an architecture list in the wrong order",
            { sparkExecutorArchitectures: ["amd64", "arm64"] },
            'spark-platform:sparkExecutorArchitectures: ["amd64","arm64"] is not allowed; use one of [amd64], [arm64], [arm64, amd64] (with both, arm64 first and amd64 its fallback)',
        ],
        [
            "an architecture Kubernetes does not spell so",
            { sparkDriverArchitectures: ["x86_64"] },
            'spark-platform:sparkDriverArchitectures: ["x86_64"] is not allowed; use one of [amd64], [arm64], [arm64, amd64] (with both, arm64 first and amd64 its fallback)',
        ],
        [
            "an architecture given as a string, not a list",
            { sparkDriverArchitectures: "arm64" },
            'spark-platform:sparkDriverArchitectures: "arm64" is not structured config; use one of [amd64], [arm64], [arm64, amd64] (with both, arm64 first and amd64 its fallback)',
        ],
        [
            "an x86 family in an arm64 driver pool",
            { sparkDriverArchitectures: ["arm64"], sparkDriverInstanceFamilies: ["m7g", "m7i"] },
            'spark-platform:sparkDriverInstanceFamilies: "m7i" is an amd64 family but sparkDriverArchitectures is [arm64]; use arm64 families (such as m7g) or set sparkDriverArchitectures to [amd64] or [arm64, amd64]',
        ],
        [
            "a fallback architecture without a family of its own",
            {
                sparkExecutorArchitectures: ["arm64", "amd64"],
                sparkExecutorInstanceFamilies: ["r7gd", "r6gd"],
            },
            'spark-platform:sparkExecutorInstanceFamilies: ["r7gd","r6gd"] has no amd64 family, so sparkExecutorArchitectures [arm64, amd64] cannot launch amd64 nodes; add one such as m7i, or drop amd64 from sparkExecutorArchitectures',
        ],
        [
            "a Graviton size that does not exist",
            {
                sparkExecutorArchitectures: ["arm64"],
                sparkExecutorInstanceFamilies: ["r7gd"],
                sparkExecutorInstanceSizes: ["24xlarge"],
            },
            'spark-platform:sparkExecutorInstanceSizes: "24xlarge" is not a size of r7gd (r7gd.24xlarge does not exist); r7gd comes in large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge: drop the size or the family',
        ],
        [
            "a single system node",
            { systemNodeMinSize: 1 },
            'spark-platform:systemNodeMinSize: "1" is not allowed; use a whole number from 2 to 50',
        ],
        [
            "a maximum below the minimum",
            { systemNodeMinSize: 4, systemNodeMaxSize: 3 },
            'spark-platform:systemNodeMaxSize: "3" is below systemNodeMinSize (4); use a value of at least 4',
        ],
        [
            "a Graviton executor family in an amd64 pool",
            { sparkExecutorInstanceFamilies: ["r6id", "r7gd"] },
            'spark-platform:sparkExecutorInstanceFamilies: "r7gd" is an arm64 family but sparkExecutorArchitectures is [amd64]; use amd64 families (such as m7i) or set sparkExecutorArchitectures to [arm64] or [arm64, amd64]',
        ],
        [
            "an instance type where a family belongs",
            { sparkDriverInstanceFamilies: ["m7i.xlarge"] },
            'spark-platform:sparkDriverInstanceFamilies: "m7i.xlarge" is not an EC2 instance family; use one such as r6id or m7i',
        ],
        [
            "more than ten families",
            {
                sparkExecutorInstanceFamilies: [
                    "r5d",
                    "r5dn",
                    "r5ad",
                    "r6id",
                    "r6idn",
                    "m5d",
                    "m5dn",
                    "m6id",
                    "m6idn",
                    "c5d",
                    "c6id",
                ],
            },
            'spark-platform:sparkExecutorInstanceFamilies: ["r5d","r5dn","r5ad","r6id","r6idn","m5d","m5dn","m6id","m6idn","c5d","c6id"] lists 11 families; use at most 10',
        ],
        [
            "a size without a known vCPU count",
            { sparkExecutorInstanceSizes: ["metal"] },
            'spark-platform:sparkExecutorInstanceSizes: "metal" is not an instance size this program can size pools with; use one of: large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge, 24xlarge, 32xlarge, 48xlarge',
        ],
        [
            "an unpinned AMI",
            { karpenterAmiVersion: "latest" },
            'spark-platform:karpenterAmiVersion: "latest" is not an EKS AMI release; use one such as v20260903 (never latest, so previews do not drift)',
        ],
        [
            "an empty family list",
            { sparkDriverInstanceFamilies: [] },
            "spark-platform:sparkDriverInstanceFamilies: [] is empty; list instance families of sparkDriverArchitectures such as r6id",
        ],
    ];
    for (const [what, changes, line] of cases) {
        it(`rejects ${what} with one line naming the key, the value and what is allowed`, () => {
            assert.deepEqual(problems(changes), [line]);
        });
    }
});

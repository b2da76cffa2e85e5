/**
 * Typos in a stack's configuration: an unknown key of the project's namespace, a misspelt namespace, an unknown
 * attribute of the stack file, an instance type that does not exist. Each is one line naming the key and the closest
 * known one, and the program registers nothing.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { InvalidConfigError, parseSettings } from "../../stack-config";
import { SETTING_KEYS } from "../../stack-config/setting-keys";
import type { CapturedResource } from "../../tools/plan/capture";
import { PROJECT_DIR } from "../../tools/plan/plan";
import { StackConfigError, readProject, readStackConfig } from "../../tools/plan/stack-config";
import { runInProcess } from "../support/commands";
import { configProblems } from "../support/config-problems";
import { FIXTURE_STACKS_DIR, fixtureStackConfigWith, planFixture } from "../support/fixture-stacks";

const project = readProject(PROJECT_DIR);

const devWith = (changes: Record<string, unknown>) => fixtureStackConfigWith("dev", changes);
const problems = (changes: Record<string, unknown>) => configProblems(devWith(changes));

describe("typos in a stack's configuration", () => {
    describe("keys of the project's namespace", () => {
        it("knows exactly the keys Pulumi.yaml declares, and the two object-valued keys it documents", () => {
            const declared = Object.keys(
                (parse(readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { config: object }).config,
            );
            assert.deepEqual(
                [...SETTING_KEYS].sort(),
                [...declared, "teams", "tags"].sort(),
                "stack-config/setting-keys.ts must list every key Pulumi.yaml declares (and teams, tags), and no other",
            );
        });

        const cases: [string, Record<string, unknown>, string][] = [
            [
                "a key no setting resembles",
                { enableMagic: true },
                "spark-platform:enableMagic: is not a setting of spark-platform; no setting is named like it (the settings are listed in Pulumi.yaml)",
            ],
            [
                "a setting missing its last letter",
                { vpcFlowLog: true },
                "spark-platform:vpcFlowLog: is not a setting of spark-platform; did you mean vpcFlowLogs? (the settings are listed in Pulumi.yaml)",
            ],
            [
                "a setting with the wrong case",
                { NatGatewayCount: 2 },
                "spark-platform:NatGatewayCount: is not a setting of spark-platform; did you mean natGatewayCount? (the settings are listed in Pulumi.yaml)",
            ],
            [
                "a misspelt project namespace",
                { "spark-platfrom:vpcFlowLogs": true },
                'spark-platfrom:vpcFlowLogs: is in namespace "spark-platfrom", which nothing reads; did you mean spark-platform:vpcFlowLogs?',
            ],
        ];
        for (const [label, changes, expected] of cases) {
            it(`refuses ${label} with one line`, () => {
                assert.deepEqual(problems(changes), [expected]);
            });
        }

        it("reports the typo before what it leaves unset, and never prints the value (it may be a secret)", () => {
            const lines = problems({ sparkZones: undefined, sparkZone: ["us-west-2a"] });
            assert.match(
                lines[0],
                /^spark-platform:sparkZone: is not a setting of spark-platform; did you mean sparkZones\?/,
            );
            assert.match(lines[1], /^spark-platform:sparkZones: is not set/);
            assert.ok(!lines.join("\n").includes("us-west-2a"));
        });

        it("leaves the keys of other packages alone (aws:, kubernetes:, pulumi:, tls:)", () => {
            const settings = parseSettings(
                devWith({
                    "aws:profile": "platform",
                    "aws:skipMetadataApiCheck": "false",
                    "kubernetes:context": "spark-dev",
                    "pulumi:tags": { team: "platform" },
                    "pulumi:disable-default-providers": ["kubernetes"],
                    "tls:proxy": "{}",
                }),
                "spark-platform",
                "dev",
            );
            assert.equal(settings.aws.region, "us-west-2");
        });

        it("stops the program before anything is registered", async () => {
            const registrations: CapturedResource[] = [];
            await assert.rejects(
                planFixture({ stack: "dev", configOverrides: { enableMagic: true }, registrations }),
                (e: unknown) => {
                    assert.ok(e instanceof InvalidConfigError, String(e));
                    assert.deepEqual(e.problems, [
                        "spark-platform:enableMagic: is not a setting of spark-platform; no setting is named like it (the settings are listed in Pulumi.yaml)",
                    ]);
                    return true;
                },
            );
            assert.deepEqual(
                registrations.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.urn),
                [],
            );
        });

        it("names the closest field of a team too", () => {
            const team = { name: "a", namespace: "ns-a", quota: { cpu: "1", memory: "1Gi" } };
            assert.deepEqual(problems({ teams: [{ ...team, namepsace: "ns-b" }] }), [
                'spark-platform:teams[0].namepsace: "ns-b" is not a team setting; did you mean namespace? (use name, namespace, quota, glueDatabases, glueOwnedDatabases, sparkConf, submitters, requireJobTemplate, jobTemplates)',
            ]);
        });
    });

    describe("attributes of the stack file (seen only by the tools that read it)", () => {
        let dir: string;
        before(() => (dir = mkdtempSync(path.join(tmpdir(), "typos-"))));
        after(() => rmSync(dir, { recursive: true, force: true }));

        function stackFile(stack: string, text: string): void {
            writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
        }

        it("refuses confg: naming config, before reading anything", () => {
            const dev = readFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.dev.yaml"), "utf8");
            stackFile("typo", dev.replace(/^config:/m, "confg:"));
            assert.throws(
                () => readStackConfig(dir, project, "typo"),
                (e: unknown) =>
                    e instanceof StackConfigError &&
                    e.message ===
                        'Pulumi.typo.yaml: "confg" is not a stack file attribute; did you mean "config"? (a stack file holds config, environment, secretsprovider, encryptedkey, encryptionsalt)',
            );
        });

        it("accepts every attribute Pulumi writes to a stack file", () => {
            stackFile(
                "attributes",
                [
                    "secretsprovider: awskms://alias/pulumi",
                    "encryptedkey: AQICAHh=",
                    "encryptionsalt: v1:abc=",
                    "environment:\n  - spark/dev",
                    "config:\n  aws:region: us-west-2",
                ].join("\n"),
            );
            assert.equal(readStackConfig(dir, project, "attributes").get("aws:region"), "us-west-2");
        });

        it("makes npm run plan exit 1 with the one line and nothing on stdout", async () => {
            const dev = readFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.dev.yaml"), "utf8");
            stackFile("planned", dev.replace(/^config:/m, "confg:"));
            const result = await runInProcess("plan", ["--stack", "planned", "--stack-dir", dir]);
            assert.equal(result.status, 1);
            assert.equal(result.stdout, "");
            assert.equal(
                result.stderr,
                'error: Pulumi.planned.yaml: "confg" is not a stack file attribute; did you mean "config"? (a stack file holds config, environment, secretsprovider, encryptedkey, encryptionsalt)\n',
            );
        });
    });

    describe("instance types", () => {
        const cases: [string, Record<string, unknown>, string][] = [
            [
                "a size no family has",
                { systemNodeInstanceTypes: ["m5.superlarge"] },
                'spark-platform:systemNodeInstanceTypes: "m5.superlarge" is not an EC2 instance type: m5 has no size superlarge; it comes in large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge, 24xlarge',
            ],
            [
                "a family that does not exist",
                { systemNodeInstanceTypes: ["zz9.large"] },
                'spark-platform:systemNodeInstanceTypes: "zz9.large" is not an EC2 instance type: zz9 is not an instance family this program knows; did you mean z1d?',
            ],
            [
                "a family nothing resembles",
                { sparkDriverInstanceFamilies: ["quantum42"] },
                'spark-platform:sparkDriverInstanceFamilies: "quantum42" is not an EC2 instance family: quantum42 is not an instance family this program knows; the known ones are listed in components/vocabulary/instance-shapes.ts',
            ],
            [
                "a misspelt Spark family",
                { sparkExecutorInstanceFamilies: ["r6idd"] },
                'spark-platform:sparkExecutorInstanceFamilies: "r6idd" is not an EC2 instance family: r6idd is not an instance family this program knows; did you mean r6id?',
            ],
            [
                "a size one of the pool's families lacks",
                { sparkExecutorInstanceSizes: ["4xlarge", "32xlarge"] },
                'spark-platform:sparkExecutorInstanceSizes: "32xlarge" is not a size of r5d (r5d.32xlarge does not exist); r5d comes in large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge, 24xlarge: drop the size or the family',
            ],
        ];
        for (const [label, changes, expected] of cases) {
            it(`refuses ${label} with one line`, () => {
                assert.deepEqual(problems(changes), [expected]);
            });
        }
    });
});

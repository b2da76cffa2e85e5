import * as assert from "node:assert/strict";
import {
    PlatformKey,
    logGroupNameProblems,
    platformKeyPolicy,
    platformKeyProblems,
} from "../../../components/encryption";
import { planProgram } from "../../../tools/plan/plan";
import { STACKS, allPlans } from "../../support/plan-fixtures";
import { jsonInput, ofType, one } from "../../support/plan-queries";

const OWN_GROUPS = ["/aws/eks/spark-dev/*", "/aws/opensearch/spark-dev-logs/*"];

/** IAM's ArnLike: `*` any run of characters, `?` one character, everything else literal. */
function arnLike(pattern: string, value: string): boolean {
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${regex}$`).test(value);
}

describe("PlatformKey", () => {
    it("must let only the account administer the key and CloudWatch Logs use it for the stack's own log groups", () => {
        assert.deepEqual(
            platformKeyPolicy({
                partition: "aws-cn",
                region: "cn-north-1",
                accountId: "111122223333",
                logGroupNames: OWN_GROUPS,
            }).Statement,
            [
                {
                    Sid: "AccountAdministersKey",
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws-cn:iam::111122223333:root" },
                    Action: "kms:*",
                    Resource: "*",
                },
                {
                    Sid: "CloudWatchLogsOfThisStack",
                    Effect: "Allow",
                    Principal: { Service: "logs.cn-north-1.amazonaws.com.cn" },
                    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    Resource: "*",
                    Condition: {
                        ArnLike: {
                            "kms:EncryptionContext:aws:logs:arn": [
                                "arn:aws-cn:logs:cn-north-1:111122223333:log-group:/aws/eks/spark-dev/*",
                                "arn:aws-cn:logs:cn-north-1:111122223333:log-group:/aws/opensearch/spark-dev-logs/*",
                            ],
                        },
                    },
                },
            ],
        );
    });

    it("must refuse log group names that cover the whole account or other stacks", () => {
        assert.deepEqual(logGroupNameProblems(OWN_GROUPS), []);
        assert.deepEqual(logGroupNameProblems([]), [
            "logGroupNames is empty; name the stack's log groups the key encrypts",
        ]);
        for (const name of ["*", "/*", "/aws/*", "?*"]) {
            assert.match(logGroupNameProblems([name]).join(), /covers other stacks' log groups/, name);
        }
        assert.throws(
            () =>
                platformKeyPolicy({
                    partition: "aws",
                    region: "eu-west-1",
                    accountId: "111122223333",
                    logGroupNames: ["*"],
                }),
            /log group name "\*" covers other stacks' log groups/,
        );
    });

    it("must create one rotating key with that policy and an alias per stack", async () => {
        const plan = await planProgram(
            () => {
                const key = new PlatformKey("platform-key", {
                    namePrefix: "spark-dev",
                    partition: "aws",
                    region: "eu-west-1",
                    accountId: "111122223333",
                    logGroupNames: OWN_GROUPS,
                });
                return { arn: key.arn, alias: key.aliasName };
            },
            { account: { accountId: "111122223333", region: "eu-west-1" } },
        );
        const keys = ofType(plan, "aws:kms/key:Key");
        assert.equal(keys.length, 1);
        assert.equal(keys[0].inputs.enableKeyRotation, true);
        assert.equal(keys[0].inputs.deletionWindowInDays, 30);
        assert.deepEqual(
            JSON.parse(String(keys[0].inputs.policy)),
            platformKeyPolicy({
                partition: "aws",
                region: "eu-west-1",
                accountId: "111122223333",
                logGroupNames: OWN_GROUPS,
            }),
        );
        assert.equal(plan.outputs.alias, "alias/spark-dev-platform");
        assert.match(String(plan.outputs.arn), /^arn:aws:kms:eu-west-1:111122223333:key\//);
    });

    it("must refuse a deletion window KMS does not accept", () => {
        const args = {
            namePrefix: "x",
            partition: "aws" as const,
            region: "us-east-1",
            accountId: "111122223333",
            logGroupNames: OWN_GROUPS,
        };
        assert.deepEqual(platformKeyProblems(args), []);
        assert.deepEqual(platformKeyProblems({ ...args, deletionWindowInDays: 3 }), [
            "deletionWindowInDays is 3; KMS accepts a whole number of days from 7 to 30",
        ]);
    });

    describe(`in the whole program (${STACKS.join(", ")}, both autoscalers)`, function () {
        this.timeout(300_000);

        it("must cover every log group the stack encrypts with its key, and nothing broader", async () => {
            for (const { stack, mode, plan } of await allPlans()) {
                const key = one(plan, "aws:kms/key:Key", "platform-key-key");
                const logs = jsonInput<{
                    Statement: { Sid: string; Condition: { ArnLike: Record<string, string[]> } }[];
                }>(key, "policy").Statement.find((s) => s.Sid === "CloudWatchLogsOfThisStack");
                assert.ok(logs, `${stack}/${mode}: the key policy has a CloudWatch Logs statement`);
                const patterns = logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"];
                assert.ok(
                    patterns.every((p) => !p.endsWith("log-group:*")),
                    "never every log group of the account",
                );
                const groups = ofType(plan, "aws:cloudwatch/logGroup:LogGroup");
                assert.ok(groups.length >= 4, `${stack}/${mode}: the stack's log groups were planned`);
                for (const group of groups) {
                    assert.ok(group.inputs.kmsKeyId, `${group.name} is encrypted`);
                    // A name prefix gets a unique suffix from the provider: any suffix must still be covered.
                    const name = String(group.inputs.name ?? `${String(group.inputs.namePrefix)}any-suffix`);
                    const names = patterns.map((p) => p.replace(/^arn:[^:]+:logs:[^:]+:\d{12}:log-group:/, ""));
                    assert.ok(
                        names.some((p) => arnLike(p, name)),
                        `${stack}/${mode}: log group ${name} is not among ${names.join(", ")}`,
                    );
                }
            }
        });
    });
});

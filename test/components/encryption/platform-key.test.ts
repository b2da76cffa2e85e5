import * as assert from "node:assert/strict";
import { PlatformKey, platformKeyPolicy, platformKeyProblems } from "../../../components/encryption";
import { planProgram } from "../../../tools/plan/plan";

describe("PlatformKey", () => {
    it("must let only the account administer the key and CloudWatch Logs use it for this account's log groups", () => {
        assert.deepEqual(
            platformKeyPolicy({ partition: "aws-cn", region: "cn-north-1", accountId: "111122223333" }).Statement,
            [
                {
                    Sid: "AccountAdministersKey",
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws-cn:iam::111122223333:root" },
                    Action: "kms:*",
                    Resource: "*",
                },
                {
                    Sid: "CloudWatchLogsOfThisAccount",
                    Effect: "Allow",
                    Principal: { Service: "logs.cn-north-1.amazonaws.com.cn" },
                    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    Resource: "*",
                    Condition: {
                        ArnLike: {
                            "kms:EncryptionContext:aws:logs:arn": "arn:aws-cn:logs:cn-north-1:111122223333:log-group:*",
                        },
                    },
                },
            ],
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
                });
                return { arn: key.arn, alias: key.aliasName };
            },
            { account: { accountId: "111122223333", region: "eu-west-1" } },
        );
        const keys = plan.resources.filter((r) => r.type === "aws:kms/key:Key");
        assert.equal(keys.length, 1);
        assert.equal(keys[0].inputs.enableKeyRotation, true);
        assert.equal(keys[0].inputs.deletionWindowInDays, 30);
        assert.deepEqual(
            JSON.parse(String(keys[0].inputs.policy)),
            platformKeyPolicy({ partition: "aws", region: "eu-west-1", accountId: "111122223333" }),
        );
        assert.equal(plan.outputs.alias, "alias/spark-dev-platform");
        assert.match(String(plan.outputs.arn), /^arn:aws:kms:eu-west-1:111122223333:key\//);
    });

    it("must refuse a deletion window KMS does not accept", () => {
        const args = { namePrefix: "x", partition: "aws" as const, region: "us-east-1", accountId: "111122223333" };
        assert.deepEqual(platformKeyProblems(args), []);
        assert.deepEqual(platformKeyProblems({ ...args, deletionWindowInDays: 3 }), [
            "deletionWindowInDays is 3; KMS accepts a whole number of days from 7 to 30",
        ]);
    });
});

import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import { planProgram } from "../../tools/plan/plan";

describe("planProgram (component tests under the plan's mocks)", () => {
    it("captures what a small program registers, with ARNs in the requested account and region", async () => {
        const plan = await planProgram(
            () => {
                const queue = new aws.sqs.Queue("probe", {});
                return { queueArn: queue.arn };
            },
            { account: { accountId: "999999999999", region: "eu-west-1" } },
        );
        const queue = plan.resources.find((r) => r.type === "aws:sqs/queue:Queue");
        assert.ok(queue, "the queue is captured");
        assert.match(String(queue.outputs.arn), /^arn:aws:sqs:eu-west-1:999999999999:/);
        assert.equal(plan.stackExport.deployment.resources.length, plan.resources.length);
    });

    it("rejects with the program's own error, once, when the program throws", async () => {
        const failure = new Error("component refused its args");
        await assert.rejects(
            planProgram(() => {
                new aws.sqs.Queue("before-the-failure", {});
                throw failure;
            }),
            (e: unknown) => e === failure,
        );
    });
});

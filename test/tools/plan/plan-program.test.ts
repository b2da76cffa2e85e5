import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { planProgram } from "../../../tools/plan/plan";

/** A component whose only output is the given one. */
class Probe extends pulumi.ComponentResource {
    constructor(name: string, output: pulumi.Output<string>) {
        super("spark:test:Probe", name);
        this.registerOutputs({ output });
    }
}

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

    // A builder that refuses its input inside an apply (a pod template, a policy document) must fail the plan with
    // its message at once; the plan used to wait for a registration that never came until the test timed out.
    const refusals: Record<string, (refused: pulumi.Output<string>) => Record<string, unknown> | void> = {
        "a resource's input": (refused) => {
            new aws.sqs.Queue("fed-by-the-refusal", { name: refused });
        },
        "a component's registered outputs": (refused) => {
            new Probe("probe", refused);
        },
        // The registration never completes, so its id never resolves: the plan used to hang on the component's outputs.
        "a resource's input, whose id a component registers as its output": (refused) => {
            const policy = new aws.sqs.QueuePolicy("fed-by-the-refusal", {
                queueUrl: "https://sqs.example/q",
                policy: refused,
            });
            new Probe("probe", policy.id);
        },
        "a stack output": (refused) => ({ refused }),
    };
    for (const [where, use] of Object.entries(refusals)) {
        it(`rejects at once with the error a builder throws inside an apply feeding ${where}`, async () => {
            const started = Date.now();
            await assert.rejects(
                planProgram(() => {
                    const queue = new aws.sqs.Queue("source", {});
                    return use(
                        queue.arn.apply((): string => {
                            throw new Error("pod template refused: no zone us-west-2z");
                        }),
                    );
                }),
                /pod template refused: no zone us-west-2z/,
            );
            assert.ok(Date.now() - started < 5_000, `the plan took ${Date.now() - started} ms to fail`);
        });
    }
});

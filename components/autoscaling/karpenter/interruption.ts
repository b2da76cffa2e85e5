/**
 * Interruption handling: EC2 and AWS Health events reach Karpenter through an SQS queue, so it drains a node
 * before a spot reclaim, a scheduled maintenance or a capacity-reservation reclaim takes it away.
 * https://karpenter.sh/docs/concepts/disruption/#interruption
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { interruptionQueuePolicy } from "./iam-policy";
import { interruptionQueueName as queueNameOf } from "../../vocabulary/stack-names";

export interface InterruptionEvent {
    /** Suffix of the rule's resource name. */
    readonly id: string;
    readonly source: string;
    readonly detailType: string;
}

/**
 * All five event kinds of Karpenter's reference template (v1.14). The capacity-reservation rule is the one most
 * copies of older templates miss.
 */
export const INTERRUPTION_EVENTS: readonly InterruptionEvent[] = [
    { id: "scheduled-change", source: "aws.health", detailType: "AWS Health Event" },
    { id: "spot-interruption", source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
    { id: "rebalance", source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
    { id: "instance-state-change", source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
    {
        id: "capacity-reservation-interruption",
        source: "aws.ec2",
        detailType: "EC2 Capacity Reservation Instance Interruption Warning",
    },
];

export function eventPattern(event: InterruptionEvent): string {
    return JSON.stringify({ source: [event.source], "detail-type": [event.detailType] });
}

/**
 * Queue name of a cluster. One queue per cluster: Karpenter deletes messages about instances it does not own
 * (aws/karpenter-provider-aws#2834), so two stacks sharing a queue would swallow each other's warnings.
 */
export function interruptionQueueName(clusterName: string): string {
    return queueNameOf(clusterName);
}

/** The queue, its policy, and one EventBridge rule with a queue target per event kind. */
export function createInterruptionQueue(
    name: string,
    clusterName: pulumi.Input<string>,
    parent: pulumi.Resource,
): aws.sqs.Queue {
    const queue = new aws.sqs.Queue(
        `${name}-interruptions`,
        {
            name: pulumi.output(clusterName).apply(interruptionQueueName),
            // Events older than five minutes are stale: the two-minute spot warning has long expired.
            messageRetentionSeconds: 300,
            sqsManagedSseEnabled: true,
        },
        { parent },
    );
    new aws.sqs.QueuePolicy(
        `${name}-interruptions`,
        {
            queueUrl: queue.url,
            policy: queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))),
        },
        { parent },
    );
    for (const event of INTERRUPTION_EVENTS) {
        const rule = new aws.cloudwatch.EventRule(
            `${name}-${event.id}`,
            {
                description: `Karpenter interruption handling: ${event.detailType}`,
                eventPattern: eventPattern(event),
            },
            { parent },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-${event.id}`,
            {
                rule: rule.name,
                arn: queue.arn,
                targetId: "KarpenterInterruptionQueueTarget",
            },
            { parent },
        );
    }
    return queue;
}

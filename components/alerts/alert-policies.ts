/** The alert topic's resource policy and its key's policy, as pure functions so tests can read them without mocks. */
import type { Partition } from "../vocabulary";

/** The services that publish alerts to the topic. */
export const ALERT_PUBLISHERS = {
    /** EventBridge, for the rule on failed EMR job runs. */
    eventBridge: "events.amazonaws.com",
    /** CloudWatch, for the alarms on the log domain. */
    cloudWatch: "cloudwatch.amazonaws.com",
    /** Amazon Managed Service for Prometheus, for the alert manager of the stack's workspace (Spark alerts). */
    prometheus: "aps.amazonaws.com",
} as const;

export interface AlertTopicPolicyInput {
    partition: Partition;
    region: string;
    accountId: string;
    topicArn: string;
    /**
     * Names of the stack's EventBridge rules (default event bus) that publish to the topic; no other rule may. Names,
     * not the rules' ARNs: a rule waits for what it watches (the teams' virtual clusters, so the EKS chain), and the
     * policy, the alarms and the alert manager behind it need not.
     */
    eventRuleNames: readonly string[];
    /** Names of the stack's alarms that publish to the topic; no other alarm may. */
    alarmNames: readonly string[];
    /** ARNs of the AMP workspaces whose alert manager publishes to the topic; no other workspace may. */
    prometheusWorkspaceArns: readonly string[];
}

/**
 * Exactly the stack's EventBridge rules, CloudWatch alarms and AMP workspace may publish, each named by its source
 * ARN (and the stack's account), so no other rule, alarm, workspace or account can post to the platform's alert
 * inboxes. AMP also reads the topic's attributes before it publishes (AMP user guide, "Giving Amazon Managed Service
 * for Prometheus permission to send messages to your Amazon SNS topic"). The account's own IAM
 * principals need no statement: in the topic's account an identity policy alone authorises them.
 */
export function alertTopicPolicy(input: AlertTopicPolicyInput) {
    const { partition, region, accountId, topicArn } = input;
    if (input.eventRuleNames.length === 0) throw new Error("alert topic policy: no EventBridge rule publishes to it");
    const plainRule = input.eventRuleNames.find((n) => !/^[A-Za-z0-9_.-]+$/.test(n));
    if (plainRule !== undefined) throw new Error(`alert topic policy: rule name "${plainRule}" is not a plain name`);
    const plain = input.alarmNames.find((n) => !/^[A-Za-z0-9_.-]+$/.test(n));
    if (plain !== undefined) throw new Error(`alert topic policy: alarm name "${plain}" is not a plain name`);
    if (input.prometheusWorkspaceArns.length === 0) {
        throw new Error("alert topic policy: no AMP workspace publishes to it");
    }
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "StackEventRulesPublish",
                Effect: "Allow",
                Principal: { Service: ALERT_PUBLISHERS.eventBridge },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: {
                    ArnEquals: {
                        "aws:SourceArn": input.eventRuleNames.map(
                            (name) => `arn:${partition}:events:${region}:${accountId}:rule/${name}`,
                        ),
                    },
                },
            },
            {
                Sid: "StackAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: ALERT_PUBLISHERS.cloudWatch },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: {
                    ArnEquals: {
                        "aws:SourceArn": input.alarmNames.map(
                            (name) => `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${name}`,
                        ),
                    },
                    StringEquals: { "aws:SourceAccount": accountId },
                },
            },
            {
                Sid: "StackPrometheusAlertsPublish",
                Effect: "Allow",
                Principal: { Service: ALERT_PUBLISHERS.prometheus },
                Action: ["sns:Publish", "sns:GetTopicAttributes"],
                Resource: topicArn,
                Condition: {
                    ArnEquals: { "aws:SourceArn": [...input.prometheusWorkspaceArns] },
                    StringEquals: { "aws:SourceAccount": accountId },
                },
            },
        ],
    };
}

/**
 * The alert topic's own key: the account administers it, and the publishing services may make and read data keys,
 * which SNS needs from them to store a message encrypted (SNS developer guide, "Enable compatibility between event
 * sources from AWS services and encrypted topics"). Its own key, not the platform key, so that key's policy keeps
 * naming CloudWatch Logs alone; who may publish is decided by the topic policy.
 */
export function alertKeyPolicy(input: { partition: Partition; accountId: string }) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersKey",
                Effect: "Allow",
                Principal: { AWS: `arn:${input.partition}:iam::${input.accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "AlertPublishersEncrypt",
                Effect: "Allow",
                Principal: { Service: Object.values(ALERT_PUBLISHERS) },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                Resource: "*",
            },
        ],
    };
}

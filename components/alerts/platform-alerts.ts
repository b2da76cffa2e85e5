import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Partition, alarmName, alertTopicName, eventRuleName, kmsAliasName } from "../vocabulary";
import { alertKeyPolicy, alertTopicPolicy } from "./alert-policies";
import { EMR_JOB_FAILURE_MESSAGE, emrJobFailurePattern } from "./emr-job-failures";
import { logDomainAlarms, logDomainDimensions } from "./log-domain-alarms";

export interface PlatformAlertsArgs {
    /** `spark-<stack>`: the head of the topic, rule and alarm names. */
    namePrefix: string;
    partition: Partition;
    region: string;
    accountId: pulumi.Input<string>;
    /** Addresses that get every alert by e-mail (each confirms its subscription once). */
    emailSubscriptions: readonly string[];
    /** The teams' EMR virtual clusters; a failed job run in any of them is an alert. */
    emrVirtualClusterIds: pulumi.Input<string>[];
    /**
     * The log domain, by name: the alarms watch its metrics without waiting for the domain itself (an alarm on a
     * metric that does not exist yet is valid), so they never hold up the domain's 15–30 minutes.
     */
    logDomain: { domainName: string; volumeSizeGiB: number };
    /** The AMP workspace whose alert manager sends the Spark alerts to the topic. */
    prometheusWorkspaceArn: pulumi.Input<string>;
}

/**
 * Where the platform tells people something is wrong: one KMS-encrypted SNS topic per stack, fed by an EventBridge
 * rule on the teams' failed EMR job runs, by CloudWatch alarms on the log domain and by the alert manager of the
 * stack's AMP workspace (its rules: components/metrics) (README "Alerts" has a runbook
 * line for each).
 */
export class PlatformAlerts extends pulumi.ComponentResource {
    /** The alert topic: subscribe further endpoints (chat, paging) to it. */
    readonly topicArn: pulumi.Output<string>;
    /** The topic's ARN once its policy lets the stack's publishers in: what a publisher is configured with. */
    readonly publishableTopicArn: pulumi.Output<string>;

    constructor(name: string, args: PlatformAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:alerts:PlatformAlerts", name, {}, opts);
        const child = { parent: this };
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `${args.namePrefix}: encryption at rest of the platform's alerts`,
                enableKeyRotation: true,
                deletionWindowInDays: 7,
                policy: pulumi
                    .output(args.accountId)
                    .apply((accountId) => JSON.stringify(alertKeyPolicy({ partition: args.partition, accountId }))),
            },
            child,
        );
        new aws.kms.Alias(
            `${name}-key-alias`,
            { name: kmsAliasName(args.namePrefix, "alerts"), targetKeyId: key.keyId },
            child,
        );
        const topic = new aws.sns.Topic(
            `${name}-topic`,
            { name: alertTopicName(args.namePrefix), kmsMasterKeyId: key.arn },
            child,
        );
        // Named by address, not position: removing one address from the list leaves the others' confirmed
        // subscriptions alone.
        for (const address of args.emailSubscriptions) {
            new aws.sns.TopicSubscription(
                `${name}-email-${address}`,
                { topic: topic.arn, protocol: "email", endpoint: address },
                child,
            );
        }

        const domainAlarms = logDomainAlarms({ volumeSizeGiB: args.logDomain.volumeSizeGiB });
        const jobFailuresRuleName = eventRuleName(args.namePrefix, "emr-job-failed");
        const jobFailures = new aws.cloudwatch.EventRule(
            `${name}-emr-job-failed`,
            {
                name: jobFailuresRuleName,
                description: "A job run of the stack's EMR virtual clusters failed",
                eventPattern: pulumi
                    .all(args.emrVirtualClusterIds)
                    .apply((ids) => JSON.stringify(emrJobFailurePattern(ids))),
            },
            child,
        );
        // The rule by name: the policy (and the alarms and alert manager that wait for it) never waits for the rule,
        // which waits for the teams' virtual clusters and so for the whole EKS chain.
        const topicPolicy = new aws.sns.TopicPolicy(
            `${name}-topic-policy`,
            {
                arn: topic.arn,
                policy: pulumi
                    .all([args.accountId, topic.arn, args.prometheusWorkspaceArn])
                    .apply(([accountId, topicArn, workspaceArn]) =>
                        JSON.stringify(
                            alertTopicPolicy({
                                partition: args.partition,
                                region: args.region,
                                accountId,
                                topicArn,
                                eventRuleNames: [jobFailuresRuleName],
                                alarmNames: domainAlarms.map((alarm) => alarmName(args.namePrefix, alarm.key)),
                                prometheusWorkspaceArns: [workspaceArn],
                            }),
                        ),
                    ),
            },
            child,
        );
        // The target only once EventBridge may publish: a rule that fires before the policy exists loses its alert.
        new aws.cloudwatch.EventTarget(
            `${name}-emr-job-failed-target`,
            {
                rule: jobFailures.name,
                arn: topic.arn,
                inputTransformer: {
                    inputPaths: { ...EMR_JOB_FAILURE_MESSAGE.inputPaths },
                    inputTemplate: EMR_JOB_FAILURE_MESSAGE.inputTemplate,
                },
            },
            { parent: this, dependsOn: [topicPolicy] },
        );

        const dimensions = pulumi
            .output(args.accountId)
            .apply((accountId) => logDomainDimensions(args.logDomain.domainName, accountId));
        for (const alarm of domainAlarms) {
            new aws.cloudwatch.MetricAlarm(
                `${name}-${alarm.key}`,
                {
                    name: alarmName(args.namePrefix, alarm.key),
                    alarmDescription: alarm.description,
                    namespace: "AWS/ES",
                    metricName: alarm.metricName,
                    dimensions,
                    statistic: alarm.statistic,
                    period: alarm.periodSeconds,
                    evaluationPeriods: alarm.evaluationPeriods,
                    comparisonOperator: alarm.comparisonOperator,
                    threshold: alarm.threshold,
                    alarmActions: [topic.arn],
                    okActions: [topic.arn],
                },
                { parent: this, dependsOn: [topicPolicy] },
            );
        }

        this.topicArn = topic.arn;
        this.publishableTopicArn = pulumi.all([topic.arn, topicPolicy.id]).apply(([arn]) => arn);
        this.registerOutputs({ topicArn: this.topicArn, publishableTopicArn: this.publishableTopicArn });
    }
}

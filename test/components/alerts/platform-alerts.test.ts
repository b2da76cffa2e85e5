/**
 * Alerts reach people, and only the stack's own sources can raise them: the topic policy under an independent IAM
 * engine, the alarms against the OpenSearch guide's recommendations, the job-failure rule against sample events, and
 * the whole program's plan wired end to end.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
    ALERT_PUBLISHERS,
    type AlertTopicPolicyInput,
    alertKeyPolicy,
    alertTopicPolicy,
    emrJobFailurePattern,
    logDomainAlarms,
} from "../../../components/alerts";
import { parseSettings } from "../../../stack-config";
import { fixtureStackConfig, planFixture } from "../../support/fixture-stacks";
import { evaluatePermission } from "../../support/iam-simulation";
import { waitsFor } from "../../support/plan-graph";
import { ofType } from "../../support/plan-queries";

const ACCOUNT = "111111111111";
const TOPIC = `arn:aws:sns:us-west-2:${ACCOUNT}:spark-dev-alerts`;
const RULE_NAME = "spark-dev-emr-job-failed";
const RULE = `arn:aws:events:us-west-2:${ACCOUNT}:rule/${RULE_NAME}`;
const ALARM = "spark-dev-logs-cluster-red";
const WORKSPACE = `arn:aws:aps:us-west-2:${ACCOUNT}:workspace/ws-0c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8`;
const alarmArn = (account: string, name: string) => `arn:aws:cloudwatch:us-west-2:${account}:alarm:${name}`;

const POLICY_INPUT: AlertTopicPolicyInput = {
    partition: "aws",
    region: "us-west-2",
    accountId: ACCOUNT,
    topicArn: TOPIC,
    eventRuleNames: [RULE_NAME],
    alarmNames: [ALARM],
    prometheusWorkspaceArns: [WORKSPACE],
};
const topicPolicy = alertTopicPolicy(POLICY_INPUT);

function publish(principal: string, context: Record<string, string>, action = "sns:Publish") {
    return evaluatePermission({
        principal,
        action,
        resource: TOPIC,
        accountId: ACCOUNT,
        identityPolicies: {},
        resourcePolicy: topicPolicy,
        context,
    });
}

/** EventBridge's matching for patterns of literal lists: every key present, its value one of the listed. */
function matchesPattern(pattern: unknown, event: unknown): boolean {
    if (Array.isArray(pattern)) return pattern.includes(event);
    if (typeof pattern !== "object" || pattern === null) return false;
    if (typeof event !== "object" || event === null) return false;
    return Object.entries(pattern).every(([k, v]) => matchesPattern(v, (event as Record<string, unknown>)[k]));
}

describe("alerts (components/alerts)", () => {
    describe("who may publish to the alert topic", () => {
        it("the stack's job-failure rule and its alarms, each by its own ARN", async () => {
            assert.equal(await publish(ALERT_PUBLISHERS.eventBridge, { "aws:SourceArn": RULE }), "Allowed");
            assert.equal(
                await publish(ALERT_PUBLISHERS.cloudWatch, {
                    "aws:SourceArn": alarmArn(ACCOUNT, ALARM),
                    "aws:SourceAccount": ACCOUNT,
                }),
                "Allowed",
            );
        });

        it("the stack's AMP workspace, which reads the topic's attributes before it publishes", async () => {
            const amp = { "aws:SourceArn": WORKSPACE, "aws:SourceAccount": ACCOUNT };
            assert.equal(await publish(ALERT_PUBLISHERS.prometheus, amp), "Allowed");
            assert.equal(await publish(ALERT_PUBLISHERS.prometheus, amp, "sns:GetTopicAttributes"), "Allowed");
            // Nothing else of the topic: AMP may not change who is subscribed.
            assert.equal(await publish(ALERT_PUBLISHERS.prometheus, amp, "sns:Subscribe"), "ImplicitlyDenied");
        });

        it("no other workspace, nor a workspace of another account", async () => {
            const other = WORKSPACE.replace("ws-0c1a", "ws-ffff");
            for (const [arn, account] of [
                [other, ACCOUNT],
                [WORKSPACE.replace(ACCOUNT, "222222222222"), "222222222222"],
                [WORKSPACE, "222222222222"],
            ]) {
                assert.equal(
                    await publish(ALERT_PUBLISHERS.prometheus, { "aws:SourceArn": arn, "aws:SourceAccount": account }),
                    "ImplicitlyDenied",
                    `${arn} ${account}`,
                );
            }
            // A rule's or an alarm's ARN does not let AMP in, nor the workspace's ARN another service.
            assert.equal(
                await publish(ALERT_PUBLISHERS.prometheus, { "aws:SourceArn": RULE, "aws:SourceAccount": ACCOUNT }),
                "ImplicitlyDenied",
            );
            assert.equal(
                await publish(ALERT_PUBLISHERS.eventBridge, {
                    "aws:SourceArn": WORKSPACE,
                    "aws:SourceAccount": ACCOUNT,
                }),
                "ImplicitlyDenied",
            );
        });

        it("exactly EventBridge, CloudWatch and AMP, each with its own source condition", () => {
            assert.deepEqual(
                topicPolicy.Statement.map((s) => [s.Principal.Service, Object.keys(s.Condition.ArnEquals)]),
                [
                    ["events.amazonaws.com", ["aws:SourceArn"]],
                    ["cloudwatch.amazonaws.com", ["aws:SourceArn"]],
                    ["aps.amazonaws.com", ["aws:SourceArn"]],
                ],
            );
            assert.throws(
                () => alertTopicPolicy({ ...POLICY_INPUT, prometheusWorkspaceArns: [] }),
                /no AMP workspace publishes to it/,
            );
            // A rule is named, not given by ARN: an ARN (or a wildcard) would not be the rule's name.
            assert.throws(
                () => alertTopicPolicy({ ...POLICY_INPUT, eventRuleNames: [RULE] }),
                /rule name "arn:aws:events:.*" is not a plain name/,
            );
        });

        it("no other rule, no other alarm, no other account's alarm and no other service", async () => {
            const otherRule = `arn:aws:events:us-west-2:${ACCOUNT}:rule/someone-elses`;
            assert.equal(
                await publish(ALERT_PUBLISHERS.eventBridge, { "aws:SourceArn": otherRule }),
                "ImplicitlyDenied",
            );
            // Another stack whose alarm names start like ours ("dev-logs": spark-dev-logs-logs-cluster-red).
            for (const [account, name] of [
                [ACCOUNT, "spark-dev-logs-logs-cluster-red"],
                ["222222222222", ALARM],
            ]) {
                assert.equal(
                    await publish(ALERT_PUBLISHERS.cloudWatch, {
                        "aws:SourceArn": alarmArn(account, name),
                        "aws:SourceAccount": account,
                    }),
                    "ImplicitlyDenied",
                    `${account} ${name}`,
                );
            }
            assert.equal(await publish("s3.amazonaws.com", { "aws:SourceArn": RULE }), "ImplicitlyDenied");
        });

        it("lets exactly the publishers use the topic's key, and the account administer it", () => {
            const policy = alertKeyPolicy({ partition: "aws-cn", accountId: ACCOUNT });
            assert.deepEqual(
                policy.Statement.map((s) => [s.Principal, s.Action]),
                [
                    [{ AWS: `arn:aws-cn:iam::${ACCOUNT}:root` }, "kms:*"],
                    [
                        { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com", "aps.amazonaws.com"] },
                        ["kms:GenerateDataKey*", "kms:Decrypt"],
                    ],
                ],
            );
        });
    });

    describe("the alarms on the log domain (OpenSearch developer guide, recommended alarms)", () => {
        it("raise free storage at a quarter of each node's volume, in MiB", () => {
            const threshold = (gib: number) =>
                logDomainAlarms({ volumeSizeGiB: gib }).find((a) => a.metricName === "FreeStorageSpace")?.threshold;
            assert.equal(threshold(20), 5120); // 20 GiB × 1024 MiB × 25 %
            assert.equal(threshold(100), 25600);
            assert.throws(() => logDomainAlarms({ volumeSizeGiB: 0 }), /volumeSizeGiB 0 is not a whole number/);
        });

        it("watch red status, blocked writes and JVM memory pressure as the guide recommends", () => {
            const byMetric = Object.fromEntries(
                logDomainAlarms({ volumeSizeGiB: 20 }).map((a) => [
                    a.metricName,
                    [a.statistic, a.periodSeconds, a.evaluationPeriods, a.comparisonOperator, a.threshold],
                ]),
            );
            assert.deepEqual(byMetric, {
                "ClusterStatus.red": ["Maximum", 60, 1, "GreaterThanOrEqualToThreshold", 1],
                FreeStorageSpace: ["Minimum", 60, 1, "LessThanOrEqualToThreshold", 5120],
                ClusterIndexWritesBlocked: ["Maximum", 300, 1, "GreaterThanOrEqualToThreshold", 1],
                JVMMemoryPressure: ["Maximum", 60, 3, "GreaterThanOrEqualToThreshold", 95],
            });
        });
    });

    it("each alarm and the job-failure rule have a runbook line in the README's Alerts section", () => {
        const readme = readFileSync(path.resolve(__dirname, "../../../README.md"), "utf8");
        const alerts = readme.slice(readme.indexOf("### Alerts"), readme.indexOf("## The offline tools"));
        const keys = [...logDomainAlarms({ volumeSizeGiB: 20 }).map((a) => a.key), "emr-job-failed"];
        for (const key of keys) {
            // A table row: the alert's name, what it means, and a non-empty "do" column.
            assert.match(alerts, new RegExp(`^\\| \`<spark-stack>-${key}\` [^|]*\\| [^|]+ \\| .+ \\|$`, "m"), key);
        }
    });

    describe("the rule on failed EMR job runs", () => {
        const event = (state: string, virtualClusterId: string, detailType = "EMR Job Run State Change") => ({
            source: "aws.emr-containers",
            "detail-type": detailType,
            detail: { id: "000000031", name: "nightly", state, virtualClusterId },
        });
        const pattern = emrJobFailurePattern(["vc-data-eng", "vc-ml"]);

        it("matches a failed run in any of the stack's virtual clusters", () => {
            assert.ok(matchesPattern(pattern, event("FAILED", "vc-data-eng")));
            assert.ok(matchesPattern(pattern, event("FAILED", "vc-ml")));
        });

        it("ignores other states, other virtual clusters and other events", () => {
            assert.ok(!matchesPattern(pattern, event("COMPLETED", "vc-data-eng")));
            assert.ok(!matchesPattern(pattern, event("CANCELLED", "vc-data-eng")));
            assert.ok(!matchesPattern(pattern, event("FAILED", "vc-another-stack")));
            assert.ok(!matchesPattern(pattern, event("FAILED", "vc-ml", "EMR Job Run New Driver Attempt")));
            assert.throws(() => emrJobFailurePattern([]), /no virtual cluster to watch/);
        });
    });

    describe("in the planned program", function () {
        this.timeout(120_000);
        const emails = ["spark-oncall@example.com", "data-eng@example.com"];
        const plan = () => planFixture({ stack: "dev", configOverrides: { alertEmails: emails } });

        it("encrypts one topic with its own key and subscribes every alertEmails address", async () => {
            const p = await plan();
            const [topic] = ofType(p, "aws:sns/topic:Topic");
            const keys = ofType(p, "aws:kms/key:Key").filter((k) => k.parent?.endsWith("PlatformAlerts::alerts"));
            assert.equal(keys.length, 1);
            assert.equal(topic.inputs.kmsMasterKeyId, keys[0].outputs.arn);
            assert.equal(p.outputs.alertTopicArn, topic.outputs.arn);
            const subscriptions = ofType(p, "aws:sns/topicSubscription:TopicSubscription");
            assert.deepEqual(
                subscriptions.map((s) => [s.inputs.topic, s.inputs.protocol, s.inputs.endpoint]),
                emails.map((e) => [topic.outputs.arn, "email", e]),
            );
            // Named by address: dropping one address leaves the others' confirmed subscriptions in place.
            assert.deepEqual(
                subscriptions.map((s) => s.name),
                emails.map((e) => `alerts-email-${e}`),
            );
        });

        it("watches every team's virtual cluster and the stack's log domain, sending to the topic", async () => {
            const p = await plan();
            const [topic] = ofType(p, "aws:sns/topic:Topic");
            const teams = p.outputs.sparkTeamOutputs as Record<string, { virtualClusterId: string }>;
            assert.ok(Object.keys(teams).length > 0);
            const [rule] = ofType(p, "aws:cloudwatch/eventRule:EventRule").filter((r) =>
                r.parent?.endsWith("PlatformAlerts::alerts"),
            );
            assert.deepEqual(
                JSON.parse(String(rule.inputs.eventPattern)),
                emrJobFailurePattern(Object.values(teams).map((t) => t.virtualClusterId)),
            );
            const [target] = ofType(p, "aws:cloudwatch/eventTarget:EventTarget").filter((t) =>
                t.parent?.endsWith("PlatformAlerts::alerts"),
            );
            assert.equal(target.inputs.arn, topic.outputs.arn);
            const [domain] = ofType(p, "aws:opensearch/domain:Domain");
            const alarms = ofType(p, "aws:cloudwatch/metricAlarm:MetricAlarm");
            assert.equal(alarms.length, 4);
            for (const alarm of alarms) {
                assert.deepEqual(alarm.inputs.dimensions, {
                    DomainName: domain.inputs.domainName,
                    ClientId: p.account.accountId,
                });
                assert.deepEqual(
                    [alarm.inputs.alarmActions, alarm.inputs.okActions],
                    [[topic.outputs.arn], [topic.outputs.arn]],
                );
                // The alarms name the domain; they never wait for its 15-30 minutes.
                assert.ok(!waitsFor(p, alarm).has(domain.urn), String(alarm.inputs.name));
            }
            // The topic policy admits exactly these alarms, and the stack's one AMP workspace.
            const [policy] = ofType(p, "aws:sns/topicPolicy:TopicPolicy");
            const statements = JSON.parse(String(policy.inputs.policy)).Statement;
            assert.deepEqual(
                [...statements[1].Condition.ArnEquals["aws:SourceArn"]].sort(),
                alarms.map((a) => a.outputs.arn).sort(),
            );
            const [workspace] = ofType(p, "aws:amp/workspace:Workspace");
            assert.deepEqual(statements[2].Condition.ArnEquals["aws:SourceArn"], [workspace.outputs.arn]);
            // The rule is named in the policy by the ARN it gets.
            assert.deepEqual(statements[0].Condition.ArnEquals["aws:SourceArn"], [rule.outputs.arn]);
        });

        it("has the topic policy, the alarms and the AMP alert manager wait for neither the EKS chain nor the log domain", async () => {
            for (const p of [await plan(), await planFixture({ stack: "prod" })]) {
                const index = new Map(p.resources.map((r) => [r.urn, r]));
                // The cluster, what runs in it and the teams' virtual clusters on it take 15-20 minutes; the domain 15-30.
                const slow =
                    /^(eks:index:Cluster|aws:eks\/|aws:emrcontainers\/virtualCluster:|kubernetes:|aws:opensearch\/domain:)/;
                const publishers = [
                    ...ofType(p, "aws:sns/topicPolicy:TopicPolicy"),
                    ...ofType(p, "aws:cloudwatch/metricAlarm:MetricAlarm"),
                    ...ofType(p, "aws:amp/alertManagerDefinition:AlertManagerDefinition"),
                    ...ofType(p, "aws:amp/ruleGroupNamespace:RuleGroupNamespace"),
                ];
                assert.equal(publishers.length, 7);
                for (const r of publishers) {
                    const waits = [...waitsFor(p, r)].map((urn) => index.get(urn)!.type).filter((t) => slow.test(t));
                    assert.deepEqual([...new Set(waits)], [], `${p.stack}: ${r.name}`);
                }
            }
        });

        it("refuses an alertEmails entry that is not an address, with one line", () => {
            const raw = fixtureStackConfig("dev");
            raw.set("spark-platform:alertEmails", JSON.stringify(["oncall@example.com", "#spark-alerts"]));
            assert.throws(
                () => parseSettings(raw, "spark-platform", "dev"),
                (e: Error) =>
                    e.message ===
                    'invalid stack config: spark-platform:alertEmails: "#spark-alerts" is not an e-mail address (name@example.com); subscribe other endpoints to the alertTopicArn output',
            );
        });
    });
});

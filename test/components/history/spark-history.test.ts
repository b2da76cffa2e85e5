import * as assert from "node:assert/strict";
import { deepMerge, readBaseValues, readChartPin } from "../../../components/charts";
import { lifecycleRules, teamPrefixes } from "../../../components/emr";
import { platformKeyPolicy } from "../../../components/encryption";
import {
    SparkHistory,
    buildHistoryServerValues,
    eventLogReaderPolicy,
    historyServerName,
    type HistoryServerValuesOptions,
} from "../../../components/history";
import { STS_AUDIENCE } from "../../../components/iam";
import type { CapturedResource } from "../../../tools/plan/capture";
import { planProgram } from "../../../tools/plan/plan";
import { packVerdicts } from "../../../tools/policy-eval/evaluate";
import { at, keysOutsideChart, leafPaths, recordedChartKeys } from "../../support/chart-keys";
import { SYSTEM_NODE_SELECTOR, handMadeCluster, issuerOf, oidcProviderArnOf } from "../../support/cluster-context";
import { assumeWithWebIdentity, evaluatePermission } from "../../support/iam-simulation";
import { ofType } from "../../support/plan-queries";

const ACCOUNT = "123456789012";
const BUCKET = "spark-dev-platform";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const KMS_KEY_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const ISSUER = issuerOf("us-west-2");

const valuesOptions: HistoryServerValuesOptions = {
    team: "team-a",
    region: "us-west-2",
    bucket: BUCKET,
    eventLogPrefix: "spark-events/team-a/",
    roleArn: `arn:aws:iam::${ACCOUNT}:role/shs-team-a`,
    nodeSelector: SYSTEM_NODE_SELECTOR,
};

describe("Spark History Server chart pin", () => {
    const pin = readChartPin("spark-history-server");

    it("pins an exact chart version from the chart's HTTPS repository, in its own namespace", () => {
        assert.equal(pin.version, "1.5.2");
        assert.equal(pin.repository, "https://kubedai.github.io/spark-history-server");
        assert.equal(pin.namespace, "spark-history");
    });

    it("declares the chart's only hook, a helm test Pod nothing relies on", () => {
        assert.deepEqual(
            pin.hooks.map((h) => [h.name, h.kind, h.events, h.needed]),
            [["test-connection", "Pod", "test-success", "never"]],
        );
    });

    it("lists for preflight the one image the values pull, by an immutable release tag", () => {
        const values = deepMerge(readBaseValues("spark-history-server"), buildHistoryServerValues(valuesOptions));
        const image = `${String(at(values, "image.repository"))}:${String(at(values, "image.tag"))}`;
        assert.deepEqual(pin.images, [image]);
        // <chart version>-aws-<Spark version>: the scheme chart 1.5.2 publishes and never rebuilds; no latest-* tag.
        assert.match(
            String(at(values, "image.tag")),
            new RegExp(`^${pin.version.replace(/\./g, "\\.")}-aws-3\\.5\\.\\d+$`),
        );
        assert.equal(at(values, "image.pullPolicy"), "IfNotPresent");
    });
});

describe("Spark History Server chart values", () => {
    const merged = deepMerge(readBaseValues("spark-history-server"), buildHistoryServerValues(valuesOptions));

    it("must set no key outside the pinned chart's recorded values keys", () => {
        assert.deepEqual(keysOutsideChart(merged, recordedChartKeys("spark-history-server")), []);
    });

    it("the key check catches a misspelt key", () => {
        const misspelt = deepMerge(merged, { logStore: { s3: { eventLogPath: "x/" } }, podSecurityContexts: {} });
        assert.deepEqual(keysOutsideChart(misspelt, recordedChartKeys("spark-history-server")).sort(), [
            "logStore.s3.eventLogPath",
            "podSecurityContexts",
        ]);
    });

    it("point the server at the team's event-log prefix, as the team's own service account with its role", () => {
        assert.equal(at(merged, "logStore.type"), "s3");
        assert.equal(at(merged, "logStore.s3.bucket"), BUCKET);
        assert.equal(at(merged, "logStore.s3.eventLogsPath"), teamPrefixes("team-a").sparkEvents);
        assert.equal(at(merged, "logStore.s3.irsaRoleArn"), valuesOptions.roleArn);
        assert.deepEqual(at(merged, "serviceAccount"), { create: true, name: "spark-history-team-a" });
        assert.equal(at(merged, "fullnameOverride"), "spark-history-team-a");
        assert.match(
            String(at(merged, "sparkConf")),
            /^spark\.hadoop\.fs\.s3a\.endpoint=s3\.us-west-2\.amazonaws\.com$/m,
        );
    });

    it("run non-root with a read-only root filesystem under Pod Security restricted, on the system nodes", () => {
        assert.equal(at(merged, "podSecurityContext.runAsNonRoot"), true);
        assert.notEqual(at(merged, "podSecurityContext.runAsUser"), 0);
        assert.equal(at(merged, "podSecurityContext.seccompProfile.type"), "RuntimeDefault");
        assert.equal(at(merged, "securityContext.readOnlyRootFilesystem"), true);
        assert.equal(at(merged, "securityContext.allowPrivilegeEscalation"), false);
        assert.deepEqual(at(merged, "securityContext.capabilities.drop"), ["ALL"]);
        assert.deepEqual(at(merged, "nodeSelector"), { "kubernetes.io/os": "linux", ...SYSTEM_NODE_SELECTOR });
        // The writable /tmp is the chart's emptyDir of 1.5.2's Deployment, which renders only without the hybrid
        // store (a StatefulSet with a volume claim otherwise).
        assert.equal(at(merged, "historyServer.store.hybridStore.enabled"), false);
        assert.equal(at(merged, "persistence.enabled"), false);
    });

    it("give the server requests and limits, its heap below the memory limit", () => {
        for (const kind of ["requests", "limits"]) {
            for (const resource of ["cpu", "memory", "ephemeral-storage"]) {
                assert.ok(at(merged, `resources.${kind}.${resource}`) !== undefined, `${kind}.${resource}`);
            }
        }
        const gib = (q: unknown) => {
            const m = /^(\d+)(g|Gi|Mi)$/.exec(String(q));
            assert.ok(m, String(q));
            return m[2] === "Mi" ? Number(m[1]) / 1024 : Number(m[1]);
        };
        assert.ok(gib(at(merged, "sparkDaemon.memory")) < gib(at(merged, "resources.limits.memory")));
    });

    it("must never write to the bucket: no cleaner, no compaction, no chart Ingress", () => {
        assert.equal(at(merged, "historyServer.fs.cleaner.enabled"), false);
        assert.equal(at(merged, "historyServer.fs.driverlog.cleaner.enabled"), false);
        assert.equal(at(merged, "historyServer.fs.eventLog.rolling.maxFilesToRetain"), 2147483647);
        assert.equal(at(merged, "ingress.enabled"), false);
        assert.equal(at(merged, "service.type"), "ClusterIP");
        for (const p of leafPaths(merged).filter((p) => /(^|\.)tag$/.test(p))) {
            assert.doesNotMatch(String(at(merged, p)), /latest/);
        }
    });

    it("leave retention to the bucket's event-log lifecycle rule, which covers every team's prefix", () => {
        const rules = lifecycleRules({ logRetentionDays: 30, eventLogRetentionDays: 45, noncurrentVersionDays: 30 });
        const rule = rules.find((r) => r.id === "expire-spark-event-logs");
        assert.ok(rule);
        assert.equal(rule.expiration?.days, 45);
        const prefix = (rule.filter as { and: { prefix: string } }).and.prefix;
        assert.ok(String(at(merged, "logStore.s3.eventLogsPath")).startsWith(prefix));
    });

    it("names each team's server within Helm's release name limit", () => {
        assert.equal(historyServerName("a".repeat(30)).length, 44);
        assert.throws(() => historyServerName("a".repeat(40)), /at most 53 characters/);
        assert.throws(() => historyServerName("Team_A"), /History Server name/);
    });
});

describe("Spark History Server role, as IAM decides its requests (iam-simulate)", () => {
    const policy = eventLogReaderPolicy({
        region: "us-west-2",
        bucketArn: BUCKET_ARN,
        eventLogPrefix: "spark-events/team-a/",
        kmsKeyArn: KMS_KEY_ARN,
    });
    const role = `arn:aws:iam::${ACCOUNT}:role/spark-history-team-a`;
    // The stack key's own policy decides with the role's: KMS requires the key policy to let IAM grant use.
    const keyPolicy = platformKeyPolicy({
        partition: "aws",
        region: "us-west-2",
        accountId: ACCOUNT,
        logGroupNames: ["/aws/eks/spark-dev/*"],
    });
    const decide = (action: string, resource: string, context?: Record<string, string>) =>
        evaluatePermission({
            principal: role,
            action,
            resource,
            accountId: ACCOUNT,
            identityPolicies: { "read-event-logs": policy },
            ...(resource === KMS_KEY_ARN ? { resourcePolicy: keyPolicy } : {}),
            ...(context === undefined ? {} : { context }),
        });
    const object = (key: string) => `${BUCKET_ARN}/${key}`;

    it("allows what the server does: stat the directory, list it and its rolling directories, read the logs", async () => {
        assert.equal(await decide("s3:GetObject", object("spark-events/team-a")), "Allowed");
        assert.equal(await decide("s3:GetObject", object("spark-events/team-a/")), "Allowed");
        for (const prefix of ["spark-events/team-a/", "spark-events/team-a/eventlog_v2_spark-1/"]) {
            assert.equal(await decide("s3:ListBucket", BUCKET_ARN, { "s3:prefix": prefix }), "Allowed", prefix);
        }
        for (const key of ["spark-events/team-a/spark-1", "spark-events/team-a/eventlog_v2_spark-1/events_1_spark-1"]) {
            assert.equal(await decide("s3:GetObject", object(key)), "Allowed", key);
        }
    });

    it("allows decrypting through S3 only", async () => {
        const viaS3 = { "kms:ViaService": "s3.us-west-2.amazonaws.com" };
        assert.equal(await decide("kms:Decrypt", KMS_KEY_ARN, viaS3), "Allowed");
        assert.equal(
            await decide("kms:Decrypt", KMS_KEY_ARN, { "kms:ViaService": "ec2.us-west-2.amazonaws.com" }),
            "ImplicitlyDenied",
        );
        assert.equal(await decide("kms:GenerateDataKey", KMS_KEY_ARN, viaS3), "ImplicitlyDenied");
        assert.equal(await decide("kms:Encrypt", KMS_KEY_ARN, viaS3), "ImplicitlyDenied");
    });

    it("must deny other teams' event logs, the other prefixes and the whole bucket", async () => {
        for (const prefix of ["spark-events/team-b/", "spark-events/", "", "data/team-a/", "spark-events/team-ab/"]) {
            assert.equal(
                await decide("s3:ListBucket", BUCKET_ARN, { "s3:prefix": prefix }),
                "ImplicitlyDenied",
                prefix,
            );
        }
        for (const key of [
            "spark-events/team-b/spark-1",
            "spark-events/team-ab/spark-1",
            "spark-events/team-b",
            "data/team-a/part-0.parquet",
            "code/team-a/job.py",
            "logs/team-a/stdout.gz",
        ]) {
            assert.equal(await decide("s3:GetObject", object(key)), "ImplicitlyDenied", key);
        }
    });

    it("must deny every write, delete and ACL change, even on its own prefix", async () => {
        for (const action of [
            "s3:PutObject",
            "s3:DeleteObject",
            "s3:PutObjectAcl",
            "s3:AbortMultipartUpload",
            "s3:PutObjectTagging",
        ]) {
            assert.equal(await decide(action, object("spark-events/team-a/spark-1")), "ImplicitlyDenied", action);
        }
        assert.equal(await decide("s3:DeleteBucket", BUCKET_ARN), "ImplicitlyDenied");
        assert.equal(await decide("s3:PutLifecycleConfiguration", BUCKET_ARN), "ImplicitlyDenied");
    });

    it("refuses to build a policy for more than one team's prefix", () => {
        const input = { region: "us-west-2", bucketArn: BUCKET_ARN, kmsKeyArn: KMS_KEY_ARN };
        for (const prefix of ["spark-events/", "spark-events/*/", "*", "spark-events/team-a"]) {
            assert.throws(() => eventLogReaderPolicy({ ...input, eventLogPrefix: prefix }), /is not one team's prefix/);
        }
        assert.throws(() => eventLogReaderPolicy({ ...input, bucketArn: "*", eventLogPrefix: "spark-events/a/" }));
    });
});

interface Planned {
    resources: CapturedResource[];
    stackExport: unknown;
    outputs: Record<string, unknown>;
}

function planHistory(options: { networkPolicies?: boolean; eventLogKey?: (team: string) => string } = {}) {
    const key = options.eventLogKey ?? ((team: string) => teamPrefixes(team).sparkEvents);
    return planProgram(
        () => {
            const cluster = handMadeCluster({ name: "spark-dev", networkPolicies: options.networkPolicies ?? false });
            const history = new SparkHistory("spark-history", {
                cluster,
                bucketArn: BUCKET_ARN,
                kmsKeyArn: KMS_KEY_ARN,
                teams: ["team-a", "team-b"].map((name) => ({ name, eventLogUri: `s3://${BUCKET}/${key(name)}` })),
            });
            return { portForward: history.portForwardCommands, roleArns: history.roleArns };
        },
        { account: { accountId: ACCOUNT, region: "us-west-2" } },
    ) as Promise<Planned>;
}

const parse = <T>(text: unknown): T => JSON.parse(String(text)) as T;
interface TrustDoc {
    Statement: { Principal: { Federated: string }; Condition: { StringEquals: Record<string, string> } }[];
}

describe("SparkHistory under the plan's mocks", function () {
    this.timeout(60_000);
    let plan: Planned;
    before(async () => {
        plan = await planHistory({ networkPolicies: true });
    });

    it("installs one release of the pinned chart per team, each on its own team's prefix", () => {
        const pin = readChartPin("spark-history-server");
        const charts = ofType(plan, "kubernetes:helm.sh/v4:Chart");
        assert.deepEqual(charts.map((c) => c.inputs.name).sort(), ["spark-history-team-a", "spark-history-team-b"]);
        for (const chart of charts) {
            const team = String(chart.inputs.name).replace("spark-history-", "");
            assert.equal(chart.inputs.version, pin.version);
            assert.equal(chart.inputs.namespace, "spark-history");
            assert.equal(at(chart.inputs.values, "logStore.s3.eventLogsPath"), `spark-events/${team}/`);
            assert.equal(at(chart.inputs.values, "image.tag"), "1.5.2-aws-3.5.7");
        }
    });

    it("gives each server a role trusted by exactly its own service account, with only the event-log policy", () => {
        const charts = ofType(plan, "kubernetes:helm.sh/v4:Chart");
        const roles = ofType(plan, "aws:iam/role:Role");
        assert.equal(roles.length, 2);
        for (const chart of charts) {
            const roleArn = at(chart.inputs.values, "logStore.s3.irsaRoleArn");
            const role = roles.find((r) => r.outputs.arn === roleArn);
            assert.ok(role, String(roleArn));
            const trust = parse<TrustDoc>(role.inputs.assumeRolePolicy);
            assert.equal(trust.Statement[0].Principal.Federated, oidcProviderArnOf("us-west-2", ACCOUNT));
            assert.equal(trust.Statement[0].Condition.StringEquals[`${ISSUER}:aud`], STS_AUDIENCE);
            const account = at(chart.inputs.values, "serviceAccount.name");
            assert.equal(
                trust.Statement[0].Condition.StringEquals[`${ISSUER}:sub`],
                `system:serviceaccount:spark-history:${String(account)}`,
            );
        }
        const policies = ofType(plan, "aws:iam/rolePolicy:RolePolicy");
        assert.deepEqual(
            policies.map((p) => p.inputs.name),
            ["read-event-logs", "read-event-logs"],
        );
        assert.equal(ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0, "no managed policy");
    });

    it("creates the reserved namespace enforcing Pod Security restricted, open only on the server port", () => {
        const [ns] = ofType(plan, "kubernetes:core/v1:Namespace");
        const metadata = ns.inputs.metadata as { name: string; labels: Record<string, string> };
        assert.equal(metadata.name, "spark-history");
        assert.equal(metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        const [policy] = ofType(plan, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        assert.deepEqual(at(policy.inputs, "spec.ingress"), [{ ports: [{ protocol: "TCP", port: 18080 }] }]);
    });

    it("outputs the ready port-forward command per team", () => {
        assert.deepEqual(plan.outputs.portForward, {
            "team-a": "kubectl port-forward --namespace spark-history service/spark-history-team-a 18080:80",
            "team-b": "kubectl port-forward --namespace spark-history service/spark-history-team-b 18080:80",
        });
    });

    it("passes the policy pack with zero violations", async () => {
        const verdicts = await packVerdicts(plan.stackExport);
        assert.deepEqual(verdicts.violations, []);
    });

    it("refuses an event-log URI outside the prefix the team's role may read", async () => {
        await assert.rejects(
            planHistory({ eventLogKey: (team) => `spark-events/${team}/nested/` }),
            /event logs at s3:\/\/spark-dev-platform\/spark-events\/team-a\/nested\/, not under spark-events\/team-a\//,
        );
    });
});

describe("SparkHistory role trusts under independent IAM evaluation (iam-simulate)", function () {
    this.timeout(60_000);
    it("lets only the team's own server account assume its role", async () => {
        const plan = await planHistory();
        const trusts = ofType(plan, "aws:iam/role:Role").map((r) => parse<TrustDoc>(r.inputs.assumeRolePolicy));
        const subOf = (t: TrustDoc) => t.Statement[0].Condition.StringEquals[`${ISSUER}:sub`];
        const teamA = trusts.find((t) => subOf(t).endsWith(":spark-history-team-a"));
        assert.ok(teamA);
        const assume = (sub: string) =>
            assumeWithWebIdentity({
                trustPolicy: teamA,
                providerArn: oidcProviderArnOf("us-west-2", ACCOUNT),
                issuer: ISSUER,
                roleArn: `arn:aws:iam::${ACCOUNT}:role/spark-history-team-a`,
                sub,
            });
        assert.equal(await assume("system:serviceaccount:spark-history:spark-history-team-a"), "Allowed");
        assert.equal(await assume("system:serviceaccount:spark-history:spark-history-team-b"), "ImplicitlyDenied");
        assert.equal(await assume("system:serviceaccount:team-a:spark-history-team-a"), "ImplicitlyDenied");
    });
});

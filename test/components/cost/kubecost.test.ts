import * as assert from "node:assert/strict";
import { deepMerge, readBaseValues, readChartPin } from "../../../components/charts";
import {
    AMP_QUERY_ACTIONS,
    AMP_REMOTE_WRITE_ACTIONS,
    COST_ANALYZER_SERVICE_ACCOUNT,
    Kubecost,
    PROMETHEUS_SERVICE_ACCOUNT,
    TEAM_POD_LABEL,
    ampEndpoints,
    ampQueryPolicy,
    ampRemoteWritePolicy,
    ampWorkspaceArn,
    buildKubecostValues,
    kubecostLabelName,
    type KubecostValuesOptions,
} from "../../../components/cost";
import { STS_AUDIENCE } from "../../../components/iam";
import { buildPoolContract } from "../../../components/vocabulary";
import { buildPodTemplate } from "../../../components/emr";
import type { CapturedResource } from "../../../tools/plan/capture";
import { planProgram } from "../../../tools/plan/plan";
import { packVerdicts } from "../../../tools/policy-eval/evaluate";
import { SYSTEM_NODE_SELECTOR, handMadeCluster, issuerOf, oidcProviderArnOf } from "../../support/cluster-context";
import { at, keysOutsideChart, leafPaths, recordedChartKeys } from "../../support/chart-keys";
import { assumeWithWebIdentity } from "../../support/iam-simulation";
import { ofType } from "../../support/plan-queries";

const ACCOUNT = "123456789012";
const ISSUER = issuerOf("us-west-2");
const PROVIDER_ARN = oidcProviderArnOf("us-west-2", ACCOUNT);
const KMS_KEY_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const SYSTEM_SELECTOR = SYSTEM_NODE_SELECTOR;
const WORKSPACE_ID = "ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const AMP_US_WEST_2 = "https://aps-workspaces.us-west-2.amazonaws.com/workspaces";

/** The action lists of the AWS managed policies, as published (v1 of each, both edited 2020-12-19). */
const MANAGED_QUERY_ACCESS = ["aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries", "aps:QueryMetrics"];
const MANAGED_REMOTE_WRITE_ACCESS = ["aps:RemoteWrite"];

const valuesOptions: KubecostValuesOptions = {
    clusterName: "spark-dev",
    region: "us-west-2",
    accountId: ACCOUNT,
    workspaceId: WORKSPACE_ID,
    queryRoleArn: `arn:aws:iam::${ACCOUNT}:role/query`,
    remoteWriteRoleArn: `arn:aws:iam::${ACCOUNT}:role/remote-write`,
    nodeSelector: SYSTEM_SELECTOR,
    capacityTypeLabel: "karpenter.sh/capacity-type",
    teamLabel: TEAM_POD_LABEL,
};

type Tree = Record<string, unknown>;

describe("AMP addresses", () => {
    it("builds the query, remote-write and proxied URLs from the workspace id and region", () => {
        const workspaceUrl = `https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/${WORKSPACE_ID}`;
        assert.deepEqual(ampEndpoints(WORKSPACE_ID, "eu-central-1"), {
            host: "aps-workspaces.eu-central-1.amazonaws.com",
            workspaceUrl,
            remoteWriteUrl: `${workspaceUrl}/api/v1/remote_write`,
            proxiedQueryUrl: `http://localhost:8005/workspaces/${WORKSPACE_ID}`,
        });
    });

    it("uses the China DNS suffix in China regions", () => {
        assert.equal(ampEndpoints(WORKSPACE_ID, "cn-north-1").host, "aps-workspaces.cn-north-1.amazonaws.com.cn");
    });

    it("builds the workspace ARN in the stack's partition", () => {
        assert.equal(
            ampWorkspaceArn("aws-us-gov", "us-gov-west-1", ACCOUNT, WORKSPACE_ID),
            `arn:aws-us-gov:aps:us-gov-west-1:${ACCOUNT}:workspace/${WORKSPACE_ID}`,
        );
    });

    for (const bad of ["", "ws-1/../x", "ws 1"]) {
        it(`refuses a workspace id that would break the URLs (${JSON.stringify(bad)})`, () => {
            assert.throws(() => ampEndpoints(bad, "us-west-2"), /is not a workspace id/);
        });
    }
});

describe("AMP IAM policies", () => {
    const arn = ampWorkspaceArn("aws", "us-west-2", ACCOUNT, WORKSPACE_ID);

    it("grant exactly the actions of AmazonPrometheusQueryAccess and AmazonPrometheusRemoteWriteAccess", () => {
        assert.deepEqual([...AMP_QUERY_ACTIONS].sort(), MANAGED_QUERY_ACCESS);
        assert.deepEqual([...AMP_REMOTE_WRITE_ACTIONS].sort(), MANAGED_REMOTE_WRITE_ACCESS);
    });

    it("must not grant anything beyond the one workspace", () => {
        for (const doc of [ampQueryPolicy(arn), ampRemoteWritePolicy(arn)]) {
            assert.equal(doc.Statement.length, 1);
            assert.equal(doc.Statement[0].Effect, "Allow");
            assert.equal(doc.Statement[0].Resource, arn);
        }
        assert.deepEqual(ampQueryPolicy(arn).Statement[0].Action, MANAGED_QUERY_ACCESS);
        assert.deepEqual(ampRemoteWritePolicy(arn).Statement[0].Action, MANAGED_REMOTE_WRITE_ACCESS);
    });

    it("refuses a resource that is not a workspace ARN", () => {
        assert.throws(() => ampQueryPolicy("*"), /not an AMP workspace ARN/);
        const wildcard = `arn:aws:aps:us-west-2:${ACCOUNT}:workspace/*`;
        assert.throws(() => ampRemoteWritePolicy(wildcard), /not an AMP workspace ARN/);
    });
});

describe("Kubecost chart values", () => {
    const base = readBaseValues("cost-analyzer");
    const merged = deepMerge(base, buildKubecostValues(valuesOptions));

    it("turn on native AMP mode with the workspace's URLs and the SigV4 proxy for the region", () => {
        assert.equal(at(merged, "global.amp.enabled"), true);
        const amp = (key: string) => at(merged, `global.amp.${key}`);
        assert.equal(amp("prometheusServerEndpoint"), `http://localhost:8005/workspaces/${WORKSPACE_ID}`);
        assert.equal(amp("remoteWriteService"), `${AMP_US_WEST_2}/${WORKSPACE_ID}/api/v1/remote_write`);
        assert.equal(at(merged, "global.amp.sigv4.region"), "us-west-2");
        assert.equal(at(merged, "sigV4Proxy.host"), "aps-workspaces.us-west-2.amazonaws.com");
        assert.equal(at(merged, "sigV4Proxy.region"), "us-west-2");
        assert.equal(at(merged, "sigV4Proxy.port"), 8005, "the proxied query URL's port");
        assert.equal(at(merged, "prometheus.server.global.external_labels.cluster_id"), "spark-dev");
        assert.equal(at(merged, "kubecostProductConfigs.clusterName"), "spark-dev");
        assert.equal(at(merged, "kubecostProductConfigs.projectID"), ACCOUNT);
    });

    it("pin the SigV4 proxy image instead of the chart's :latest, at the current release", () => {
        const image = String(at(merged, "sigV4Proxy.image"));
        assert.match(image, /^public\.ecr\.aws\/aws-observability\/aws-sigv4-proxy:\d+\.\d+(\.\d+)?$/);
        // awslabs/aws-sigv4-proxy v1.11.1 (2026-02-11) is the newest release; 1.7 was years behind.
        const [major, minor] = image.split(":")[1].split(".").map(Number);
        assert.ok(major > 1 || minor >= 11, `${image} is older than 1.11`);
    });

    // Every image the 2.4.2 chart renders with these values whose default tag is :latest (values.yaml: the bundled
    // Prometheus server and config reloader from cgr.dev/chainguard, the SigV4 proxy); cost-model, frontend and
    // forecasting are tagged from the chart's appVersion or pinned by the chart itself.
    for (const [repository, tag] of [
        ["prometheus.server.image.repository", "prometheus.server.image.tag"],
        ["prometheus.configmapReload.prometheus.image.repository", "prometheus.configmapReload.prometheus.image.tag"],
    ]) {
        it(`must pin ${repository.replace(/\.image\.repository$/, "")} to a release tag, never :latest`, () => {
            assert.match(String(at(merged, repository)), /^quay\.io\/prometheus(-operator)?\//);
            assert.match(String(at(merged, tag)), /^v\d+\.\d+\.\d+$/);
        });
    }

    it("must list in pin.yaml, for preflight, the images these values pull instead of the chart's defaults", () => {
        const pinned = readChartPin("cost-analyzer").images;
        const pulled = [
            String(at(merged, "sigV4Proxy.image")),
            `${String(at(merged, "prometheus.server.image.repository"))}:${String(at(merged, "prometheus.server.image.tag"))}`,
        ];
        for (const image of pulled) assert.ok(pinned.includes(image), `pin.yaml does not list ${image}`);
        // The chart renders the config reloader only when it is enabled, which these values leave off.
        assert.notEqual(at(merged, "prometheus.configmapReload.prometheus.enabled"), true);
        for (const image of pinned) assert.doesNotMatch(image, /(^|:)latest$/, "an overridden default");
        const pulledRepositories = new Set(pulled.map((i) => i.slice(0, i.lastIndexOf(":"))));
        assert.equal(
            pinned.filter((i) => pulledRepositories.has(i.slice(0, i.lastIndexOf(":")))).length,
            pulled.length,
            "one tag per repository: no stale pin of an image the values moved",
        );
    });

    it("must never name a :latest image anywhere in the values", () => {
        const images = leafPaths(merged)
            .filter((p) => /(^|\.)(image|fullImageName|tag)$/.test(p))
            .map((p) => String(at(merged, p)));
        assert.ok(images.length >= 3);
        for (const image of images) assert.doesNotMatch(image, /(^|:)latest$/);
    });

    it("name the two service accounts the IRSA roles trust, each annotated with its own role", () => {
        assert.deepEqual(at(merged, "serviceAccount"), {
            create: true,
            name: COST_ANALYZER_SERVICE_ACCOUNT,
            annotations: { "eks.amazonaws.com/role-arn": valuesOptions.queryRoleArn },
        });
        assert.deepEqual(at(merged, "prometheus.serviceAccounts.server"), {
            create: true,
            name: PROMETHEUS_SERVICE_ACCOUNT,
            annotations: { "eks.amazonaws.com/role-arn": valuesOptions.remoteWriteRoleArn },
        });
    });

    it("must set no key outside the pinned chart's recorded values keys", () => {
        assert.deepEqual(keysOutsideChart(merged, recordedChartKeys("cost-analyzer")), []);
    });

    it("the key check catches a misspelt key", () => {
        const misspelt = deepMerge(merged, {
            sigv4Proxy: { region: "us-west-2" },
            prometheus: { server: { nodeSelectors: {} } },
        });
        const outside = keysOutsideChart(misspelt, recordedChartKeys("cost-analyzer")).sort();
        assert.deepEqual(outside, ["prometheus.server.nodeSelectors", "sigv4Proxy.region"]);
    });

    it("give every workload container requests and limits", () => {
        for (const path of [
            "kubecostFrontend.resources",
            "kubecostModel.resources",
            "sigV4Proxy.resources",
            "diagnostics.resources",
            "prometheus.server.resources",
            "prometheus.configmapReload.prometheus.resources",
        ]) {
            for (const kind of ["requests", "limits"]) {
                for (const resource of ["cpu", "memory"]) {
                    assert.ok(at(merged, `${path}.${kind}.${resource}`) !== undefined, `${path}.${kind}.${resource}`);
                }
            }
        }
    });

    it("run every pod non-root, without privilege escalation, on the system nodes", () => {
        assert.equal(at(merged, "global.securityContext.runAsNonRoot"), true);
        assert.notEqual(at(merged, "global.securityContext.runAsUser"), 0);
        assert.equal(at(merged, "global.containerSecurityContext.allowPrivilegeEscalation"), false);
        assert.deepEqual(at(merged, "global.containerSecurityContext.capabilities.drop"), ["ALL"]);
        assert.equal(at(merged, "prometheus.server.securityContext.runAsNonRoot"), true);
        assert.notEqual(at(merged, "prometheus.server.securityContext.runAsUser"), 0);
        const selector = { "kubernetes.io/os": "linux", ...SYSTEM_SELECTOR };
        assert.deepEqual(at(merged, "nodeSelector"), selector);
        assert.deepEqual(at(merged, "prometheus.server.nodeSelector"), selector);
    });

    it("must not deploy host-level DaemonSets, Grafana or a public endpoint", () => {
        assert.equal(at(merged, "prometheus.nodeExporter.enabled"), false);
        assert.equal(at(merged, "networkCosts.enabled"), false);
        assert.equal(at(merged, "global.grafana.enabled"), false);
        assert.equal(at(merged, "service.type"), "ClusterIP");
        assert.equal(at(merged, "ingress.enabled"), false);
    });

    it("split cost by team, Spark role, pool and capacity type", () => {
        const includeList = String(at(merged, "kubecostModel.allocation.nodeLabels.includeList")).split(",");
        const wanted = [
            "spark-platform/pool",
            "spark-platform/role",
            "karpenter.sh/capacity-type",
            "eks.amazonaws.com/capacityType",
        ];
        for (const label of wanted) {
            assert.ok(includeList.includes(label), label);
        }
        const reports = at(merged, "global.savedReports.reports") as { aggregateBy: string }[];
        assert.deepEqual(
            reports.map((r) => r.aggregateBy),
            [
                // The labels EMR puts on every pod of a job run, as Kubecost names them (Prometheus-sanitized).
                "label:emr_containers_amazonaws_com_job_id",
                "label:emr_containers_amazonaws_com_virtual_cluster_id",
                "team",
                "namespace",
                "label:spark_platform_pool",
                "label:spark_role",
                "label:karpenter_sh_capacity_type",
            ],
        );
        assert.equal(kubecostLabelName("eks.amazonaws.com/capacityType"), "eks_amazonaws_com_capacityType");
    });

    it("must map Kubecost's Team to the label the platform's pod templates put on every team pod", () => {
        assert.equal(at(merged, "kubecostProductConfigs.labelMappingConfigs.team_label"), "spark_platform_team");
        const template = buildPodTemplate({
            role: "executor",
            zone: "us-west-2a",
            pools: buildPoolContract(["us-west-2a"]),
            priorityClassName: "spark-executor",
            team: "analytics",
        });
        assert.equal(template.metadata.labels[TEAM_POD_LABEL], "analytics", "team pods carry the mapped label");
        assert.equal(
            kubecostLabelName(TEAM_POD_LABEL),
            at(merged, "kubecostProductConfigs.labelMappingConfigs.team_label"),
        );
    });
});

interface Planned {
    resources: CapturedResource[];
    stackExport: unknown;
    outputs: Record<string, unknown>;
}

function planKubecost(region = "us-west-2"): Promise<Planned> {
    return planProgram(
        () => {
            const cluster = handMadeCluster({ region, name: "spark-dev" });
            const kubecost = new Kubecost("kubecost", { cluster, kmsKeyArn: KMS_KEY_ARN });
            return {
                workspaceId: kubecost.workspaceId,
                workspaceArn: kubecost.workspaceArn,
                queryRoleArn: kubecost.queryRoleArn,
                remoteWriteRoleArn: kubecost.remoteWriteRoleArn,
                portForwardCommand: kubecost.portForwardCommand,
            };
        },
        { account: { accountId: ACCOUNT, region } },
    );
}

const parse = <T>(text: unknown): T => JSON.parse(String(text)) as T;

interface TrustDoc {
    Statement: { Principal: { Federated: string }; Condition: { StringEquals: Record<string, string> } }[];
}
interface PolicyDoc {
    Statement: { Action: string[]; Resource: string }[];
}

describe("Kubecost component under the plan's mocks", function () {
    this.timeout(60_000);
    let plan: Planned;
    before(async () => {
        plan = await planKubecost();
    });

    it("registers one workspace, logging to a KMS-encrypted log group, with no alert manager or rule groups", () => {
        const [workspace, ...others] = ofType(plan, "aws:amp/workspace:Workspace");
        assert.ok(workspace);
        assert.equal(others.length, 0);
        const [logGroup] = ofType(plan, "aws:cloudwatch/logGroup:LogGroup");
        assert.equal(logGroup.inputs.kmsKeyId, KMS_KEY_ARN);
        // Named from project and stack, so neither waits for the control plane.
        assert.equal(workspace.inputs.alias, "spark-platform-test-kubecost");
        assert.match(String(logGroup.outputs.name), /^\/aws\/vendedlogs\/prometheus\/spark-platform-test-kubecost-/);
        assert.deepEqual(workspace.inputs.loggingConfiguration, { logGroupArn: `${String(logGroup.outputs.arn)}:*` });
        const alertsOrRules = /^aws:amp\/(alertManagerDefinition|ruleGroupNamespace)/;
        assert.equal(plan.resources.filter((r) => alertsOrRules.test(r.type)).length, 0);
    });

    it("registers one Kubecost release of the pinned chart in AMP mode, with the workspace's URLs", () => {
        const pin = readChartPin("cost-analyzer");
        const [chart, ...others] = ofType(plan, "kubernetes:helm.sh/v4:Chart");
        assert.equal(others.length, 0);
        assert.equal(chart.inputs.version, pin.version);
        assert.equal(chart.inputs.name, "kubecost");
        assert.equal(chart.inputs.namespace, "kubecost");
        const workspaceId = String(plan.outputs.workspaceId);
        assert.deepEqual(at(chart.inputs.values, "global.amp"), {
            enabled: true,
            prometheusServerEndpoint: `http://localhost:8005/workspaces/${workspaceId}`,
            remoteWriteService: `${AMP_US_WEST_2}/${workspaceId}/api/v1/remote_write`,
            sigv4: { region: "us-west-2" },
        });
    });

    it("trusts exactly the service accounts the chart values name, one role each", () => {
        const [chart] = ofType(plan, "kubernetes:helm.sh/v4:Chart");
        const values = chart.inputs.values;
        const roles = ofType(plan, "aws:iam/role:Role");
        assert.equal(roles.length, 2);
        const subjectOf = (arn: unknown) => {
            const role = roles.find((r) => r.outputs.arn === arn);
            assert.ok(role, `a role with ARN ${String(arn)}`);
            const trust = parse<TrustDoc>(role.inputs.assumeRolePolicy);
            assert.equal(trust.Statement.length, 1);
            assert.equal(trust.Statement[0].Principal.Federated, PROVIDER_ARN);
            assert.equal(trust.Statement[0].Condition.StringEquals[`${ISSUER}:aud`], STS_AUDIENCE);
            return trust.Statement[0].Condition.StringEquals[`${ISSUER}:sub`];
        };
        const sa = (path: string) => `system:serviceaccount:kubecost:${String(at(values, `${path}.name`))}`;
        const roleOf = (path: string) => at(values, `${path}.annotations`) as Tree;
        const queryRole = roleOf("serviceAccount")["eks.amazonaws.com/role-arn"];
        const writeRole = roleOf("prometheus.serviceAccounts.server")["eks.amazonaws.com/role-arn"];
        assert.equal(subjectOf(queryRole), sa("serviceAccount"));
        assert.equal(subjectOf(writeRole), sa("prometheus.serviceAccounts.server"));
        assert.equal(queryRole, plan.outputs.queryRoleArn);
        assert.equal(writeRole, plan.outputs.remoteWriteRoleArn);
    });

    it("grants each role only its AMP action set, on this workspace's ARN", () => {
        const workspaceArn = `arn:aws:aps:us-west-2:${ACCOUNT}:workspace/${String(plan.outputs.workspaceId)}`;
        assert.equal(plan.outputs.workspaceArn, workspaceArn);
        const policies = ofType(plan, "aws:iam/rolePolicy:RolePolicy");
        assert.deepEqual(policies.map((p) => p.inputs.name).sort(), ["amp-query", "amp-remote-write"]);
        const actionsOf = (name: string) => {
            const doc = parse<PolicyDoc>(policies.find((p) => p.inputs.name === name)!.inputs.policy);
            assert.deepEqual(
                doc.Statement.map((s) => s.Resource),
                [workspaceArn],
            );
            return doc.Statement.flatMap((s) => s.Action).sort();
        };
        assert.deepEqual(actionsOf("amp-query"), MANAGED_QUERY_ACCESS);
        assert.deepEqual(actionsOf("amp-remote-write"), MANAGED_REMOTE_WRITE_ACCESS);
        const attachments = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.equal(attachments.length, 0, "no managed policy on *");
    });

    it("creates the namespace, enforcing Pod Security restricted", () => {
        const [ns] = ofType(plan, "kubernetes:core/v1:Namespace");
        const metadata = ns.inputs.metadata as { name: string; labels: Record<string, string> };
        assert.equal(metadata.name, "kubecost");
        assert.equal(metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(metadata.labels["pod-security.kubernetes.io/warn"], "restricted");
    });

    it("tells users how to reach the UI without a load balancer", () => {
        const command = "kubectl port-forward --namespace kubecost deployment/kubecost-cost-analyzer 9090";
        assert.equal(plan.outputs.portForwardCommand, command);
    });

    it("passes the policy pack with zero violations and nothing left unevaluated", async () => {
        assert.deepEqual(await packVerdicts(plan.stackExport), { violations: [], notEvaluated: [] });
    });
});

describe("Kubecost IRSA trusts under independent IAM evaluation (iam-simulate)", function () {
    this.timeout(60_000);
    let trusts: Map<string, unknown>;
    before(async () => {
        const plan = await planKubecost();
        trusts = new Map(
            ofType(plan, "aws:iam/role:Role").map((r) => {
                const trust = parse<TrustDoc>(r.inputs.assumeRolePolicy);
                return [trust.Statement[0].Condition.StringEquals[`${ISSUER}:sub`], trust];
            }),
        );
    });

    interface Token {
        aud?: string;
        issuer?: string;
        provider?: string;
    }
    const assume = (trust: unknown, sub: string, opts: Token = {}) =>
        assumeWithWebIdentity({
            trustPolicy: trust,
            trustIssuer: ISSUER,
            providerArn: opts.provider ?? PROVIDER_ARN,
            issuer: opts.issuer ?? ISSUER,
            roleArn: `arn:aws:iam::${ACCOUNT}:role/kubecost`,
            sub,
            aud: opts.aud ?? STS_AUDIENCE,
        });

    const query = `system:serviceaccount:kubecost:${COST_ANALYZER_SERVICE_ACCOUNT}`;
    const write = `system:serviceaccount:kubecost:${PROMETHEUS_SERVICE_ACCOUNT}`;

    it("lets each role be assumed by its own service account", async () => {
        assert.deepEqual([...trusts.keys()].sort(), [query, write].sort());
        assert.equal(await assume(trusts.get(query), query), "Allowed");
        assert.equal(await assume(trusts.get(write), write), "Allowed");
    });

    it("must not let the other Kubecost service account, another namespace or a look-alike assume it", async () => {
        assert.equal(await assume(trusts.get(query), write), "ImplicitlyDenied");
        assert.equal(await assume(trusts.get(write), query), "ImplicitlyDenied");
        const elsewhere = `system:serviceaccount:default:${COST_ANALYZER_SERVICE_ACCOUNT}`;
        assert.equal(await assume(trusts.get(query), elsewhere), "ImplicitlyDenied");
        assert.equal(await assume(trusts.get(write), `${write}-x`), "ImplicitlyDenied");
    });

    it("must not accept a token for another audience, issuer or OIDC provider", async () => {
        assert.equal(await assume(trusts.get(query), query, { aud: "other" }), "ImplicitlyDenied");
        const otherIssuer = "oidc.eks.us-west-2.amazonaws.com/id/FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";
        const provider = (issuer: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`;
        const foreign = { issuer: otherIssuer, provider: provider(otherIssuer) };
        assert.equal(await assume(trusts.get(query), query, foreign), "ImplicitlyDenied");
        const github = provider("token.actions.githubusercontent.com");
        assert.equal(await assume(trusts.get(write), write, { provider: github }), "ImplicitlyDenied");
    });
});

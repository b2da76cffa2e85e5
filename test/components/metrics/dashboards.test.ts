/**
 * The dashboards of `dashboards/` parse as Grafana dashboard JSON and query only what the stack's collector gathers;
 * the optional Grafana workspace is planned for both autoscalers, reads the stack's AMP workspace and nothing more.
 */
import * as assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import {
    AMP_DATA_SOURCE_UID,
    DASHBOARDS,
    DASHBOARDS_DIR,
    DASHBOARD_FOLDER_UID,
    GRAFANA_SERVICE,
    GRAFANA_TOKEN_SECONDS_TO_LIVE,
    METRICS_BY_JOB,
    SYNTHETIC_METRICS,
    dashboardFiles,
    grafanaAmpPolicy,
    grafanaTokenRotation,
    grafanaTrustPolicy,
    scrapeJobsFor,
} from "../../../components/metrics";
import type { Autoscaler } from "../../../components/vocabulary";
import { parseSettings } from "../../../stack-config";
import { fixtureStackConfig, planFixture } from "../../support/fixture-stacks";
import { evaluatePermission } from "../../support/iam-simulation";
import { waitsFor } from "../../support/plan-graph";
import { ofType, one } from "../../support/plan-queries";
import { selectorsOf } from "../../support/promql";
import { PROJECT_DIR } from "../../../tools/plan/plan";
import { packVerdicts } from "../../../tools/policy-eval/evaluate";
import { SECRET_SIG, SPECIAL_SIG_KEY } from "../../../tools/stack-export";

interface Target {
    expr: string;
    refId: string;
    datasource: { type: string; uid: string };
}
interface Dashboard {
    uid: string;
    title: string;
    schemaVersion: number;
    templating: { list: { name: string; type: string; query: unknown; datasource?: unknown }[] };
    panels: { id: number; title: string; type: string; datasource: unknown; targets: Target[] }[];
}

const read = (file: string) => JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), "utf8")) as Dashboard;
const DS = { type: "prometheus", uid: "${datasource}" };
const ACCOUNT = "111111111111";
const WORKSPACE = `arn:aws:aps:us-west-2:${ACCOUNT}:workspace/ws-0c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8`;

/** Every PromQL a dashboard runs: panel queries and the selectors inside its variables' label_values(). */
function queriesOf(d: Dashboard): string[] {
    const variables = d.templating.list
        .filter((v) => v.type === "query")
        .map((v) => {
            const query = (v.query as { query: string }).query;
            const inner = /^label_values\((.+),\s*\w+\)$/.exec(query);
            assert.ok(inner, `${d.uid} variable ${v.name}: ${query}`);
            return inner[1];
        });
    return [...d.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...variables];
}

describe("dashboards (dashboards/*.json)", () => {
    it("are the dashboards listed, each a Grafana dashboard with a unique uid", () => {
        assert.deepEqual(readdirSync(DASHBOARDS_DIR).sort(), DASHBOARDS.map((d) => d.file).sort());
        const uids = DASHBOARDS.map((d) => read(d.file).uid);
        assert.equal(new Set(uids).size, uids.length);
        for (const { file } of DASHBOARDS) {
            const d = read(file);
            assert.equal(typeof d.title, "string", file);
            assert.ok(d.schemaVersion >= 36, `${file}: schema ${d.schemaVersion}`);
            assert.ok(d.panels.length > 0, file);
            assert.deepEqual(new Set(d.panels.map((p) => p.id)).size, d.panels.length, `${file}: panel ids`);
            // One data source, chosen on the dashboard: the AMP workspace added to Grafana.
            const [source] = d.templating.list.filter((v) => v.type === "datasource");
            assert.deepEqual([source.name, source.query], ["datasource", "prometheus"], file);
            for (const p of d.panels) {
                assert.deepEqual(p.datasource, DS, `${file}: ${p.title}`);
                assert.ok(p.targets.length > 0, `${file}: ${p.title}`);
                for (const t of p.targets) assert.deepEqual(t.datasource, DS, `${file}: ${p.title}`);
            }
        }
    });

    for (const autoscaler of ["karpenter", "cluster-autoscaler"] as Autoscaler[]) {
        it(`query, for a ${autoscaler} stack, only metrics its collector gathers, each from its own job`, () => {
            const files = dashboardFiles(autoscaler).map((f) => path.basename(f));
            assert.equal(files.length, 3);
            assert.ok(files.some((f) => f.includes(autoscaler)));
            const jobs = scrapeJobsFor(autoscaler);
            for (const file of files) {
                for (const expr of queriesOf(read(file))) {
                    const selectors = selectorsOf(expr);
                    assert.ok(selectors.length > 0, expr);
                    for (const { metric, job } of selectors) {
                        assert.ok(job, `${file}: ${metric} names its scrape job`);
                        for (const name of job.split("|")) {
                            assert.ok(jobs.includes(name as never), `${file}: job ${name} is not scraped`);
                            const produced = [
                                ...SYNTHETIC_METRICS,
                                ...METRICS_BY_JOB[name as keyof typeof METRICS_BY_JOB],
                            ];
                            assert.ok(produced.includes(metric), `${file}: ${name} does not produce ${metric}`);
                        }
                    }
                }
            }
        });
    }
});

describe("the Grafana workspace (grafanaWorkspace)", () => {
    describe("its role", () => {
        const trust = grafanaTrustPolicy({ partition: "aws", region: "us-west-2", accountId: ACCOUNT });
        const assume = (sourceArn: string, account = ACCOUNT) =>
            evaluatePermission({
                principal: GRAFANA_SERVICE,
                action: "sts:AssumeRole",
                resource: `arn:aws:iam::${ACCOUNT}:role/spark-dev-grafana`,
                accountId: ACCOUNT,
                identityPolicies: {},
                resourcePolicy: trust,
                context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": account },
            });

        it("is assumed by Grafana for the account's workspaces in the stack's region only", async () => {
            const ws = (region: string, account = ACCOUNT) =>
                `arn:aws:grafana:${region}:${account}:/workspaces/g-0123456789`;
            assert.equal(await assume(ws("us-west-2")), "Allowed");
            assert.equal(await assume(ws("eu-west-1")), "ImplicitlyDenied");
            assert.equal(await assume(ws("us-west-2", "222222222222"), "222222222222"), "ImplicitlyDenied");
        });

        it("reads the stack's AMP workspace, and writes to none", async () => {
            const policy = grafanaAmpPolicy(WORKSPACE);
            const may = (action: string, resource: string) =>
                evaluatePermission({
                    principal: `arn:aws:iam::${ACCOUNT}:role/spark-dev-grafana`,
                    action,
                    resource,
                    accountId: ACCOUNT,
                    identityPolicies: { "amp-query": policy },
                });
            assert.equal(await may("aps:QueryMetrics", WORKSPACE), "Allowed");
            assert.equal(await may("aps:GetSeries", WORKSPACE), "Allowed");
            assert.equal(await may("aps:QueryMetrics", WORKSPACE.replace("ws-0c1a", "ws-ffff")), "ImplicitlyDenied");
            assert.equal(await may("aps:RemoteWrite", WORKSPACE), "ImplicitlyDenied");
            assert.equal(await may("aps:DeleteWorkspace", WORKSPACE), "ImplicitlyDenied");
            assert.throws(() => grafanaAmpPolicy("ws-1"), /is not an AMP workspace ARN/);
        });
    });

    describe("in the planned program", function () {
        this.timeout(120_000);
        const cases = [
            { stack: "dev", autoscaler: "karpenter", option: "aws-sso", provider: "AWS_SSO" },
            { stack: "prod", autoscaler: "cluster-autoscaler", option: "saml", provider: "SAML" },
        ];

        for (const { stack, autoscaler, option, provider } of cases) {
            it(`${stack} (${autoscaler}): none by default`, async () => {
                const p = await planFixture({ stack });
                assert.equal(ofType(p, "aws:grafana/workspace:Workspace").length, 0);
                assert.deepEqual(
                    p.resources.filter((r) => /^(grafana:|pulumi:providers:grafana)/.test(r.type)).map((r) => r.urn),
                    [],
                );
                assert.equal(p.outputs.grafanaWorkspaceUrl, "none");
            });

            it(`${stack} (${autoscaler}) with grafanaWorkspace: ${option}, over the stack's AMP workspace`, async () => {
                const p = await planFixture({ stack, configOverrides: { grafanaWorkspace: option } });
                const grafana = one(p, "aws:grafana/workspace:Workspace");
                const role = one(p, "aws:iam/role:Role", "grafana-role");
                assert.deepEqual(
                    [
                        grafana.inputs.authenticationProviders,
                        grafana.inputs.permissionType,
                        grafana.inputs.roleArn,
                        grafana.inputs.dataSources,
                        grafana.inputs.accountAccessType,
                    ],
                    [[provider], "CUSTOMER_MANAGED", role.outputs.arn, ["PROMETHEUS"], "CURRENT_ACCOUNT"],
                );
                const [workspace] = ofType(p, "aws:amp/workspace:Workspace");
                const policy = one(p, "aws:iam/rolePolicy:RolePolicy", "grafana-amp-query");
                assert.deepEqual(
                    JSON.parse(String(policy.inputs.policy)),
                    grafanaAmpPolicy(String(workspace.outputs.arn)),
                );
                assert.equal(p.outputs.grafanaWorkspaceUrl, `https://${String(grafana.outputs.endpoint)}`);
                // Everything else plans as without Grafana.
                const without = await planFixture({ stack });
                const others = (plan: typeof p) =>
                    plan.resources.filter((r) => !r.urn.includes("spark:metrics:MetricsGrafana")).map((r) => r.urn);
                assert.deepEqual(others(p), others(without));
            });

            it(`${stack} (${autoscaler}) with grafanaWorkspace: ${option}: provisions with a rotated, secret token of an Admin service account`, async () => {
                const p = await planFixture({ stack, configOverrides: { grafanaWorkspace: option } });
                const grafana = one(p, "aws:grafana/workspace:Workspace");
                const account = one(p, "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount");
                assert.deepEqual([account.inputs.workspaceId, account.inputs.grafanaRole], [grafana.id, "ADMIN"]);
                const token = one(p, "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken");
                assert.deepEqual(
                    [token.inputs.workspaceId, token.inputs.serviceAccountId, token.inputs.secondsToLive],
                    [grafana.id, account.outputs.serviceAccountId, GRAFANA_TOKEN_SECONDS_TO_LIVE],
                );
                assert.ok(GRAFANA_TOKEN_SECONDS_TO_LIVE <= 2_592_000);
                // Named for the rotation window of the plan (the plan may be up to an hour old in a long run).
                const windows = [new Date(), new Date(Date.now() - 3_600_000)].map((d) => grafanaTokenRotation(d).name);
                assert.ok(windows.includes(String(token.inputs.name)), String(token.inputs.name));
                assert.ok(token.additionalSecretOutputs.includes("key"), "the token's key is a secret in the state");

                // An explicit provider of this workspace, authenticated with the token as a secret; every Grafana
                // resource uses it, never a default provider configured from the environment.
                const provider = one(p, "pulumi:providers:grafana");
                assert.equal(provider.inputs.url, `https://${String(grafana.outputs.endpoint)}`);
                const auth = provider.serializedInputs.auth as Record<string, unknown>;
                assert.equal(auth[SPECIAL_SIG_KEY], SECRET_SIG, "the provider's auth is a secret");
                assert.equal(auth.value, token.outputs.key);
                const inGrafana = p.resources.filter((r) => r.type.startsWith("grafana:"));
                assert.equal(inGrafana.length, 2 + dashboardFiles(autoscaler as Autoscaler).length);
                for (const r of inGrafana) assert.ok(r.provider?.startsWith(`${provider.urn}::`), r.name);
                // The key is never a stack output.
                assert.ok(!JSON.stringify(p.outputs).includes(String(token.outputs.key)));
            });

            it(`${stack} (${autoscaler}) with grafanaWorkspace: ${option}: AMP as data source and the stack's dashboards bound to it`, async () => {
                const p = await planFixture({ stack, configOverrides: { grafanaWorkspace: option } });
                const source = one(p, "grafana:oss/dataSource:DataSource");
                const queryUrl = (p.outputs.ampWorkspace as { queryUrl: string }).queryUrl;
                assert.match(
                    queryUrl,
                    /^https:\/\/aps-workspaces\.[a-z0-9-]+\.amazonaws\.com\/workspaces\/ws-[0-9a-f-]+$/,
                );
                assert.deepEqual(
                    [source.inputs.type, source.inputs.uid, source.inputs.url],
                    ["prometheus", AMP_DATA_SOURCE_UID, queryUrl],
                );
                assert.deepEqual(JSON.parse(String(source.inputs.jsonDataEncoded)), {
                    httpMethod: "POST",
                    sigV4Auth: true,
                    sigV4AuthType: "ec2_iam_role",
                    sigV4Region: p.account.region,
                });

                const folder = one(p, "grafana:oss/folder:Folder");
                assert.equal(folder.inputs.uid, DASHBOARD_FOLDER_UID);
                assert.match(String(folder.inputs.title), new RegExp(`spark-${stack}`));
                const provisioned = ofType(p, "grafana:oss/dashboard:Dashboard").map((d) => {
                    assert.equal(d.inputs.folder, folder.outputs.uid, d.name);
                    assert.ok(d.dependencies.includes(source.urn), d.name);
                    return JSON.parse(String(d.inputs.configJson)) as Dashboard;
                });
                // Each dashboard of the stack once, by its file's uid.
                const expected = dashboardFiles(autoscaler as Autoscaler).map((f) => read(path.basename(f)).uid);
                assert.deepEqual(provisioned.map((d) => d.uid).sort(), [...expected].sort());
                for (const d of provisioned) {
                    const bound = { type: "prometheus", uid: AMP_DATA_SOURCE_UID };
                    for (const panel of d.panels) {
                        assert.deepEqual(panel.datasource, bound, `${d.uid}: ${panel.title}`);
                        for (const t of panel.targets)
                            assert.deepEqual(t.datasource, bound, `${d.uid}: ${panel.title}`);
                    }
                    assert.deepEqual(
                        d.templating.list.filter((v) => v.type === "datasource"),
                        [],
                        d.uid,
                    );
                    for (const v of d.templating.list) assert.deepEqual(v.datasource, bound, `${d.uid}: ${v.name}`);
                }
            });

            it(`${stack} (${autoscaler}) with grafanaWorkspace: ${option}: passes the policy pack`, async () => {
                const p = await planFixture({ stack, configOverrides: { grafanaWorkspace: option } });
                const config: unknown = JSON.parse(
                    readFileSync(path.join(PROJECT_DIR, "policies", "config", `${stack}.json`), "utf8"),
                );
                assert.deepEqual((await packVerdicts(p.stackExport, config)).violations, []);
            });

            it(`${stack} (${autoscaler}) with grafanaWorkspace: ${option}: nothing in Grafana waits for the cluster`, async () => {
                const p = await planFixture({ stack, configOverrides: { grafanaWorkspace: option } });
                const index = new Map(p.resources.map((r) => [r.urn, r]));
                const provisioning = p.resources.filter(
                    (r) => r.custom && r.urn.includes("spark:metrics:MetricsGrafana$"),
                );
                assert.ok(provisioning.length > 8);
                const allowed =
                    /^(aws:grafana\/|grafana:oss\/(folder|dataSource):|aws:iam\/role(Policy)?:|aws:amp\/workspace:|aws:cloudwatch\/logGroup:|aws:kms\/|pulumi:providers:(aws|grafana))/;
                for (const r of provisioning) {
                    const upstream = [...waitsFor(p, r)].map((urn) => index.get(urn)!.type);
                    assert.deepEqual(
                        upstream.filter((t) => !allowed.test(t)),
                        [],
                        r.name,
                    );
                }
            });
        }

        it("refuses another value, naming the allowed ones", () => {
            const raw = fixtureStackConfig("dev");
            raw.set("spark-platform:grafanaWorkspace", "sso");
            assert.throws(
                () => parseSettings(raw, "spark-platform", "dev"),
                (e: Error) =>
                    /spark-platform:grafanaWorkspace: "sso" is not allowed; use one of: none, aws-sso, saml/.test(
                        e.message,
                    ),
            );
        });
    });
});

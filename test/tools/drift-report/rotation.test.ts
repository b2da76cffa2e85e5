/**
 * A rotation falling due (drift-ignore.yaml `rotations:`): the Grafana provisioning token's replacement into a newer
 * window is reported under "Rotation due" with what it keeps the preview from comparing, and is not drift; anything
 * more than the rotation stays drift. Previews are shaped as `pulumi preview --refresh --json` prints them for a
 * rotation: the token replaced, the Grafana provider's `auth` updated, and each Grafana resource an update without
 * detail plus the engine's warning that its provider's inputs are not known during preview.
 */
import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { grafanaTokenRotation } from "../../../components/metrics";
import { InputError } from "../../../tools/cli";
import { DEFAULT_IGNORE_FILE } from "../../../tools/drift-report/command";
import { DIFF_UNAVAILABLE } from "../../../tools/drift-report/due-rotation";
import { readDriftRules } from "../../../tools/drift-report/ignore";
import { ROTATION_HEADING } from "../../../tools/drift-report/markdown";
import type { CapturedResource } from "../../../tools/plan/capture";
import { planFixture } from "../../support/fixture-stacks";
import { one } from "../../support/plan-queries";
import { digest, refreshStep, state, State, urn } from "./fixtures";
import { reportHarness } from "./harness";

const IN_GRAFANA = "spark:metrics:MetricsGrafana$";
const TOKEN_TYPE = "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken";
const TOKEN = urn(TOKEN_TYPE, "grafana-provisioner-token", IN_GRAFANA);
const WORKSPACE = urn("aws:grafana/workspace:Workspace", "grafana-workspace", IN_GRAFANA);
const PROVIDER = urn("pulumi:providers:grafana", "grafana-grafana", IN_GRAFANA);
const FOLDER = urn("grafana:oss/folder:Folder", "grafana-folder", IN_GRAFANA);
const DASHBOARD = urn("grafana:oss/dashboard:Dashboard", "grafana-spark-jobs-per-team", IN_GRAFANA);
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const RULE = [
    "rotations:",
    `  - type: ${TOKEN_TYPE}`,
    "    name: grafana-provisioner-token",
    "    path: name",
    "    pattern: pulumi-{date}",
    "    unchanged: [secondsToLive]",
    "    reason: named for its 15-day window",
    "",
].join("\n");

const token = (name: string, extra: Record<string, unknown> = {}): State =>
    state(TOKEN, { workspaceId: "g-1", serviceAccountId: "sa-1", name, secondsToLive: 2_592_000, ...extra });
const provider = (auth: string, dependencies = { auth: [TOKEN], url: [WORKSPACE] }) => ({
    ...state(PROVIDER, { auth, url: "https://g-1.grafana-workspace.us-west-2.amazonaws.com" }, {}, "prov-1"),
    propertyDependencies: dependencies,
});
const inGrafana = (u: string) => ({ ...state(u, { title: "x" }), provider: `${PROVIDER}::prov-1` });

function replaceStep(old: State, next: State, detailedDiff: Record<string, { kind: string; inputDiff: boolean }>) {
    const keys = Object.keys(detailedDiff);
    return {
        op: "replace",
        urn: old.urn,
        provider: "urn:pulumi:dev::spark-platform::pulumi:providers:aws::aws::aws-1",
        oldState: old,
        newState: { ...next, id: undefined, outputs: undefined },
        diffReasons: keys,
        replaceReasons: keys.filter((k) => detailedDiff[k].kind.endsWith("-replace")),
        detailedDiff,
    };
}

const NAME_ONLY = { name: { kind: "update-replace", inputDiff: true } };

/** A rotation preview; `change` alters its parts for the near-misses. */
function rotationPreview(
    change: {
        tokenStep?: unknown;
        /** null: no provider step (the provider unchanged). */
        providerStep?: unknown;
        providerState?: ReturnType<typeof provider>;
        warnings?: string[];
    } = {},
) {
    const cloudProvider = change.providerState ?? provider("[secret]");
    const folder = inGrafana(FOLDER);
    const dashboard = inGrafana(DASHBOARD);
    const noDetail = (s: State) => ({
        op: "update",
        urn: s.urn,
        provider: `${PROVIDER}::prov-1`,
        oldState: s,
        newState: { ...s, id: undefined },
        detailedDiff: null,
    });
    const steps = [
        refreshStep(token("pulumi-2026-11-18")),
        refreshStep(cloudProvider),
        refreshStep(folder),
        refreshStep(dashboard),
        change.tokenStep ?? replaceStep(token("pulumi-2026-11-18"), token("pulumi-2026-12-03"), NAME_ONLY),
        change.providerStep !== undefined
            ? change.providerStep
            : {
                  op: "update",
                  urn: PROVIDER,
                  oldState: cloudProvider,
                  newState: { ...cloudProvider, inputs: { ...cloudProvider.inputs, auth: "[secret]" } },
                  diffReasons: ["auth"],
                  detailedDiff: { auth: { kind: "update", inputDiff: true } },
              },
        noDetail(folder),
        noDetail(dashboard),
    ].filter((s) => s !== null);
    const warnings = change.warnings ?? [FOLDER, DASHBOARD];
    return digest(steps, {
        diagnostics: warnings.map((u) => ({
            urn: u,
            message: `warning: ${DIFF_UNAVAILABLE}.\nThis preview may not correctly represent the changes that will be applied during an update.\n`,
            severity: "warning",
        })),
    });
}

describe("npm run drift:report: a rotation falling due", () => {
    const { file, report } = reportHarness("drift-rotation-");
    const rules = () => file(RULE, "yaml");
    const driftedNames = (json: { drifted: { name: string }[] }) => json.drifted.map((d) => d.name).sort();

    it("reports the token's move to a newer window as a rotation due, with what follows from it, and not as drift", async () => {
        const r = await report(rotationPreview(), { ignore: rules() });
        assert.equal(r.code, 0, r.markdown);
        assert.deepEqual(r.json.drifted, []);
        assert.deepEqual(r.json.rotations, [
            {
                urn: TOKEN,
                type: TOKEN_TYPE,
                name: "grafana-provisioner-token",
                path: "name",
                old: "pulumi-2026-11-18",
                new: "pulumi-2026-12-03",
                reason: "named for its 15-day window",
                followers: [
                    {
                        urn: PROVIDER,
                        type: "pulumi:providers:grafana",
                        name: "grafana-grafana",
                        kind: "configured-from",
                        properties: [{ path: "auth", kind: "update", old: "[secret]", new: "[secret]" }],
                    },
                    {
                        urn: DASHBOARD,
                        type: "grafana:oss/dashboard:Dashboard",
                        name: "grafana-spark-jobs-per-team",
                        kind: "not-compared",
                        properties: [],
                    },
                    {
                        urn: FOLDER,
                        type: "grafana:oss/folder:Folder",
                        name: "grafana-folder",
                        kind: "not-compared",
                        properties: [],
                    },
                ],
            },
        ]);
        assert.match(r.markdown, /^## Drift check in stack `dev`: no drift; a rotation is due, run `pulumi up`\n/);
        assert.ok(r.markdown.includes(`\n${ROTATION_HEADING} (1, see drift-ignore.yaml)\n`), r.markdown);
        assert.match(
            r.markdown,
            /\| <code>grafana-provisioner-token<\/code> \| .* \| <code>name<\/code> \| <code>"pulumi-2026-11-18"<\/code> \| <code>"pulumi-2026-12-03"<\/code> \| named for its 15-day window \|/,
        );
        assert.match(
            r.markdown,
            /- <code>grafana-folder<\/code> \(<code>grafana:oss\/folder:Folder<\/code>\): not compared/,
        );
        assert.doesNotMatch(r.markdown, /drifted/);

        // Without the rule, the same preview is drift: the token replaced, the provider and its resources updated.
        const without = await report(rotationPreview());
        assert.equal(without.code, 3);
        assert.deepEqual(driftedNames(without.json), [
            "grafana-folder",
            "grafana-grafana",
            "grafana-provisioner-token",
            "grafana-spark-jobs-per-team",
        ]);
    });

    it("takes the provider's dependency from its refreshed state when the preview shows it unchanged", async () => {
        const r = await report(rotationPreview({ providerStep: null }), { ignore: rules() });
        assert.equal(r.code, 0, r.markdown);
        assert.deepEqual(
            r.json.rotations[0].followers.map((f) => [f.name, f.kind]),
            [
                ["grafana-spark-jobs-per-team", "not-compared"],
                ["grafana-folder", "not-compared"],
            ],
        );
    });

    it("reads the same rotation from the event log, whose states carry no property dependencies", async () => {
        const digestOnly = rotationPreview();
        const pre = (s: { op: string; urn: string; oldState?: State; newState?: State; detailedDiff: unknown }) => ({
            resourcePreEvent: {
                metadata: {
                    op: s.op,
                    urn: s.urn,
                    type: s.urn.split("::")[2].split("$").pop(),
                    provider: "",
                    old: s.oldState && { ...s.oldState, propertyDependencies: undefined },
                    new: s.newState && { ...s.newState, propertyDependencies: undefined },
                    detailedDiff: s.detailedDiff,
                },
            },
        });
        const events = (digestOnly.steps as Parameters<typeof pre>[0][])
            .filter((s) => s.op !== "same" && s.op !== "refresh")
            .map(pre)
            .map((e) => JSON.stringify(e))
            .join("\n");
        const r = await report(digestOnly, { ignore: rules(), events: `${events}\n` });
        assert.equal(r.code, 0, r.markdown);
        assert.deepEqual(
            r.json.rotations.map((x) => x.followers.length),
            [3],
        );
    });

    describe("anything more than the rotation stays drift", () => {
        const cases: [string, Parameters<typeof rotationPreview>[0], string[]][] = [
            [
                "another property of the token changes too (secondsToLive)",
                {
                    tokenStep: replaceStep(
                        token("pulumi-2026-11-18"),
                        token("pulumi-2026-12-03", { secondsToLive: 86_400 }),
                        { ...NAME_ONLY, secondsToLive: { kind: "update-replace", inputDiff: true } },
                    ),
                },
                ["grafana-folder", "grafana-grafana", "grafana-provisioner-token", "grafana-spark-jobs-per-team"],
            ],
            [
                "secondsToLive differs although the provider's diff names only the name",
                {
                    tokenStep: replaceStep(
                        token("pulumi-2026-11-18"),
                        token("pulumi-2026-12-03", { secondsToLive: 86_400 }),
                        NAME_ONLY,
                    ),
                },
                ["grafana-folder", "grafana-grafana", "grafana-provisioner-token", "grafana-spark-jobs-per-team"],
            ],
            [
                "secondsToLive unknown in the program",
                {
                    tokenStep: replaceStep(
                        token("pulumi-2026-11-18"),
                        token("pulumi-2026-12-03", { secondsToLive: UNKNOWN }),
                        NAME_ONLY,
                    ),
                },
                ["grafana-folder", "grafana-grafana", "grafana-provisioner-token", "grafana-spark-jobs-per-team"],
            ],
            [
                "a rotation to an older window",
                { tokenStep: replaceStep(token("pulumi-2026-12-03"), token("pulumi-2026-11-18"), NAME_ONLY) },
                ["grafana-folder", "grafana-grafana", "grafana-provisioner-token", "grafana-spark-jobs-per-team"],
            ],
            ...["pulumi-latest", "pulumi-2026-02-30", "other-2026-12-03", "pulumi-2026-12-03-x", "[secret]"].map(
                (name): [string, Parameters<typeof rotationPreview>[0], string[]] => [
                    `a name that is not a rotation name (${name})`,
                    { tokenStep: replaceStep(token("pulumi-2026-11-18"), token(name), NAME_ONLY) },
                    ["grafana-folder", "grafana-grafana", "grafana-provisioner-token", "grafana-spark-jobs-per-team"],
                ],
            ),
            [
                "the token deleted",
                {
                    tokenStep: { op: "delete", urn: TOKEN, oldState: token("pulumi-2026-11-18"), detailedDiff: null },
                    providerStep: null,
                    warnings: [],
                },
                ["grafana-folder", "grafana-provisioner-token", "grafana-spark-jobs-per-team"],
            ],
            [
                "the token created (gone from the cloud)",
                {
                    tokenStep: {
                        op: "create",
                        urn: TOKEN,
                        newState: { ...token("pulumi-2026-12-03"), id: undefined },
                        detailedDiff: null,
                    },
                },
                ["grafana-folder", "grafana-grafana", "grafana-provisioner-token", "grafana-spark-jobs-per-team"],
            ],
            [
                "the provider changes more than what the token gives it (its url too)",
                {
                    providerStep: {
                        op: "update",
                        urn: PROVIDER,
                        oldState: provider("[secret]"),
                        newState: provider("[secret]"),
                        detailedDiff: {
                            auth: { kind: "update", inputDiff: true },
                            url: { kind: "update", inputDiff: true },
                        },
                    },
                },
                ["grafana-folder", "grafana-grafana", "grafana-spark-jobs-per-team"],
            ],
            [
                "the program now takes the provider's auth from elsewhere (the state still says the token)",
                {
                    providerStep: {
                        op: "update",
                        urn: PROVIDER,
                        oldState: provider("[secret]"),
                        newState: provider("[secret]", { auth: [WORKSPACE], url: [WORKSPACE] }),
                        detailedDiff: { auth: { kind: "update", inputDiff: true } },
                    },
                },
                ["grafana-folder", "grafana-grafana", "grafana-spark-jobs-per-team"],
            ],
            [
                "the provider's auth does not come from the token",
                { providerState: provider("[secret]", { auth: [WORKSPACE], url: [WORKSPACE] }) },
                ["grafana-folder", "grafana-grafana", "grafana-spark-jobs-per-team"],
            ],
            [
                "a Grafana resource without the engine's warning that it could not be compared",
                { warnings: [DASHBOARD] },
                ["grafana-folder"],
            ],
        ];
        for (const [what, change, drifted] of cases) {
            it(what, async () => {
                const r = await report(rotationPreview(change), { ignore: rules() });
                assert.equal(r.code, 3, r.markdown);
                assert.deepEqual(driftedNames(r.json), drifted);
            });
        }

        it("another type, or another resource name, with the same change", async () => {
            for (const other of [
                urn("aws:grafana/workspaceApiKey:WorkspaceApiKey", "grafana-provisioner-token", IN_GRAFANA),
                urn(TOKEN_TYPE, "grafana-other-token", IN_GRAFANA),
            ]) {
                const old = { ...token("pulumi-2026-11-18"), urn: other, type: other.split("::")[2].split("$")[1] };
                const next = { ...old, inputs: { ...old.inputs, name: "pulumi-2026-12-03" } };
                const r = await report(digest([replaceStep(old, next, NAME_ONLY)]), { ignore: rules() });
                assert.equal(r.code, 3, other);
                assert.deepEqual(r.json.rotations, []);
                assert.deepEqual(
                    r.json.drifted.map((d) => [d.urn, d.op]),
                    [[other, "replace"]],
                );
            }
        });
    });

    describe("a rotation rule is checked like an ignore rule, one line per problem", () => {
        const base = {
            type: TOKEN_TYPE,
            name: "grafana-provisioner-token",
            path: "name",
            pattern: "pulumi-{date}",
            unchanged: ["secondsToLive"],
            reason: "r",
        };
        const cases: [Record<string, unknown>, string][] = [
            [{ type: "aws:grafana/*" }, "rotations[0].type 'aws:grafana/*' must be one type token, without `*`"],
            [{ name: "*-token" }, "rotations[0].name '*-token' must be the resource's name as the program registers"],
            [{ name: undefined }, "rotations[0].name must be a non-empty string"],
            [{ path: "name[*]" }, "rotations[0].path 'name[*]' is not a property path without `*`"],
            [
                { pattern: "pulumi-latest" },
                "rotations[0].pattern 'pulumi-latest' must hold {date} (YYYY-MM-DD) exactly once",
            ],
            [{ pattern: "{date}-{date}" }, "rotations[0].pattern '{date}-{date}' must hold {date}"],
            [{ unchanged: "secondsToLive" }, "rotations[0].unchanged must be a list of input names"],
            [{ unchanged: ["name"] }, "rotations[0].unchanged must not name the rotating input 'name'"],
            [{ reason: "" }, "rotations[0].reason must be a non-empty string"],
            [{ why: "x" }, "rotations[0].why is not known (type, name, path, pattern, unchanged, reason)"],
        ];
        for (const [change, message] of cases) {
            it(JSON.stringify(change) ?? "", () => {
                const rule = Object.fromEntries(
                    Object.entries({ ...base, ...change }).filter(([, v]) => v !== undefined),
                );
                assert.throws(
                    () => readDriftRules({ rotations: [rule] }, "drift-ignore.yaml"),
                    (e: unknown) =>
                        e instanceof InputError &&
                        e.message.startsWith(`drift-ignore.yaml: ${message}`) &&
                        !e.message.includes("\n"),
                );
            });
        }

        it("a list that is not one, and an unknown top-level key", () => {
            assert.throws(
                () => readDriftRules({ rotations: base }, "f.yaml"),
                /^InputError: f\.yaml: `rotations` must be a list of rules$/,
            );
            assert.throws(
                () => readDriftRules({ rotation: [] }, "f.yaml"),
                /^InputError: f\.yaml: key 'rotation' is not known \(only `ignore` and `rotations`\)$/,
            );
        });
    });

    describe("a preview that failed because the token expired", () => {
        const refreshes = [
            refreshStep(token("pulumi-2026-10-04")),
            refreshStep(provider("[secret]")),
            refreshStep(inGrafana(DASHBOARD)),
        ];
        const failed = (message: string, at = DASHBOARD) =>
            digest(refreshes, {
                diagnostics: [
                    { urn: at, message: `error: Preview failed: refreshing ${at}: ${message}\n`, severity: "error" },
                    { message: "error: preview failed\n", severity: "error" },
                ],
            });

        for (const message of [
            '[GET /dashboards/uid/{uid}][401] getDashboardByUidUnauthorized {"message":"Invalid API key"}',
            "[GET /folders/{folder_uid}] getFolderByUID (status 401): {}",
            'status: 401, body: {"message":"Expired API key"}',
        ]) {
            it(`points at \`pulumi up\` on HTTP 401 from a resource of the token's provider: ${message.slice(0, 40)}…`, async () => {
                const r = await report(failed(message), { ignore: rules() });
                assert.equal(r.code, 1);
                assert.deepEqual(r.json.drifted, []);
                assert.match(r.json.errors[0].hint ?? "", /configured from `grafana-provisioner-token`/);
                assert.match(r.json.errors[0].hint ?? "", /run `pulumi up` \(without `--refresh`\)/);
                assert.equal(r.json.errors[1].hint, undefined);
                assert.match(r.markdown, /the preview failed[\s\S]*What to do:\n\n- HTTP 401: .*`pulumi up`/);
            });
        }

        it("leaves any other failure a plain error: a 403, a 401 elsewhere, or no rotation rule", async () => {
            const other = urn("aws:iam/role:Role", "grafana-role", IN_GRAFANA);
            const plain = [
                await report(failed("[GET /dashboards/uid/{uid}][403] getDashboardByUidForbidden {}"), {
                    ignore: rules(),
                }),
                await report(failed("[GET /x][401] getXUnauthorized {}", other), { ignore: rules() }),
                await report(failed("[GET /dashboards/uid/{uid}][401] getDashboardByUidUnauthorized {}")),
            ];
            for (const r of plain) {
                assert.equal(r.code, 1);
                assert.deepEqual(
                    r.json.errors.map((e) => e.hint),
                    [undefined, undefined],
                );
                assert.doesNotMatch(r.markdown, /What to do/);
            }
        });
    });

    it("ships the Grafana token's rotation rule, valid and with its reason", () => {
        const shipped = readDriftRules(parseYaml(fs.readFileSync(DEFAULT_IGNORE_FILE, "utf8")), DEFAULT_IGNORE_FILE);
        assert.deepEqual(
            shipped.rotations.map((r) => [r.type, r.name, r.path, r.pattern]),
            [[TOKEN_TYPE, "grafana-provisioner-token", "name", "pulumi-{date}"]],
        );
        assert.match(shipped.rotations[0].reason, /15-day window/);
    });

    describe("the shipped rule against the program's own token", function () {
        this.timeout(120_000);

        it("recognises the rotation of the token, provider and Grafana resources the program registers", async () => {
            const plan = await planFixture({ stack: "dev", configOverrides: { grafanaWorkspace: "aws-sso" } });
            const tokenType = (aws.grafana.WorkspaceServiceAccountToken as unknown as { __pulumiType: string })
                .__pulumiType;
            const planned = one(plan, tokenType);
            const grafanaProvider = one(plan, "pulumi:providers:grafana");
            const inWorkspace = plan.resources.filter((r) => r.type.startsWith("grafana:"));
            assert.ok(inWorkspace.length >= 3);
            // The name the program gave the token (the plan may be older than this test), and the one of the
            // window before it, as a preview in the next window would see them.
            const now = grafanaTokenRotation(new Date(`${String(planned.inputs.name).slice("pulumi-".length)}T00:00Z`));
            assert.equal(planned.inputs.name, now.name);
            const before = grafanaTokenRotation(new Date(now.windowStart.getTime() - 1));

            const asState = (r: CapturedResource, inputs: Record<string, unknown> = r.inputs) => ({
                urn: r.urn,
                custom: true,
                id: `${r.name}-id`,
                type: r.type,
                inputs,
                outputs: inputs,
                parent: r.parent,
                provider: r.provider,
                propertyDependencies: r.propertyDependencies,
            });
            const providerInputs = { ...grafanaProvider.inputs, auth: "[secret]" };
            const cloudToken = asState(planned, { ...planned.inputs, name: before.name });
            const steps = [
                refreshStep(cloudToken),
                refreshStep(asState(grafanaProvider, providerInputs)),
                ...inWorkspace.map((r) => refreshStep(asState(r))),
                replaceStep(cloudToken, asState(planned), NAME_ONLY),
                {
                    op: "update",
                    urn: grafanaProvider.urn,
                    oldState: asState(grafanaProvider, providerInputs),
                    newState: asState(grafanaProvider, providerInputs),
                    detailedDiff: { auth: { kind: "update", inputDiff: true } },
                },
                ...inWorkspace.map((r) => ({
                    op: "update",
                    urn: r.urn,
                    provider: r.provider,
                    oldState: asState(r),
                    newState: asState(r),
                    detailedDiff: null,
                })),
            ];
            const preview = digest(steps, {
                diagnostics: inWorkspace.map((r) => ({
                    urn: r.urn,
                    message: `warning: ${DIFF_UNAVAILABLE}.\n`,
                    severity: "warning",
                })),
            });
            const r = await report(preview, { ignore: DEFAULT_IGNORE_FILE });
            assert.equal(r.code, 0, r.markdown);
            assert.deepEqual(
                r.json.rotations.map((x) => [x.urn, x.old, x.new, x.followers.length]),
                [[planned.urn, before.name, now.name, 1 + inWorkspace.length]],
            );
            // The rule names exactly the type and name the program registers, and inputs the program sets.
            const shipped = readDriftRules(parseYaml(fs.readFileSync(DEFAULT_IGNORE_FILE, "utf8")), "f");
            assert.deepEqual(
                shipped.rotations.map((x) => [x.type, x.name]),
                [[tokenType, planned.name]],
            );
            for (const key of [shipped.rotations[0].path, ...shipped.rotations[0].unchanged])
                assert.ok(key in planned.inputs, key);
        });
    });
});

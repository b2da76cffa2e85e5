/**
 * What the program provisions into the Amazon Managed Grafana workspace, as pure functions: the provisioning token's
 * rotation (a token in use never expires), the AMP data source, and the dashboards of `dashboards/` bound to it while
 * the files keep their data source variable for every other Grafana.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
    AMP_DATA_SOURCE_UID,
    DASHBOARDS,
    DASHBOARDS_DIR,
    ampDataSource,
    grafanaTokenRotation,
    provisionedDashboard,
} from "../../../components/metrics";

const DAY = 24 * 60 * 60 * 1000;
// AMG's limit, typed out (not imported), so a longer token fails here (CreateWorkspaceServiceAccountToken).
const MAX_SECONDS_TO_LIVE = 2_592_000;

/** Every `datasource` object of a dashboard model, with where it sits. */
function dataSourceReferences(value: unknown, at = "$"): { at: string; ref: unknown }[] {
    if (Array.isArray(value)) return value.flatMap((v, i) => dataSourceReferences(v, `${at}[${i}]`));
    if (typeof value !== "object" || value === null) return [];
    return Object.entries(value).flatMap(([key, v]) => [
        ...(key === "datasource" ? [{ at: `${at}.${key}`, ref: v }] : []),
        ...dataSourceReferences(v, `${at}.${key}`),
    ]);
}

describe("the Grafana provisioning token's rotation", () => {
    it("names the token for the 15-day window (UTC, from the epoch) the program runs in", () => {
        const rotation = grafanaTokenRotation(new Date("2026-12-07T05:40:00Z"));
        assert.equal(rotation.name, "pulumi-2026-12-03");
        assert.equal(rotation.windowStart.toISOString(), "2026-12-03T00:00:00.000Z");
        assert.equal(rotation.windowEnd.toISOString(), "2026-12-18T00:00:00.000Z");
        assert.equal(grafanaTokenRotation(new Date("2026-12-17T23:59:59.999Z")).name, "pulumi-2026-12-03");
        assert.equal(grafanaTokenRotation(new Date("2026-12-18T00:00:00Z")).name, "pulumi-2026-12-18");
    });

    it("mints tokens AMG accepts, each valid through the window after the one it was made in", () => {
        for (let t = Date.parse("2026-01-01T00:00:00Z"); t < Date.parse("2027-01-01T00:00:00Z"); t += 0.37 * DAY) {
            const made = grafanaTokenRotation(new Date(t));
            assert.ok(made.secondsToLive > 0 && made.secondsToLive <= MAX_SECONDS_TO_LIVE, String(made.secondsToLive));
            const expires = t + made.secondsToLive * 1000;
            // `pulumi up` in the same window keeps this token: it must not expire before the window ends ...
            assert.ok(expires >= made.windowEnd.getTime(), made.name);
            // ... and a refresh or destroy one window later still runs with it.
            const next = grafanaTokenRotation(made.windowEnd);
            assert.notEqual(next.name, made.name);
            assert.ok(expires >= next.windowEnd.getTime(), `${made.name} made ${new Date(t).toISOString()}`);
        }
    });

    it("refuses an invalid clock", () => {
        assert.throws(() => grafanaTokenRotation(new Date("not a date")), /needs a valid date/);
    });
});

describe("the AMP data source", () => {
    const queryUrl =
        "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8";

    it("is Prometheus at the workspace's query URL, signed with SigV4 by the workspace's role in its region", () => {
        assert.deepEqual(ampDataSource({ queryUrl, region: "eu-west-1" }), {
            type: "prometheus",
            url: queryUrl,
            jsonData: { httpMethod: "POST", sigV4Auth: true, sigV4AuthType: "ec2_iam_role", sigV4Region: "eu-west-1" },
        });
    });

    it("refuses a URL that is not a workspace's query URL, naming it", () => {
        for (const url of [`${queryUrl}/api/v1/query`, `${queryUrl}/`, "http://localhost:9090", "ws-1"]) {
            assert.throws(
                () => ampDataSource({ queryUrl: url, region: "eu-west-1" }),
                (e: Error) => e.message.includes(JSON.stringify(url)) && /query URL/.test(e.message),
                url,
            );
        }
    });
});

describe("the dashboards as provisioned", () => {
    for (const { file } of DASHBOARDS) {
        it(`${file}: every data source reference names the provisioned data source; the queries are the file's`, () => {
            const original = JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), "utf8")) as {
                uid: string;
                panels: { targets: { expr: string }[] }[];
                templating: { list: { name: string; type: string }[] };
            };
            const model = provisionedDashboard(original, AMP_DATA_SOURCE_UID, file) as typeof original;
            const references = dataSourceReferences(model);
            assert.ok(references.length > original.panels.length, file);
            for (const { at, ref } of references) {
                assert.deepEqual(ref, { type: "prometheus", uid: AMP_DATA_SOURCE_UID }, `${file} ${at}`);
            }
            assert.ok(
                !JSON.stringify(model).includes("$datasource") && !JSON.stringify(model).includes("${datasource}"),
            );
            assert.equal(model.uid, original.uid);
            assert.deepEqual(
                model.templating.list.map((v) => v.name),
                original.templating.list.filter((v) => v.type !== "datasource").map((v) => v.name),
            );
            const queries = (d: typeof original) => d.panels.flatMap((p) => p.targets.map((t) => t.expr));
            assert.deepEqual(queries(model), queries(original));
            // The file itself keeps its variable: other Grafanas import it and pick their own data source.
            assert.ok(JSON.stringify(original).includes('"${datasource}"'), file);
        });
    }

    it("refuses a dashboard that still uses the variable where no data source reference is", () => {
        const model = {
            uid: "x",
            templating: { list: [{ name: "datasource", type: "datasource", query: "prometheus" }] },
            panels: [{ title: "From $datasource", datasource: { type: "prometheus", uid: "${datasource}" } }],
        };
        assert.throws(() => provisionedDashboard(model, AMP_DATA_SOURCE_UID, "x.json"), /x\.json: \$datasource/);
        assert.throws(() => provisionedDashboard([], AMP_DATA_SOURCE_UID, "y.json"), /y\.json: a dashboard is a JSON/);
    });
});

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import {
    DEFAULT_OUTPUT_LIMITS,
    DEFAULT_SIDECAR_TIMINGS,
    TeamLogForwardingArgs,
    createTeamLogForwarding,
    logForwardingProblems,
    renderFluentBitConf,
    renderParsersConf,
    sidecarMemoryLimitMiB,
    wrapperScriptsData,
} from "../../../components/logging";
import type { CapturedResource } from "../../../tools/plan/capture";
import { planProgram } from "../../../tools/plan/plan";
import { ofType } from "../../support/plan-queries";

const ENDPOINT = "vpc-spark-test-logs-abcdefghijklmnopqrstuvwxyz.us-west-2.es.amazonaws.com";
const TEAMS = [
    { name: "team-a", namespace: "spark-team-a" },
    { name: "analytics", namespace: "spark-analytics" },
];

interface Section {
    name: string;
    entries: [string, string][];
}

/** A small reader of Fluent Bit's classic format: `[SECTION]` headers, then indented `Key Value` lines. */
function parseClassic(text: string): Section[] {
    const sections: Section[] = [];
    for (const line of text.split("\n")) {
        if (line.trim() === "" || line.trim().startsWith("#")) continue;
        const header = /^\[([A-Z_]+)\]$/.exec(line);
        if (header) {
            sections.push({ name: header[1], entries: [] });
            continue;
        }
        const entry = /^ {4}(\S+)\s+(.+)$/.exec(line);
        assert.ok(entry && sections.length > 0, `not a Fluent Bit config line: "${line}"`);
        sections[sections.length - 1].entries.push([entry[1], entry[2]]);
    }
    return sections;
}

const get = (section: Section, key: string) =>
    section.entries.find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
const all = (section: Section, key: string) => section.entries.filter(([k]) => k === key).map(([, v]) => v);

/** Each team's forwarding, as a team's composite creates it: under a parent, with the cluster's provider. */
function program() {
    return () => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        const parent = new pulumi.ComponentResource("spark:test:Team", "team");
        const indexPrefixes = TEAMS.map(
            (team) =>
                createTeamLogForwarding(
                    `spark-logs-${team.name}`,
                    { team: team.name, namespace: team.namespace, domainEndpoint: ENDPOINT, region: "us-west-2" },
                    { parent, provider },
                ).indexPrefix,
        );
        return { indexPrefixes };
    };
}

interface ModelClass {
    new (data: unknown): { validate(): void };
}

describe("createTeamLogForwarding (Fluent Bit sidecar ConfigMaps)", () => {
    let configMaps: CapturedResource[];
    before(async () => {
        const plan = await planProgram(program());
        configMaps = ofType(plan, "kubernetes:core/v1:ConfigMap");
    });
    const configMap = (namespace: string, name: string) => {
        const found = configMaps.find((r) => {
            const metadata = r.inputs.metadata as { name: string; namespace: string };
            return metadata.namespace === namespace && metadata.name === name;
        });
        assert.ok(found, `ConfigMap ${namespace}/${name}`);
        return found.inputs as { metadata: Record<string, unknown>; data: Record<string, string> };
    };

    it("must create both ConfigMaps in every team namespace, through the cluster's provider", () => {
        assert.equal(configMaps.length, TEAMS.length * 2);
        for (const team of TEAMS) {
            assert.deepEqual(Object.keys(configMap(team.namespace, "fluent-bit-sidecar-config").data).sort(), [
                "fluent-bit.conf",
                "parsers.conf",
            ]);
            assert.deepEqual(configMap(team.namespace, "fluent-bit-sidecar-wrapper").data, wrapperScriptsData());
        }
        for (const r of configMaps) assert.match(String(r.provider), /::k8s::/);
    });

    for (const team of TEAMS) {
        it(`must render ${team.name}'s pipeline: the application logs to its own dated indices over SigV4 and TLS`, () => {
            const sections = parseClassic(
                configMap(team.namespace, "fluent-bit-sidecar-config").data["fluent-bit.conf"],
            );
            const inputs = sections.filter((s) => s.name === "INPUT");
            // Only a directory Spark writes to: the event logs go to S3 (spark.eventLog.dir), so no event-log tail.
            assert.deepEqual(
                inputs.map((s) => [get(s, "Name"), get(s, "Path"), get(s, "Exclude_Path")]),
                [["tail", "/var/log/spark/user/*/*", "*.pos"]],
            );
            for (const input of inputs) {
                assert.equal(get(input, "storage.type"), "filesystem");
                assert.match(
                    String(get(input, "DB")),
                    /^\/var\/fluent-bit\/state\//,
                    "tail offsets on the writable state volume",
                );
            }
            const outputs = sections.filter((s) => s.name === "OUTPUT");
            assert.equal(outputs.length, 1);
            const [output] = outputs;
            const prefix = `spark-logs-${team.name}`;
            assert.deepEqual(
                Object.fromEntries(
                    [
                        "Name",
                        "Match",
                        "Host",
                        "Port",
                        "Path",
                        "Index",
                        "Logstash_Format",
                        "Logstash_Prefix",
                        "Logstash_DateFormat",
                        "Current_Time_Index",
                        "Suppress_Type_Name",
                        "tls",
                        "tls.verify",
                        "AWS_Auth",
                        "AWS_Region",
                        "Retry_Limit",
                        "storage.total_limit_size",
                    ].map((k) => [k, get(output, k)]),
                ),
                {
                    Name: "opensearch",
                    Match: "spark.*",
                    Host: ENDPOINT,
                    Port: "443",
                    Path: `/${prefix}`,
                    // Logstash_Format names the index itself: <prefix>-YYYY.MM.DD, dated when shipped.
                    Index: undefined,
                    Logstash_Format: "On",
                    Logstash_Prefix: prefix,
                    Logstash_DateFormat: "%Y.%m.%d",
                    Current_Time_Index: "On",
                    Suppress_Type_Name: "On",
                    tls: "On",
                    "tls.verify": "On",
                    AWS_Auth: "On",
                    AWS_Region: "us-west-2",
                    Retry_Limit: String(DEFAULT_OUTPUT_LIMITS.retryLimit),
                    "storage.total_limit_size": DEFAULT_OUTPUT_LIMITS.storageLimit,
                },
            );
            const service = sections.find((s) => s.name === "SERVICE");
            assert.ok(service);
            assert.equal(
                get(service, "Grace"),
                String(DEFAULT_SIDECAR_TIMINGS.flushGraceSeconds),
                "Fluent Bit's grace is the watcher's",
            );
            assert.equal(get(service, "Parsers_File"), "/fluent-bit/etc/parsers.conf");
            // Filesystem buffering bounds memory by the chunks kept up, not by Mem_Buf_Limit (memory storage only).
            assert.equal(get(service, "storage.max_chunks_up"), String(DEFAULT_OUTPUT_LIMITS.maxChunksUp));
            assert.equal(get(service, "storage.backlog.mem_limit"), "16M");
            const teamFilter = sections.find((s) => s.name === "FILTER" && all(s, "Add").includes(`team ${team.name}`));
            assert.ok(teamFilter, "records carry the team");
        });
    }

    it("must define every parser the pipeline names in parsers.conf", () => {
        const conf = parseClassic(configMap("spark-team-a", "fluent-bit-sidecar-config").data["fluent-bit.conf"]);
        const parsers = parseClassic(configMap("spark-team-a", "fluent-bit-sidecar-config").data["parsers.conf"]);
        const defined = new Set(parsers.map((s) => get(s, "name")));
        const used = conf
            .flatMap((s) => [get(s, "Parser"), get(s, "multiline.parser")])
            .filter((v): v is string => v !== undefined);
        assert.ok(used.length >= 2);
        for (const parser of used) assert.ok(defined.has(parser), `parser ${parser} is defined`);
        assert.equal(parsers.length, parseClassic(renderParsersConf()).length);
    });

    it("must parse EMR's log4j layout with the spark_log4j regex", () => {
        const parser = parseClassic(renderParsersConf()).find((s) => get(s, "Name") === "spark_log4j");
        assert.ok(parser);
        // Fluent Bit uses Onigmo; named groups and escapes here are also valid JavaScript regex syntax.
        const regex = new RegExp(String(get(parser, "Regex")));
        const m = regex.exec("25/03/14 09:26:53 INFO SparkContext: Running Spark version 3.5.1-amzn-0");
        assert.deepEqual(
            { ...m?.groups },
            {
                time: "25/03/14 09:26:53",
                level: "INFO",
                logger: "SparkContext",
                message: "Running Spark version 3.5.1-amzn-0",
            },
        );
    });

    it("must validate against the Kubernetes ConfigMap schema", async () => {
        const { ConfigMap } = (await import("kubernetes-models/v1/ConfigMap")) as { ConfigMap: ModelClass };
        for (const r of configMaps) new ConfigMap({ apiVersion: "v1", kind: "ConfigMap", ...r.inputs }).validate();
    });

    it("must refuse a value that would break a configuration line, naming it", () => {
        assert.throws(
            () =>
                renderFluentBitConf({
                    team: "team-a",
                    indexPrefix: "spark-logs-team-a",
                    domainEndpoint: `https://${ENDPOINT}`,
                    region: "us-west-2",
                    timings: DEFAULT_SIDECAR_TIMINGS,
                    limits: DEFAULT_OUTPUT_LIMITS,
                }),
            /domainEndpoint "https:\/\/vpc-.*" is not a hostname; give the endpoint without https:\/\//,
        );
    });

    // Validation is a pure function the constructor calls before registering anything; tested without a plan.
    it("must refuse unbounded retries and a team name that cannot name an index, naming each", () => {
        const base: TeamLogForwardingArgs = {
            team: "team-a",
            namespace: "spark-team-a",
            domainEndpoint: ENDPOINT,
            region: "us-west-2",
        };
        assert.deepEqual(logForwardingProblems(base), []);
        const problems = logForwardingProblems({
            ...base,
            team: "Team_A",
            limits: { ...DEFAULT_OUTPUT_LIMITS, retryLimit: 0 },
        }).join("\n");
        assert.match(problems, /team "Team_A" cannot name a log index/);
        assert.match(
            logForwardingProblems({ ...base, limits: { ...DEFAULT_OUTPUT_LIMITS, retryLimit: 0 } }).join("\n"),
            /retryLimit is 0; use 1–20/,
        );
        const unbounded = logForwardingProblems({ ...base, limits: { ...DEFAULT_OUTPUT_LIMITS, maxChunksUp: 500 } });
        assert.match(unbounded.join("\n"), /maxChunksUp is 500; use 4–128/);
    });

    it("must size the sidecar's memory limit from the chunks kept up (about 2 MiB each)", () => {
        const limit = (maxChunksUp: number) => sidecarMemoryLimitMiB({ ...DEFAULT_OUTPUT_LIMITS, maxChunksUp });
        assert.ok(limit(32) >= 32 * 2 + 16, "every chunk up, and the backlog, fit under the limit");
        assert.ok(limit(64) - limit(32) >= 64, "32 more chunks up raise the limit by at least 64 MiB");
        assert.equal(limit(32) % 32, 0);
    });
});

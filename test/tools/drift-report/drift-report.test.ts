/**
 * `npm run drift:report` on previews shaped like `pulumi preview --refresh --json` prints them, run in-process.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { InputError, UsageError } from "../../../tools/cli";
import { DEFAULT_IGNORE_FILE } from "../../../tools/drift-report/command";
import { readDriftRules } from "../../../tools/drift-report/ignore";
import { DriftReport } from "../../../tools/drift-report/report";
import {
    BUCKET,
    CONFIG_MAP,
    digest,
    lines,
    NODE_GROUP,
    refreshStep,
    ROLE,
    state,
    STACK_URN,
    SUBNET,
    updateStep,
} from "./fixtures";
import { reportHarness } from "./harness";

const subnet = state(
    SUBNET,
    {
        cidrBlock: "10.20.0.0/19",
        tags: { Name: "vpc-private-a", "map-migrated": "mig-1", owner: "alice" },
    },
    {
        cidrBlock: "10.20.0.0/19",
        tags: { Name: "vpc-private-a", "map-migrated": "mig-1", owner: "alice" },
        arn: "arn:aws:ec2:us-west-2:111111111111:subnet/subnet-1",
    },
);

describe("npm run drift:report", () => {
    const { dir, file, noIgnores: NO_IGNORES, run, report } = reportHarness("drift-report-");

    it("must report a clean preview (only refresh and same steps) as no drift, exit 0", async () => {
        const r = await report(digest([refreshStep(subnet), refreshStep(state(ROLE, { name: "r" }))]));
        assert.equal(r.code, 0);
        assert.deepEqual(r.json, { stack: "dev", drifted: [], rotations: [], ignored: [], errors: [], policy: [] });
        assert.match(r.markdown, /^## Drift check in stack `dev`: no drift\n/);
    });

    it("must list each changed property of an update, nested paths too, cloud value → program value", async () => {
        const cloud = state(
            NODE_GROUP,
            {
                scalingConfig: { minSize: 2, maxSize: 4, desiredSize: 3 },
                labels: { role: "system" },
                taints: [{ key: "CriticalAddonsOnly", effect: "NO_SCHEDULE" }],
            },
            {
                scalingConfig: { minSize: 2, maxSize: 6, desiredSize: 3 },
                labels: { role: "system", team: "x" },
                taints: [{ key: "CriticalAddonsOnly", effect: "NO_SCHEDULE" }],
                status: "ACTIVE",
            },
        );
        const program = state(NODE_GROUP, {
            scalingConfig: { minSize: 2, maxSize: 4, desiredSize: 3 },
            labels: { role: "system" },
            taints: [{ key: "CriticalAddonsOnly", effect: "NO_EXECUTE" }],
        });
        const step = updateStep(
            cloud,
            program,
            {
                "taints[0].effect": { kind: "update", inputDiff: true },
                "scalingConfig.maxSize": { kind: "update", inputDiff: false },
                "labels.team": { kind: "delete", inputDiff: false },
            },
            ["labels", "scalingConfig", "taints"],
        );
        const subnetStep = updateStep(
            subnet,
            state(SUBNET, { ...subnet.inputs, tags: { Name: "vpc-private-a", "map-migrated": "mig-1" } }),
            { 'tags["owner"]': { kind: "delete", inputDiff: true } },
            ["tags"],
        );
        const r = await report(digest([refreshStep(cloud), refreshStep(subnet), step, subnetStep]));

        assert.equal(r.code, 3);
        assert.deepEqual(r.json.drifted, [
            {
                urn: NODE_GROUP,
                type: "aws:eks/nodeGroup:NodeGroup",
                name: "system-nodes",
                op: "update",
                properties: [
                    { path: "labels.team", kind: "delete", old: "x", new: null },
                    { path: "scalingConfig.maxSize", kind: "update", old: 6, new: 4 },
                    { path: "taints[0].effect", kind: "update", old: "NO_SCHEDULE", new: "NO_EXECUTE" },
                ],
            },
            {
                urn: SUBNET,
                type: "aws:ec2/subnet:Subnet",
                name: "vpc-private-a",
                op: "update",
                properties: [{ path: 'tags["owner"]', kind: "delete", old: "alice", new: null }],
            },
        ]);
        assert.match(r.markdown, /^## Drift check in stack `dev`: 2 resources drifted\n/);
        assert.match(r.markdown, /\| <code>scalingConfig\.maxSize<\/code> \| <code>6<\/code> \| <code>4<\/code> \|/);
        assert.match(r.markdown, /\| <code>tags\["owner"\]<\/code> \| <code>"alice"<\/code> \| _\(none\)_ \|/);
        assert.match(
            r.markdown,
            new RegExp(
                "### <code>vpc-private-a</code> — update\n\n<code>aws:ec2/subnet:Subnet</code> · " +
                    "<code>urn:pulumi:dev::spark-platform::spark:network:Vpc\\$aws:ec2/subnet:Subnet::vpc-private-a</code>",
            ),
        );
    });

    it("must fall back to the top-level keys when the provider gives no detailed diff", async () => {
        const cloud = state(BUCKET, { bucket: "logs", forceDestroy: true });
        const r = await report(
            digest([updateStep(cloud, state(BUCKET, { bucket: "logs", forceDestroy: false }), null, ["forceDestroy"])]),
        );
        assert.equal(r.code, 3);
        assert.deepEqual(r.json.drifted[0].properties, [
            { path: "forceDestroy", kind: "update", old: true, new: false },
        ]);
    });

    it("must report a replacement once, whichever steps show it, and mark what forces it", async () => {
        const cloud = state(SUBNET, { cidrBlock: "10.20.32.0/19", availabilityZone: "us-west-2a" });
        const program = state(SUBNET, { cidrBlock: "10.20.0.0/19", availabilityZone: "us-west-2a" });
        const detailedDiff = { cidrBlock: { kind: "update-replace", inputDiff: true } };
        const replace = {
            ...updateStep(cloud, program, detailedDiff, ["cidrBlock"]),
            op: "replace",
            replaceReasons: ["cidrBlock"],
        };
        const r = await report(
            digest([
                refreshStep(cloud),
                { ...replace, op: "create-replacement" },
                replace,
                { ...replace, op: "delete-replaced", newState: undefined },
            ]),
        );
        assert.equal(r.code, 3);
        assert.deepEqual(
            r.json.drifted.map((d) => [d.op, d.properties]),
            [["replace", [{ path: "cidrBlock", kind: "update-replace", old: "10.20.32.0/19", new: "10.20.0.0/19" }]]],
        );
        assert.match(r.markdown, /<code>cidrBlock<\/code> \(forces replacement\) \|/);
        assert.match(r.markdown, /replace \(the next `pulumi up` would recreate it\)/);
    });

    it("must report a resource the program no longer declares as a delete", async () => {
        const role = state(ROLE, { name: "old-role" });
        const r = await report(
            digest([
                refreshStep(role),
                { op: "delete", urn: ROLE, provider: "default", oldState: role, detailedDiff: null },
            ]),
        );
        assert.equal(r.code, 3);
        assert.deepEqual(r.json.drifted, [
            { urn: ROLE, type: "aws:iam/role:Role", name: "team-data-eng-job", op: "delete", properties: [] },
        ]);
    });

    it("must report a resource deleted out of band (refresh drops it, the program creates it) as create", async () => {
        const gone = state(CONFIG_MAP, { data: { "fluent-bit.conf": "[INPUT]" } });
        const r = await report(
            digest([
                { op: "refresh", urn: CONFIG_MAP, provider: "default", oldState: gone, detailedDiff: null },
                {
                    op: "create",
                    urn: CONFIG_MAP,
                    provider: "default",
                    newState: { ...gone, id: undefined, outputs: undefined },
                    detailedDiff: null,
                },
            ]),
        );
        assert.equal(r.code, 3);
        assert.deepEqual(
            r.json.drifted.map((d) => [d.name, d.type, d.op]),
            [["fluent-bit-config", "kubernetes:core/v1:ConfigMap", "create"]],
        );
        assert.match(r.markdown, /create \(missing in the cloud: deleted out of band, or never deployed\)/);
    });

    it("must never print a secret: both sides show [secret] when either is one", async () => {
        // A secret the CLI left serialized (signature + ciphertext) must read as one too.
        const sealed = {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            ciphertext: "c2VjcmV0LWNpcGhlcg==",
        };
        const cloud = state(ROLE, {
            name: "r",
            tags: { token: "[secret]" },
            description: "plain-cloud",
            nested: { a: sealed },
        });
        const program = state(ROLE, {
            name: "r",
            tags: { token: "[secret]" },
            description: "[secret]",
            nested: { a: "[secret]", b: 1 },
        });
        const r = await report(
            digest([
                updateStep(cloud, program, {
                    'tags["token"]': { kind: "update", inputDiff: true },
                    description: { kind: "update", inputDiff: true },
                    nested: { kind: "update", inputDiff: true },
                }),
            ]),
        );
        assert.deepEqual(r.json.drifted[0].properties, [
            { path: "description", kind: "update", old: "[secret]", new: "[secret]" },
            { path: "nested", kind: "update", old: { a: "[secret]" }, new: { a: "[secret]", b: 1 } },
            { path: 'tags["token"]', kind: "update", old: "[secret]", new: "[secret]" },
        ]);
        assert.doesNotMatch(r.markdown, /plain-cloud/);
        assert.doesNotMatch(JSON.stringify(r.json), /plain-cloud|c2VjcmV0/);
    });

    it("must list an ignored change with its reason, never drop it, and not count it as drift", async () => {
        const ignore = file(
            [
                "ignore:",
                "  - type: aws:eks/nodeGroup:NodeGroup",
                "    path: scalingConfig.desiredSize",
                "    reason: Cluster Autoscaler owns the desired size",
                '  - urn: "urn:pulumi:*::*::*::vpc-private-*"',
                "    path: cidrBlock",
                "    reason: never ignored, it forces a replacement",
            ].join("\n"),
            "yaml",
        );
        const cloud = state(NODE_GROUP, { scalingConfig: { minSize: 2, maxSize: 4, desiredSize: 3 } });
        const program = state(NODE_GROUP, { scalingConfig: { minSize: 2, maxSize: 4, desiredSize: 2 } });
        const onlyIgnored = updateStep(cloud, program, {
            "scalingConfig.desiredSize": { kind: "update", inputDiff: true },
        });
        const clean = await report(digest([onlyIgnored]), { ignore });
        assert.equal(clean.code, 0);
        assert.deepEqual(clean.json.drifted, []);
        assert.deepEqual(clean.json.ignored, [
            {
                urn: NODE_GROUP,
                type: "aws:eks/nodeGroup:NodeGroup",
                op: "update",
                path: "scalingConfig.desiredSize",
                kind: "update",
                old: 3,
                new: 2,
                reason: "Cluster Autoscaler owns the desired size",
            },
        ]);
        assert.match(
            clean.markdown,
            /no drift[\s\S]*### Ignored \(1, see drift-ignore\.yaml\)[\s\S]*Cluster Autoscaler owns the desired size/,
        );

        const subnetCloud = state(SUBNET, { cidrBlock: "10.20.32.0/19" });
        const replace = {
            ...updateStep(subnetCloud, state(SUBNET, { cidrBlock: "10.20.0.0/19" }), {
                cidrBlock: { kind: "update-replace", inputDiff: true },
            }),
            op: "replace",
        };
        const mixed = await report(digest([onlyIgnored, replace]), { ignore });
        assert.equal(mixed.code, 3);
        assert.deepEqual(
            mixed.json.drifted.map((d) => [d.name, d.properties.map((p) => p.path)]),
            [["vpc-private-a", ["cidrBlock"]]],
        );
        assert.deepEqual(
            mixed.json.ignored.map((i) => i.path),
            ["scalingConfig.desiredSize"],
        );
    });

    it("must report a failed preview as a failure with its diagnostics, exit 1, and never as drift", async () => {
        const preview = digest(
            [
                updateStep(subnet, state(SUBNET, { cidrBlock: "10.20.0.0/19" }), {
                    tags: { kind: "delete", inputDiff: true },
                }),
            ],
            {
                diagnostics: [
                    { message: "warning: a deprecated property\n", severity: "warning" },
                    {
                        urn: SUBNET,
                        message:
                            "error: reading EC2 Subnet (subnet-1): operation error EC2: DescribeSubnets, AccessDenied\n",
                        severity: "error",
                    },
                    { message: "error: preview failed\n", severity: "error" },
                ],
            },
        );
        const r = await report(preview);
        assert.equal(r.code, 1);
        assert.deepEqual(r.json.drifted, []);
        assert.deepEqual(r.json.errors, [
            {
                urn: SUBNET,
                message: "reading EC2 Subnet (subnet-1): operation error EC2: DescribeSubnets, AccessDenied",
            },
            { message: "preview failed" },
        ]);
        assert.match(r.markdown, /^## Drift check in stack `dev`: the preview failed\n[\s\S]*AccessDenied/);
        assert.doesNotMatch(r.markdown, /drifted/);
        assert.equal(
            r.stderr,
            "drift:report: the preview failed: reading EC2 Subnet (subnet-1): operation error EC2: DescribeSubnets, AccessDenied\n",
        );
    });

    it("must treat an empty preview output (the CLI failed before the engine ran) as a failed preview", async () => {
        const r = await report("");
        assert.equal(r.code, 1);
        assert.match(r.json.errors[0].message, /printed no JSON: it failed before the engine started/);
    });

    it("must take policy findings and errors from the event log: a mandatory violation fails the run", async () => {
        const policyEvent = (enforcementLevel: string) => ({
            policyEvent: {
                resourceUrn: ROLE,
                message: "the trust policy does not pin :sub",
                color: "never",
                policyName: "irsa-scoped-roles",
                policyPackName: "spark-platform",
                policyPackVersion: "0.1.0",
                enforcementLevel,
            },
        });
        const cloud = state(ROLE, { name: "a" });
        const pre = {
            resourcePreEvent: {
                metadata: {
                    op: "update",
                    urn: ROLE,
                    type: "aws:iam/role:Role",
                    provider: "default",
                    old: { type: "aws:iam/role:Role", urn: ROLE, inputs: { name: "a" }, outputs: { name: "a" } },
                    new: { type: "aws:iam/role:Role", urn: ROLE, inputs: { name: "b" }, outputs: {} },
                    diffs: ["name"],
                    detailedDiff: { name: { diffKind: "update", inputDiff: true } },
                },
                planning: true,
            },
        };
        const preview = digest([
            updateStep(cloud, state(ROLE, { name: "b" }), { name: { kind: "update", inputDiff: true } }),
        ]);

        const advisory = await report(preview, {
            events: lines([pre, policyEvent("advisory"), { summaryEvent: { maybeCorrupt: false } }]),
        });
        assert.equal(advisory.code, 3);
        assert.equal(advisory.json.drifted.length, 1, "the same step in the digest and the event log is one resource");
        assert.deepEqual(advisory.json.drifted[0].properties, [{ path: "name", kind: "update", old: "a", new: "b" }]);
        assert.deepEqual(
            advisory.json.policy.map((p) => [p.level, p.policy, p.urn]),
            [["advisory", "irsa-scoped-roles", ROLE]],
        );
        assert.match(
            advisory.markdown,
            /### Policy pack[\s\S]*\| advisory \| <code>spark-platform\/irsa-scoped-roles<\/code> \|/,
        );

        const mandatory = await report(preview, { events: lines([pre, policyEvent("mandatory")]) });
        assert.equal(mandatory.code, 1);
        assert.deepEqual(mandatory.json.drifted, []);
        assert.match(
            mandatory.json.errors[0].message,
            /^mandatory policy violation spark-platform\/irsa-scoped-roles: the trust policy/,
        );

        const diagnostic = {
            diagnosticEvent: {
                urn: "",
                prefix: "error: ",
                message: "preview failed\n",
                color: "never",
                severity: "error",
            },
        };
        const failed = await report(digest([]), { events: lines([diagnostic]) });
        assert.equal(failed.code, 1);
        assert.deepEqual(failed.json.errors, [{ message: "preview failed" }]);

        const cut = await report(digest([]), { events: `${lines([pre])}{"sequence": 9, "resourcePreEv` });
        assert.equal(cut.code, 1);
        assert.match(cut.json.errors[0].message, /ends in a cut-off line \(line 2\): the preview was interrupted/);
    });

    it("must read a streaming JSON preview (engine events on stdout) like the event log", async () => {
        const pre = {
            resourcePreEvent: {
                metadata: {
                    op: "delete",
                    urn: BUCKET,
                    type: "aws:s3/bucketV2:BucketV2",
                    provider: "default",
                    old: { type: "aws:s3/bucketV2:BucketV2", urn: BUCKET, inputs: {}, outputs: {} },
                },
            },
        };
        const args = [
            "--preview",
            file(lines([{ preludeEvent: { config: {} } }, pre]), "jsonl"),
            "--ignore",
            NO_IGNORES(),
            "--json",
        ];
        const r = await run(...args);
        assert.equal(r.code, 3);
        assert.deepEqual(
            (JSON.parse(r.stdout) as DriftReport).drifted.map((d) => [d.name, d.op]),
            [["logs", "delete"]],
        );
    });

    it("must keep values from breaking the Markdown table", async () => {
        const cloud = state(CONFIG_MAP, { data: { "fluent-bit.conf": "a | b\n<script>" } });
        const r = await report(
            digest([
                updateStep(cloud, state(CONFIG_MAP, { data: { "fluent-bit.conf": "c" } }), {
                    'data["fluent-bit.conf"]': { kind: "update", inputDiff: true },
                }),
            ]),
        );
        const row = r.markdown.split("\n").find((l) => l.startsWith("| <code>data["));
        assert.equal(
            row,
            '| <code>data["fluent-bit.conf"]</code> | <code>"a &#124; b\\n&lt;script&gt;"</code> | <code>"c"</code> |',
        );
    });

    describe("bad usage and unreadable input (exit 2)", () => {
        it("must require --preview and reject unknown options", async () => {
            await assert.rejects(
                run(),
                (e: unknown) => e instanceof UsageError && /--preview <file> is required/.test(e.message),
            );
            await assert.rejects(
                run("--preview", "x", "--fast"),
                (e: unknown) => e instanceof UsageError && /Unknown option '--fast'/.test(e.message),
            );
        });

        it("must reject a missing file, bad JSON and a preview of the wrong shape, naming file and field", async () => {
            const ignore = NO_IGNORES();
            await assert.rejects(
                run("--preview", path.join(dir(), "missing.json"), "--ignore", ignore),
                /cannot read preview output .*missing\.json: no such file/,
            );
            await assert.rejects(
                run("--preview", file('{"steps": ['), "--ignore", ignore),
                (e: unknown) => e instanceof InputError && /is not valid JSON/.test(e.message),
            );
            await assert.rejects(
                run("--preview", file({ steps: [{ op: "update" }] }), "--ignore", ignore),
                /steps\[0\]\.urn must be a string/,
            );
            await assert.rejects(
                run("--preview", file({ hello: 1 }), "--ignore", ignore),
                /must be the output of `pulumi preview --json`/,
            );
            await assert.rejects(
                run("--preview", file(digest([])), "--ignore", ignore, "--events", file("{}\nnot json\n{}\n", "jsonl")),
                /line 2 is not valid JSON/,
            );
        });

        it("must reject an ignore rule without a reason or without a resource selector", async () => {
            const preview = file(digest([]));
            await assert.rejects(
                run(
                    "--preview",
                    preview,
                    "--ignore",
                    file("ignore:\n  - type: aws:iam/role:Role\n    path: tags\n", "yaml"),
                ),
                /ignore\[0\]\.reason must be a non-empty string/,
            );
            await assert.rejects(
                run("--preview", preview, "--ignore", file("ignore:\n  - path: tags\n    reason: r\n", "yaml")),
                /ignore\[0\] must name the resources it covers with `type` and\/or `urn`/,
            );
            await assert.rejects(
                run(
                    "--preview",
                    preview,
                    "--ignore",
                    file("ignore:\n  - type: t\n    path: tags\n    reason: r\n    why: x\n", "yaml"),
                ),
                /ignore\[0\]\.why is not known/,
            );
        });
    });

    it("ships an ignore list that parses, every rule with a reason", () => {
        const rules = readDriftRules(parseYaml(fs.readFileSync(DEFAULT_IGNORE_FILE, "utf8")), DEFAULT_IGNORE_FILE);
        for (const rule of [...rules.ignore, ...rules.rotations])
            assert.ok(rule.reason.trim().length > 10, `${rule.path}: give a real reason`);
        assert.ok(STACK_URN.startsWith("urn:pulumi:dev::"));
    });
});

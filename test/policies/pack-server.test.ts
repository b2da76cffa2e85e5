/**
 * The pack as the Pulumi CLI runs it: policies/index.ts started through @pulumi/pulumi's own policy-pack runner
 * (`cmd/run-policy-pack`, which type-checks the pack with ts-node and policies/tsconfig.json), then driven over
 * gRPC the way the engine drives an analyzer plugin — GetAnalyzerInfo, Configure (the RPC the offline evaluator
 * cannot call in-process), Analyze per resource and AnalyzeStack. Its verdicts must equal the offline check's.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzerInfo,
    AnalyzeResponse,
    ConfigureAnalyzerRequest,
    EnforcementLevel,
    PolicyConfig,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PACK_ENFORCEMENT_LEVEL, PACK_POLICIES } from "../../policies/pack";
import { evaluateStackExport, PACK_VERSION } from "../../tools/policy-eval/evaluate";
import { resolvePolicyConfig } from "../../tools/policy-eval/policy-config";
import { analyzerRequests } from "../../tools/policy-eval/requests";
import { readStackExport } from "../../tools/stack-export";
import { VerdictCollector } from "../../tools/policy-eval/verdicts";
import { classCases, compliantStack, DEV_CONFIG, MUTATIONS, resource, stackExport } from "./stack-fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const RUNNER = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
const LEVELS = {
    advisory: EnforcementLevel.ADVISORY,
    mandatory: EnforcementLevel.MANDATORY,
    disabled: EnforcementLevel.DISABLED,
    remediate: EnforcementLevel.REMEDIATE,
};

/** Starts the pack and resolves with the port it prints, as the engine reads it. */
function startPack(): Promise<{ child: ChildProcess; port: number }> {
    const child = spawn(process.execPath, [RUNNER, "127.0.0.1:0", "."], {
        cwd: path.join(ROOT, "policies"),
        stdio: ["ignore", "pipe", "pipe"],
    });
    return new Promise((resolve, reject) => {
        let stderr = "";
        child.stderr?.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
        });
        child.stdout?.on("data", (chunk: Buffer) => {
            const port = /^(\d+)\s*$/m.exec(chunk.toString())?.[1];
            if (port) resolve({ child, port: Number(port) });
        });
        child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
    });
}

function unary<Req, Res>(
    call: (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown,
    request: Req,
): Promise<Res> {
    return new Promise((resolve, reject) =>
        call(request, (error, response) => (error ? reject(error) : resolve(response))),
    );
}

describe("the policy pack served to the Pulumi engine", function () {
    this.timeout(120_000);
    let pack: { child: ChildProcess; port: number };
    let client: AnalyzerClient;

    before(async () => {
        pack = await startPack();
        client = new AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        pack?.child.kill();
    });

    /** What the engine does with --policy-pack-config: reconcile, then Configure with every policy's config. */
    async function configure(config: unknown): Promise<void> {
        const resolved = resolvePolicyConfig(PACK_POLICIES, PACK_ENFORCEMENT_LEVEL, config, "test");
        const request = new ConfigureAnalyzerRequest();
        for (const [name, c] of resolved.policies) {
            const policyConfig = new PolicyConfig();
            policyConfig.setEnforcementlevel(LEVELS[c.enforcementLevel]);
            policyConfig.setProperties(Struct.fromJavaScript(c.properties as Record<string, JavaScriptValue>));
            request.getPolicyconfigMap().set(name, policyConfig);
        }
        await unary(client.configure.bind(client), request);
    }

    async function analyzeOverGrpc(exported: unknown) {
        const requests = analyzerRequests(readStackExport(exported), "protobuf");
        const collector = new VerdictCollector();
        for (const { urn, request, notes } of requests.resources) {
            collector.addResponse(
                await unary<typeof request, AnalyzeResponse>(client.analyze.bind(client), request),
                urn,
                notes,
            );
        }
        collector.addResponse(
            await unary<typeof requests.stack, AnalyzeResponse>(client.analyzeStack.bind(client), requests.stack),
            "",
            requests.stackNotes,
        );
        return collector.verdicts();
    }

    it("describes three mandatory policies with their config schemas", async () => {
        const info = await unary<Empty, AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
        assert.equal(info.getName(), "spark-platform");
        assert.equal(info.getVersion(), PACK_VERSION);
        assert.deepEqual(
            info
                .getPoliciesList()
                .map((p) => [
                    p.getName(),
                    p.getEnforcementlevel(),
                    Object.keys(p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}),
                ]),
            [
                ["single-az-node-pools", EnforcementLevel.MANDATORY, ["exemptPools"]],
                ["non-root-pods", EnforcementLevel.MANDATORY, ["exemptWorkloads"]],
                ["irsa-scoped-roles", EnforcementLevel.MANDATORY, ["exemptRoles"]],
            ],
        );
    });

    it("exempts a Karpenter NodePool listed in exemptPools over gRPC exactly as the offline check does", async () => {
        const wide = resource("kubernetes:karpenter.sh/v1:NodePool", "system-pool", {
            metadata: { name: "spark-dev-system-pool" },
            spec: {
                template: { spec: { requirements: [{ key: "topology.kubernetes.io/zone", operator: "Exists" }] } },
            },
        });
        const exported = stackExport([...compliantStack(), wide]);
        const config = { "single-az-node-pools": { exemptPools: ["spark-dev-system", "spark-dev-system-pool"] } };
        await configure(config);
        const overGrpc = await analyzeOverGrpc(exported);
        assert.deepEqual(overGrpc, { violations: [], notEvaluated: [] });
        assert.deepEqual(await evaluateStackExport(exported, config), overGrpc);
        await configure(DEV_CONFIG);
        const unexempted = await analyzeOverGrpc(exported);
        assert.deepEqual(
            unexempted.violations.map((v) => v.urn.split("::").pop()),
            ["system-pool"],
        );
        assert.deepEqual(await evaluateStackExport(exported, DEV_CONFIG), unexempted);
    });

    it("stops the engine's run on a config property the policy does not declare, which the engine lets through", async () => {
        // The engine validates only declared properties (its schema has no additionalProperties), so Configure
        // accepts the typo; the first analysis must then fail rather than exempt nothing silently.
        const request = new ConfigureAnalyzerRequest();
        for (const policy of PACK_POLICIES) {
            const policyConfig = new PolicyConfig();
            policyConfig.setEnforcementlevel(EnforcementLevel.MANDATORY);
            const properties: Record<string, JavaScriptValue> =
                policy.name === "single-az-node-pools" ? { exemptPool: ["spark-dev-system"] } : {};
            policyConfig.setProperties(Struct.fromJavaScript(properties));
            request.getPolicyconfigMap().set(policy.name, policyConfig);
        }
        await unary(client.configure.bind(client), request);
        await assert.rejects(analyzeOverGrpc(stackExport(compliantStack())), (e: Error) => {
            assert.match(
                e.message,
                /single-az-node-pools: "exemptPool" is not a config property of this policy; did you mean "exemptPools"\? \(properties: exemptPools\)/,
            );
            return true;
        });
        await configure(DEV_CONFIG);
    });

    it("judges each class of issue 22, compliant and violating, over gRPC exactly as the offline check does", async () => {
        const cases = classCases();
        const exported = stackExport([...compliantStack(), ...cases.resources]);
        await configure(DEV_CONFIG);
        const overGrpc = await analyzeOverGrpc(exported);
        const names = (urns: string[]) => [...new Set(urns.map((u) => u.split("::").pop()))].sort();
        assert.deepEqual(names(overGrpc.violations.map((v) => v.urn)), cases.violating);
        assert.deepEqual(names(overGrpc.notEvaluated.map((n) => n.urn)), cases.notEvaluated);
        assert.ok(overGrpc.violations.every((v) => v.enforcementLevel === "mandatory"));
        // Offline, the cluster's default node group is listed besides: pulumi-eks renders it.
        const offline = await evaluateStackExport(exported, DEV_CONFIG);
        assert.deepEqual(offline.violations, overGrpc.violations);
        assert.deepEqual(
            offline.notEvaluated.filter((n) => n.policy !== "all"),
            overGrpc.notEvaluated,
        );
        assert.deepEqual(
            offline.notEvaluated.filter((n) => n.policy === "all").map((n) => n.urn.split("::").pop()),
            ["eks"],
        );
    });

    for (const [label, config] of [
        ["the dev config", DEV_CONFIG],
        ["all advisory", { all: "advisory" }],
    ] as const) {
        it(`gives the offline check's verdicts for a mutated stack with ${label}`, async () => {
            const release = resource("kubernetes:helm.sh/v3:Release", "operator", {
                name: "operator",
                chart: "spark-operator",
                values: {},
            });
            const exported = stackExport([
                ...MUTATIONS.wildcardTrust(MUTATIONS.rootContainer(MUTATIONS.widenedPool(compliantStack()))),
                release,
            ]);
            await configure(config);
            const overGrpc = await analyzeOverGrpc(exported);
            assert.equal(overGrpc.violations.length, label === "the dev config" ? 3 : 4);
            assert.equal(overGrpc.notEvaluated.length, 1);
            assert.deepEqual(overGrpc, await evaluateStackExport(exported, config));
        });
    }
});

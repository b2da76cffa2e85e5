/**
 * Deletion of old log indices: the ISM policy as rendered, who may apply it (an independent IAM evaluator reading
 * the same documents the program builds), and the Job that applies it.
 */
import * as assert from "node:assert/strict";
import {
    CURL_IMAGE,
    RETENTION_NAMESPACE,
    RETENTION_SERVICE_ACCOUNT,
    SIGV4_PROXY_IMAGE,
    domainAccessPolicy,
    indexWritePolicy,
    retentionIndexPatterns,
    retentionJobManifest,
    retentionManagerPolicy,
    retentionPolicy,
    retentionPolicyProblems,
} from "../../../components/logging";
import {
    LOG_RETENTION_POLICY_ID,
    datedLogIndex,
    domainArn,
    logIndexPrefix,
    roleArn,
} from "../../../components/vocabulary";
import { evaluatePermission } from "../../support/iam-simulation";

const TEAMS = ["team-a", "team-a-b", "data-eng"];
const PREFIXES = TEAMS.map(logIndexPrefix);
const DAY = new Date("2026-12-06T12:00:00Z");

/** How OpenSearch matches an index pattern (`*` any run of characters, everything else literal). */
function matches(pattern: string, index: string): boolean {
    const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${escaped.join(".*")}$`).test(index);
}

describe("log retention ISM policy", () => {
    const policy = (days: number) => retentionPolicy({ retentionDays: days, indexPrefixes: PREFIXES }).policy;

    it("moves every index to a delete state once it is as old as the retention, and deletes it there", () => {
        for (const days of [1, 30, 400]) {
            const p = policy(days);
            const byName = new Map(p.states.map((s) => [s.name, s]));
            const start = byName.get(p.default_state);
            assert.ok(start, "the default state exists");
            assert.deepEqual(start.actions, [], "nothing happens to a young index");
            assert.equal(start.transitions.length, 1);
            assert.deepEqual(start.transitions[0].conditions, { min_index_age: `${days}d` });
            const end = byName.get(start.transitions[0].state_name);
            assert.ok(end, "the transition leads to a state of the policy");
            assert.deepEqual(end.actions, [{ delete: {} }]);
            assert.deepEqual(end.transitions, []);
        }
    });

    it("attaches itself to every team's dated indices, and to no index outside the platform's", () => {
        const [template] = policy(30).ism_template;
        const patterns = template.index_patterns;
        for (const prefix of PREFIXES) {
            const index = datedLogIndex(prefix, DAY);
            assert.ok(
                patterns.some((p) => matches(p, index)),
                `${index} matches none of ${patterns.join(", ")}`,
            );
        }
        for (const foreign of [
            ".opendistro-ism-config",
            ".opendistro-job-scheduler-lock",
            ".kibana_1",
            ".plugins-ml-config",
            "security-auditlog-2026.12.06",
            "other-team-logs-2026.12.06",
            "spark-logs",
            "spark-logsx-team-a-2026.12.06",
            "spark-logs-team-b-2026.12.06", // a team of another stack's config, not this one
        ]) {
            assert.ok(!patterns.some((p) => matches(p, foreign)), `${foreign} would be deleted`);
        }
        assert.ok(
            patterns.every((p) => !p.startsWith("*") && p.startsWith("spark-logs-")),
            "no pattern reaches beyond the platform's prefix (ISM's docs warn that `*` includes system indices)",
        );
        assert.ok(template.priority > 0);
    });

    it("names one pattern per team prefix, whatever the order teams are listed in", () => {
        assert.deepEqual(retentionIndexPatterns([...PREFIXES].reverse()), retentionIndexPatterns(PREFIXES));
        assert.deepEqual(retentionIndexPatterns(PREFIXES), [
            "spark-logs-data-eng-*",
            "spark-logs-team-a-*",
            "spark-logs-team-a-b-*",
        ]);
    });

    it("refuses a retention of no days or fractional days, and a policy for no team, naming the value", () => {
        assert.deepEqual(retentionPolicyProblems({ retentionDays: 0, indexPrefixes: PREFIXES }), [
            "retentionDays is 0; use a whole number of days, at least 1",
        ]);
        assert.match(retentionPolicyProblems({ retentionDays: 1.5, indexPrefixes: PREFIXES })[0], /is 1.5/);
        assert.match(retentionPolicyProblems({ retentionDays: 30, indexPrefixes: [] })[0], /indexPrefixes is empty/);
        assert.throws(() => retentionPolicy({ retentionDays: 0, indexPrefixes: PREFIXES }), /retentionDays is 0/);
    });
});

describe("who may apply the retention policy (IAM evaluation)", () => {
    const ACCOUNT = "111122223333";
    const DOMAIN = domainArn("aws", "us-west-2", ACCOUNT, "spark-dev-logs");
    const RETENTION = roleArn("aws", ACCOUNT, "logs-retention-role-role-1a2b3c4");
    const TEAM_A = roleArn("aws", ACCOUNT, "spark-dev-team-a-emr-job");
    const manager = { policyId: LOG_RETENTION_POLICY_ID, indexPatterns: retentionIndexPatterns(PREFIXES) };
    const resourcePolicy = domainAccessPolicy({
        domainArn: DOMAIN,
        adminArns: [roleArn("aws", ACCOUNT, "platform-admin")],
        writers: TEAMS.map((team) => ({
            roleArn: roleArn("aws", ACCOUNT, `spark-dev-${team}-emr-job`),
            indexPrefix: logIndexPrefix(team),
        })),
        retentionManager: { roleArn: RETENTION, ...manager },
    });
    /**
     * The resource a request names. IAM compares it as a literal string, in which the `*` of an ISM index pattern
     * (`add/spark-logs-team-a-*`) is an ordinary character; the simulator would read it as a wildcard and answer
     * for every path it could stand for. So the literal star is stood in for by `~`, one character the policies never
     * name, which each policy wildcard (`*` and `?`) matches exactly as it matches a star.
     */
    const requested = (path: string) => `${DOMAIN}${path.replaceAll("*", "~")}`;
    const identityPolicy = retentionManagerPolicy(DOMAIN, manager);
    /** The retention role's request, under its identity policy and the domain's policy, or either alone. */
    const asRetention = (action: string, path: string, only?: "identity" | "domain") =>
        evaluatePermission({
            principal: RETENTION,
            action,
            resource: requested(path),
            accountId: ACCOUNT,
            identityPolicies: only === "domain" ? {} : { "apply-log-retention": identityPolicy },
            resourcePolicy: only === "identity" ? undefined : resourcePolicy,
        });
    const asTeamA = (action: string, path: string) =>
        evaluatePermission({
            principal: TEAM_A,
            action,
            resource: requested(path),
            accountId: ACCOUNT,
            identityPolicies: { "log-index-write": indexWritePolicy(DOMAIN, logIndexPrefix("team-a")) },
            resourcePolicy,
        });
    const POLICY = `/_plugins/_ism/policies/${LOG_RETENTION_POLICY_ID}`;

    for (const only of ["identity", "domain"] as const) {
        it(`must allow the retention role to write its policy and attach it to each team's indices (${only} policy alone)`, async () => {
            assert.equal(await asRetention("es:ESHttpGet", POLICY, only), "Allowed");
            assert.equal(await asRetention("es:ESHttpPut", POLICY, only), "Allowed");
            for (const pattern of manager.indexPatterns) {
                assert.equal(await asRetention("es:ESHttpPost", `/_plugins/_ism/add/${pattern}`, only), "Allowed");
                assert.equal(
                    await asRetention("es:ESHttpPost", `/_plugins/_ism/change_policy/${pattern}`, only),
                    "Allowed",
                );
            }
        });
    }

    const today = datedLogIndex(logIndexPrefix("team-a"), DAY);
    for (const [action, path, why] of [
        ["es:ESHttpPost", `/${today}/_bulk`, "write a team's index"],
        ["es:ESHttpPut", `/${today}/_doc/1`, "write a document into a team's index"],
        ["es:ESHttpPost", "/spark-logs-team-a/_bulk", "write through a team's bulk path"],
        ["es:ESHttpGet", `/${today}/_search`, "read a team's logs"],
        ["es:ESHttpGet", `/${today}/_doc/1`, "read a document"],
        ["es:ESHttpDelete", `/${today}`, "delete an index itself"],
        ["es:ESHttpDelete", POLICY, "delete the policy"],
        ["es:ESHttpPut", "/_plugins/_ism/policies/another-policy", "write another ISM policy"],
        ["es:ESHttpPost", "/_plugins/_ism/add/*", "attach a policy to every index, system indices included"],
        ["es:ESHttpPost", "/_plugins/_ism/add/.opendistro-security", "attach a policy to a system index"],
        ["es:ESHttpPost", "/_plugins/_ism/remove/spark-logs-team-a-*", "detach the policy from a team's indices"],
        ["es:ESHttpPut", "/_cluster/settings", "change cluster settings"],
    ] as const) {
        it(`must deny the retention role to ${why}`, async () => {
            assert.equal(await asRetention(action, path), "ImplicitlyDenied");
        });
    }

    for (const [action, path] of [
        ["es:ESHttpPut", POLICY],
        ["es:ESHttpGet", POLICY],
        ["es:ESHttpPost", "/_plugins/_ism/add/spark-logs-team-a-*"],
        ["es:ESHttpPost", "/_plugins/_ism/change_policy/spark-logs-team-a-*"],
    ] as const) {
        it(`must deny a team's job role the ISM API (${action} ${path})`, async () => {
            assert.equal(await asTeamA(action, path), "ImplicitlyDenied");
        });
    }

    it("grants the retention role nothing in the domain's policy when the stack applies no retention", () => {
        const without = domainAccessPolicy({
            domainArn: DOMAIN,
            adminArns: [],
            writers: [{ roleArn: TEAM_A, indexPrefix: logIndexPrefix("team-a") }],
        });
        assert.ok(!JSON.stringify(without).includes("_ism"));
    });
});

describe("the Job that applies the retention policy", () => {
    interface Validatable {
        validate(): void;
    }
    type ModelClass = new (data: unknown) => Validatable;
    let Job: ModelClass;
    before(async () => {
        ({ Job } = (await import("kubernetes-models/batch/v1/Job")) as { Job: ModelClass });
    });
    const input = {
        domainEndpoint: "vpc-spark-dev-logs-abc123.us-west-2.es.amazonaws.com",
        region: "us-west-2",
        retentionDays: 30,
        indexPrefixes: PREFIXES,
        nodeSelector: { "spark-platform/pool": "system" },
    };
    const job = retentionJobManifest(input);
    const pod = job.spec.template.spec;

    it("validates against the Kubernetes schema, and the check can fail", () => {
        new Job(job).validate();
        const broken = structuredClone(job) as unknown as { spec: { backoffLimit: unknown } };
        broken.spec.backoffLimit = "once";
        assert.throws(() => new Job(broken).validate());
    });

    it("runs non-root under Pod Security restricted, as the service account its IRSA role trusts", () => {
        assert.equal(job.metadata.namespace, RETENTION_NAMESPACE);
        assert.equal(pod.serviceAccountName, RETENTION_SERVICE_ACCOUNT);
        assert.equal(pod.restartPolicy, "Never");
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
        for (const c of [...pod.initContainers, ...pod.containers]) {
            assert.equal(c.securityContext.runAsNonRoot, true, c.name);
            assert.ok(c.securityContext.runAsUser > 0, c.name);
            assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
            assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] }, c.name);
            assert.ok(c.resources.limits.memory, `${c.name} has a memory limit`);
        }
        assert.deepEqual(pod.nodeSelector, input.nodeSelector);
    });

    it("signs through a pinned SigV4 proxy beside a pinned curl, on loopback only, for the es service", () => {
        const [proxy] = pod.initContainers;
        const [script] = pod.containers;
        assert.equal(proxy.image, SIGV4_PROXY_IMAGE);
        assert.equal(script.image, CURL_IMAGE);
        for (const image of [proxy.image, script.image]) assert.match(image, /:\d+\.\d+\.\d+$/);
        assert.equal(proxy.restartPolicy, "Always", "a native sidecar, so the Job ends when the script does");
        assert.ok(proxy.args.includes("--name=es"));
        assert.ok(proxy.args.includes(`--host=${input.domainEndpoint}`));
        assert.ok(proxy.args.includes("--region=us-west-2"));
        const listen = proxy.args.find((a) => a.startsWith("--port="));
        assert.equal(listen, "--port=127.0.0.1:8080");
        const env = Object.fromEntries(script.env.map((e) => [e.name, e.value]));
        assert.equal(env.OPENSEARCH_URL, "http://127.0.0.1:8080");
        assert.equal(env.ISM_POLICY_ID, LOG_RETENTION_POLICY_ID);
        assert.deepEqual(JSON.parse(env.ISM_POLICY), retentionPolicy(input));
        assert.equal(env.ISM_INDEX_PATTERNS, retentionIndexPatterns(PREFIXES).join(" "));
    });

    it("is named after what it applies: the same input keeps its name, any change makes a new Job", () => {
        const name = job.metadata.name;
        assert.equal(retentionJobManifest({ ...input }).metadata.name, name);
        const renamed = [
            retentionJobManifest({ ...input, retentionDays: 14 }),
            retentionJobManifest({ ...input, indexPrefixes: [...PREFIXES, logIndexPrefix("ml")] }),
            retentionJobManifest({ ...input, domainEndpoint: "vpc-spark-dev-logs-def456.us-west-2.es.amazonaws.com" }),
            retentionJobManifest({ ...input, script: "#!/bin/sh\nexit 0\n" }),
        ].map((j) => j.metadata.name);
        for (const other of renamed) assert.notEqual(other, name);
        assert.equal(new Set(renamed).size, renamed.length);
        assert.equal(job.metadata.annotations["pulumi.com/replaceUnready"], "true");
    });

    it("has a name that is a DNS label whatever the teams (the stack name is not in it)", () => {
        const longTeams = ["t".repeat(63), `${"u".repeat(62)}1`].map(logIndexPrefix);
        for (const j of [job, retentionJobManifest({ ...input, indexPrefixes: longTeams })]) {
            assert.match(j.metadata.name, /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
            // Job pods are named <job>-<5 characters> and carry the Job's name as a label value: 63 at most.
            assert.ok(j.metadata.name.length <= 63 - 6, j.metadata.name);
        }
    });
});

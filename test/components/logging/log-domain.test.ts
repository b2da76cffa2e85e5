import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import { PlatformKey } from "../../../components/encryption";
import { logIndexPrefix } from "../../../components/vocabulary";
import {
    LOG_DOMAIN_DEFAULTS,
    LogDomain,
    LogDomainArgs,
    TLS_SECURITY_POLICY,
    logDomainProblems,
} from "../../../components/logging";
import { PROJECT_DIR } from "../../../tools/plan/plan";
import { readProject } from "../../../tools/plan/stack-config";
import type { CapturedResource } from "../../../tools/plan/capture";
import { planProgram } from "../../../tools/plan/plan";
import { ofType, one } from "../../support/plan-queries";
import { nonEmpty } from "../../support/non-empty";

const ACCOUNT = "111122223333";
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;
const TEAMS = ["team-a", "team-b"];

/** Valid plain args (dev's layout), for the validation tests that need no plan. */
const VALID_ARGS: LogDomainArgs = {
    domainName: "spark-test-logs",
    partition: "aws",
    region: "us-west-2",
    accountId: ACCOUNT,
    vpcId: "vpc-1",
    privateSubnetIds: ["subnet-1", "subnet-2", "subnet-3"],
    clientSecurityGroupIds: { cluster: "sg-1" },
    kmsKeyArn: `arn:aws:kms:us-west-2:${ACCOUNT}:key/1`,
    writers: [{ roleArn: `arn:aws:iam::${ACCOUNT}:role/spark-test-team-a-job`, indexPrefix: "spark-logs-team-a" }],
    adminArns: [ADMIN],
};

/**
 * A small program shaped like index.ts: network and key first, an EKS cluster, job roles that (like IRSA roles)
 * wait for the cluster, and the log domain fed from all of them the way index.ts wires it.
 */
function program(overrides: Partial<LogDomainArgs> = {}) {
    return () => {
        const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
        const subnets = ["a", "b", "c"].map(
            (zone, i) =>
                new aws.ec2.Subnet(`private-${zone}`, {
                    vpcId: vpc.id,
                    cidrBlock: `10.0.${i}.0/24`,
                    availabilityZone: `us-west-2${zone}`,
                }),
        );
        const key = new PlatformKey("platform-key", {
            namePrefix: "spark-test",
            partition: "aws",
            region: "us-west-2",
            accountId: ACCOUNT,
            logGroupNames: ["/aws/opensearch/spark-test-logs/*"],
        });
        const cluster = new aws.eks.Cluster("cluster", {
            roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
            vpcConfig: { subnetIds: subnets.map((s) => s.id) },
        });
        const jobRoles = TEAMS.map(
            (team) =>
                new aws.iam.Role(`${team}-job-role`, {
                    name: `spark-test-${team}-job`,
                    assumeRolePolicy: cluster.arn.apply((arn) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Principal: { Federated: arn },
                                    Action: "sts:AssumeRoleWithWebIdentity",
                                },
                            ],
                        }),
                    ),
                }),
        );
        const domain = new LogDomain("logs", {
            domainName: "spark-test-logs",
            partition: "aws",
            region: "us-west-2",
            accountId: ACCOUNT,
            vpcId: vpc.id,
            privateSubnetIds: subnets.map((s) => s.id),
            clientSecurityGroupIds: {
                cluster: cluster.vpcConfig.apply((c) => c.clusterSecurityGroupId ?? "sg-cluster"),
            },
            kmsKeyArn: key.arn,
            writers: jobRoles.map((role, i) => ({ roleArn: role.arn, indexPrefix: logIndexPrefix(TEAMS[i]) })),
            adminArns: [ADMIN],
            ...overrides,
        });
        return { endpoint: domain.endpoint, keyArn: key.arn };
    };
}

/** Every URN a resource waits for, directly or through the resources it waits for. */
function transitiveDependencies(resource: CapturedResource, all: readonly CapturedResource[]): Set<string> {
    const byUrn = new Map(all.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const pending = [resource];
    while (pending.length > 0) {
        const current = pending.pop() as CapturedResource;
        for (const urn of [...current.dependencies, ...Object.values(current.propertyDependencies).flat()]) {
            if (seen.has(urn)) continue;
            seen.add(urn);
            const next = byUrn.get(urn);
            if (next) pending.push(next);
        }
    }
    return seen;
}

/** The stack key's ARN, as the program exported it. */
function keyArnOf(plan: { outputs: Record<string, unknown> }): string {
    const arn = String(plan.outputs.keyArn);
    assert.match(arn, /^arn:aws:kms:us-west-2:\d{12}:key\//);
    return arn;
}

describe("LogDomain defaults", () => {
    it("must size a domain as Pulumi.yaml's opensearch* defaults do", () => {
        const declared = readProject(PROJECT_DIR).declarations;
        const defaultOf = (key: string) => declared[key]?.default;
        assert.deepEqual(
            {
                engineVersion: LOG_DOMAIN_DEFAULTS.engineVersion,
                instanceType: LOG_DOMAIN_DEFAULTS.dataNodes.instanceType,
                instanceCount: LOG_DOMAIN_DEFAULTS.dataNodes.count,
                zoneCount: LOG_DOMAIN_DEFAULTS.zoneCount,
                volumeSizeGiB: LOG_DOMAIN_DEFAULTS.volumeSizeGiB,
                logRetentionDays: LOG_DOMAIN_DEFAULTS.logRetentionDays,
                deletionProtection: LOG_DOMAIN_DEFAULTS.deletionProtection,
                createServiceLinkedRole: LOG_DOMAIN_DEFAULTS.createServiceLinkedRole,
            },
            {
                engineVersion: defaultOf("opensearchEngineVersion"),
                instanceType: defaultOf("opensearchInstanceType"),
                instanceCount: defaultOf("opensearchInstanceCount"),
                zoneCount: defaultOf("opensearchZoneCount"),
                volumeSizeGiB: defaultOf("opensearchVolumeSizeGiB"),
                logRetentionDays: defaultOf("opensearchLogRetentionDays"),
                deletionProtection: defaultOf("opensearchDeletionProtection"),
                createServiceLinkedRole: defaultOf("opensearchCreateServiceLinkedRole"),
            },
        );
    });
});

describe("LogDomain", () => {
    let dev: Awaited<ReturnType<typeof planProgram>>;
    before(async () => {
        dev = await planProgram(program(), { account: { accountId: ACCOUNT, region: "us-west-2" } });
    });

    it("must not depend on the EKS cluster or the job roles, so the domain and the cluster build at once", () => {
        const domain = one(dev.resources, "aws:opensearch/domain:Domain");
        const cluster = one(dev.resources, "aws:eks/cluster:Cluster");
        const roles = ofType(dev, "aws:iam/role:Role");
        assert.equal(roles.length, TEAMS.length);
        const waitsFor = transitiveDependencies(domain, dev.resources);
        assert.ok(!waitsFor.has(cluster.urn), `the domain waits for the cluster: ${[...waitsFor].join(", ")}`);
        for (const role of roles) assert.ok(!waitsFor.has(role.urn), `the domain waits for ${role.urn}`);
        // It does wait for what it needs: the key, the subnets, its log groups and their delivery policy.
        for (const type of [
            "aws:kms/key:Key",
            "aws:ec2/subnet:Subnet",
            "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        ]) {
            assert.ok(
                dev.resources.some((r) => r.type === type && waitsFor.has(r.urn)),
                `the domain waits for a ${type}`,
            );
        }
    });

    it("must leave the waiting for the cluster and the roles to the ingress rule and the access policy", () => {
        const cluster = one(dev.resources, "aws:eks/cluster:Cluster");
        const rule = one(dev.resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.ok(transitiveDependencies(rule, dev.resources).has(cluster.urn));
        const policy = one(dev.resources, "aws:opensearch/domainPolicy:DomainPolicy");
        const policyWaitsFor = transitiveDependencies(policy, dev.resources);
        for (const role of nonEmpty(ofType(dev, "aws:iam/role:Role"), "role")) assert.ok(policyWaitsFor.has(role.urn));
        assert.deepEqual(
            { protocol: rule.inputs.ipProtocol, from: rule.inputs.fromPort, to: rule.inputs.toPort },
            { protocol: "tcp", from: 443, to: 443 },
        );
    });

    it("must name exactly the job roles and the admins in its access policy, never *", () => {
        const policy = JSON.parse(
            String(one(dev.resources, "aws:opensearch/domainPolicy:DomainPolicy").inputs.accessPolicies),
        ) as {
            Statement: {
                Principal: { AWS: string | string[] };
                Action: string | string[];
                Resource: string | string[];
            }[];
        };
        const principals = policy.Statement.flatMap((s) => [s.Principal.AWS].flat()).sort();
        const roleArns = TEAMS.map((team) => `arn:aws:iam::${ACCOUNT}:role/spark-test-${team}-job`);
        assert.deepEqual(principals, [ADMIN, ...roleArns].sort());
        const domainArn = `arn:aws:es:us-west-2:${ACCOUNT}:domain/spark-test-logs`;
        TEAMS.forEach((team, i) => {
            const statement = policy.Statement.find((s) => s.Principal.AWS === roleArns[i]);
            assert.ok(statement);
            assert.deepEqual(statement.Action, ["es:ESHttpPost", "es:ESHttpPut"]);
            assert.deepEqual(statement.Resource, [
                `${domainArn}/spark-logs-${team}/_bulk`,
                `${domainArn}/spark-logs-${team}-????.??.??`,
                `${domainArn}/spark-logs-${team}-????.??.??/*`,
            ]);
        });
    });

    it("must run a pinned OpenSearch 2.x in private subnets, encrypted with the stack's key, HTTPS TLS 1.2+", () => {
        const domain = one(dev.resources, "aws:opensearch/domain:Domain");
        const i = domain.inputs as Record<string, Record<string, unknown>>;
        assert.match(String(i.engineVersion), /^OpenSearch_2\.\d+$/);
        assert.deepEqual(i.encryptAtRest, { enabled: true, kmsKeyId: keyArnOf(dev) });
        assert.deepEqual(i.nodeToNodeEncryption, { enabled: true });
        assert.deepEqual(i.domainEndpointOptions, { enforceHttps: true, tlsSecurityPolicy: TLS_SECURITY_POLICY });
        assert.match(TLS_SECURITY_POLICY, /^Policy-Min-TLS-1-2/);
        const subnetIds = one(dev.resources, "aws:opensearch/domain:Domain").inputs.vpcOptions as {
            subnetIds: string[];
            securityGroupIds: string[];
        };
        assert.equal(subnetIds.subnetIds.length, 1, "one data node in dev: one subnet");
        assert.equal(subnetIds.securityGroupIds.length, 1);
        assert.equal(domain.protect, false, "dev may be destroyed");
    });

    it("must send slow and error logs to log groups encrypted with the stack's key", async () => {
        const domain = one(dev.resources, "aws:opensearch/domain:Domain");
        const logTypes = (domain.inputs.logPublishingOptions as { logType: string }[]).map((o) => o.logType).sort();
        assert.deepEqual(logTypes, ["ES_APPLICATION_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS"]);
        const groups = ofType(dev, "aws:cloudwatch/logGroup:LogGroup");
        assert.equal(groups.length, 3);
        const keyArn = keyArnOf(dev);
        for (const group of groups)
            assert.equal(group.inputs.kmsKeyId, keyArn, `${group.name} is encrypted with the key`);
    });

    it("must spread prod's data nodes over zones with dedicated masters, and protect the domain", async () => {
        const prod = await planProgram(
            program({
                zoneCount: 3,
                dataNodes: { instanceType: "r7g.large.search", count: 3 },
                dedicatedMasters: { instanceType: "m7g.large.search", count: 3 },
                deletionProtection: true,
            }),
            { account: { accountId: ACCOUNT, region: "us-west-2" } },
        );
        const domain = one(prod.resources, "aws:opensearch/domain:Domain");
        assert.deepEqual(domain.inputs.clusterConfig, {
            instanceType: "r7g.large.search",
            instanceCount: 3,
            zoneAwarenessEnabled: true,
            zoneAwarenessConfig: { availabilityZoneCount: 3 },
            dedicatedMasterEnabled: true,
            dedicatedMasterType: "m7g.large.search",
            dedicatedMasterCount: 3,
        });
        assert.equal((domain.inputs.vpcOptions as { subnetIds: string[] }).subnetIds.length, 3);
        assert.equal(domain.protect, true);
    });

    // Validation is a pure function the constructor calls before registering anything; tested without a plan.
    it("must refuse an invalid layout before creating anything, naming each input", () => {
        const problems = logDomainProblems({
            ...VALID_ARGS,
            zoneCount: 2,
            dataNodes: { instanceType: "r7g.large.search", count: 3 },
            engineVersion: "OpenSearch_1.3",
            privateSubnetIds: ["subnet-1"],
        }).join("\n");
        assert.match(problems, /engineVersion is "OpenSearch_1\.3"/);
        assert.match(problems, /dataNodes\.count is 3 over 2 zones; use a multiple of 2/);
        assert.match(problems, /a zone-aware domain needs dedicated masters/);
        assert.match(problems, /zoneCount is 2 but 1 private subnet/);
        assert.deepEqual(logDomainProblems(VALID_ARGS), []);
        assert.match(logDomainProblems({ ...VALID_ARGS, domainName: "Logs" }).join(), /domainName is "Logs"/);
        assert.match(logDomainProblems({ ...VALID_ARGS, adminArns: [], writers: [] }).join(), /never `\*`/);
    });
});

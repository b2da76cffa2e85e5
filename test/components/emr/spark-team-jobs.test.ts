/**
 * The EMR job-execution components under the plan's mocks: what they register for two teams, the trust of every
 * role under independent IAM evaluation, the bucket's posture, the uploaded pod templates, the ready-to-run
 * request, and the policy pack over the captured stack export.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { buildPoolContract } from "../../../components/vocabulary";
import { base36, EmrClusterAccess, PlatformBucket, SparkTeamJobs } from "../../../components/emr";
import { platformSparkConf } from "../../../components/spark-conf";
import { planProgram } from "../../../tools/plan/plan";
import { packVerdicts } from "../../../tools/policy-eval/evaluate";
import { handMadeCluster, issuerOf, oidcProviderArnOf } from "../../support/cluster-context";
import { assumeWithWebIdentity } from "../../support/iam-simulation";
import { ofType, one } from "../../support/plan-queries";
import { nonEmpty } from "../../support/non-empty";

const ACCOUNT = "123456789012";
const REGION = "us-west-2";
const ISSUER = issuerOf(REGION);
const PROVIDER = oidcProviderArnOf(REGION, ACCOUNT);
const ZONES = ["us-west-2a", "us-west-2b"];
const TEAMS = [
    { team: "team-a", namespace: "spark-team-a", serviceAccount: "spark" },
    { team: "analytics", namespace: "analytics", serviceAccount: "spark-jobs" },
];

interface Options {
    retainOnDelete: boolean;
    sidecar: boolean;
}

async function plan(options: Options = { retainOnDelete: false, sidecar: true }) {
    const retained = new Map<string, boolean>();
    const result = await planProgram(
        () => {
            pulumi.runtime.registerStackTransformation((args) => {
                retained.set(args.name, args.opts.retainOnDelete === true);
                return undefined;
            });
            const cluster = handMadeCluster({ region: REGION, accountId: ACCOUNT, name: "spark-dev" });
            const pools = buildPoolContract(ZONES);
            const bucket = new PlatformBucket("platform", {
                bucketName: `spark-dev-platform-${ACCOUNT}-${REGION}`,
                kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/stack-key`,
                retainOnDelete: options.retainOnDelete,
            });
            const access = new EmrClusterAccess("emr-access", { cluster, namespaces: TEAMS.map((t) => t.namespace) });
            const outputs: Record<string, unknown> = {};
            for (const t of TEAMS) {
                const jobs = new SparkTeamJobs(`${t.team}-jobs`, {
                    cluster,
                    namePrefix: "spark-dev",
                    ...t,
                    bucket,
                    kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/stack-key`,
                    pools,
                    priorityClassNames: { driver: "spark-driver", executor: "spark-executor" },
                    releaseLabel: "emr-7.12.0-latest",
                    emrAccessReady: access.ready,
                    glueDatabases: t.team === "analytics" ? ["analytics_db", "team_a_curated"] : [],
                    glueOwnedDatabases: t.team === "team-a" ? ["team_a_curated"] : [],
                    glueReadPrefixes: t.team === "analytics" ? ["data/team-a/team_a_curated.db/"] : [],
                    sparkConf: t.team === "analytics" ? { "spark.sql.shuffle.partitions": 64 } : {},
                    ...(options.sidecar
                        ? {
                              sidecars: {
                                  driver: [
                                      {
                                          name: "fluent-bit",
                                          image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.5",
                                          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
                                          volumeMounts: [
                                              { name: "emr-container-communicate", mountPath: "/var/log/fluentd" },
                                          ],
                                      },
                                  ],
                              },
                          }
                        : {}),
                });
                outputs[t.team] = {
                    virtualClusterId: jobs.virtualClusterId,
                    executionRoleArn: jobs.executionRoleArn,
                    prefixes: jobs.prefixes,
                    podTemplateUris: jobs.podTemplateUris,
                    startJobRunRequest: jobs.startJobRunRequest,
                    sparkConf: jobs.sparkConf,
                    glueDatabases: jobs.glueDatabases,
                };
            }
            return outputs;
        },
        { account: { accountId: ACCOUNT, region: REGION } },
    );
    return { ...result, retained };
}

const sa = (namespace: string) => `system:serviceaccount:${namespace}:`;

describe("EMR job execution components (planned under mocks)", function () {
    this.timeout(120_000);
    let planned: Awaited<ReturnType<typeof plan>>;
    before(async () => {
        planned = await plan();
    });

    it("must create per team a named role, a virtual cluster on its namespace and a log group", () => {
        const roles = ofType(planned.resources, "aws:iam/role:Role");
        assert.deepEqual(roles.map((r) => r.inputs.name).sort(), [
            "spark-dev-analytics-emr-job",
            "spark-dev-team-a-emr-job",
        ]);
        const vcs = ofType(planned.resources, "aws:emrcontainers/virtualCluster:VirtualCluster");
        assert.deepEqual(
            vcs
                .map((v) => v.inputs.containerProvider)
                .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
            [
                { id: "spark-dev", type: "EKS", info: { eksInfo: { namespace: "analytics" } } },
                { id: "spark-dev", type: "EKS", info: { eksInfo: { namespace: "spark-team-a" } } },
            ],
        );
        assert.deepEqual(
            ofType(planned.resources, "aws:cloudwatch/logGroup:LogGroup")
                .map((l) => l.inputs.name)
                .sort(),
            ["/aws/emr-containers/spark-dev/analytics", "/aws/emr-containers/spark-dev/team-a"],
        );
    });

    it("must give every role an exact trust: its namespace, service account, account, base36 suffix and aud", () => {
        for (const t of TEAMS) {
            const roleName = `spark-dev-${t.team}-emr-job`;
            const role = ofType(planned.resources, "aws:iam/role:Role").find((r) => r.inputs.name === roleName);
            assert.ok(role);
            const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as {
                Statement: Array<{ Condition: Record<string, Record<string, string>> }>;
            };
            assert.deepEqual(
                trust.Statement.map((s) => s.Condition),
                [
                    {
                        StringEquals: {
                            [`${ISSUER}:sub`]: `system:serviceaccount:${t.namespace}:${t.serviceAccount}`,
                            [`${ISSUER}:aud`]: "sts.amazonaws.com",
                        },
                    },
                    {
                        StringLike: {
                            [`${ISSUER}:sub`]: `${sa(t.namespace)}emr-containers-sa-*-*-${ACCOUNT}-${base36(roleName)}`,
                        },
                        StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" },
                    },
                ],
            );
        }
    });

    it("must let each team's service accounts, and no other team's, assume its role", async () => {
        for (const t of TEAMS) {
            const roleName = `spark-dev-${t.team}-emr-job`;
            const role = ofType(planned.resources, "aws:iam/role:Role").find((r) => r.inputs.name === roleName);
            assert.ok(role);
            const trust: unknown = JSON.parse(String(role.inputs.assumeRolePolicy));
            const assume = (sub: string) =>
                assumeWithWebIdentity({
                    trustPolicy: trust,
                    providerArn: PROVIDER,
                    issuer: ISSUER,
                    sub,
                    roleArn: String(role.outputs.arn),
                });
            assert.equal(await assume(`system:serviceaccount:${t.namespace}:${t.serviceAccount}`), "Allowed");
            assert.equal(
                await assume(`${sa(t.namespace)}emr-containers-sa-spark-driver-${ACCOUNT}-${base36(roleName)}`),
                "Allowed",
            );
            for (const other of TEAMS.filter((o) => o !== t)) {
                const otherRole = `spark-dev-${other.team}-emr-job`;
                assert.equal(
                    await assume(`system:serviceaccount:${other.namespace}:${other.serviceAccount}`),
                    "ImplicitlyDenied",
                );
                assert.equal(
                    await assume(
                        `${sa(other.namespace)}emr-containers-sa-spark-driver-${ACCOUNT}-${base36(otherRole)}`,
                    ),
                    "ImplicitlyDenied",
                );
                assert.equal(
                    await assume(`${sa(t.namespace)}emr-containers-sa-spark-driver-${ACCOUNT}-${base36(otherRole)}`),
                    "ImplicitlyDenied",
                );
            }
        }
    });

    it("must give EMR access to exactly the team namespaces through an access entry, not aws-auth", () => {
        const entry = one(planned.resources, "aws:eks/accessEntry:AccessEntry");
        assert.equal(entry.inputs.principalArn, `arn:aws:iam::${ACCOUNT}:role/AWSServiceRoleForAmazonEMRContainers`);
        assert.equal(entry.inputs.type, "STANDARD");
        const association = one(planned.resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        assert.equal(association.inputs.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEMRJobPolicy");
        assert.deepEqual(association.inputs.accessScope, {
            type: "namespace",
            namespaces: ["spark-team-a", "analytics"],
        });
        assert.equal(ofType(planned.resources, "kubernetes:core/v1:ConfigMap").length, 0, "no aws-auth ConfigMap");
        assert.equal(
            ofType(planned.resources, "aws:iam/serviceLinkedRole:ServiceLinkedRole").length,
            0,
            "the SLR is not created by default",
        );
    });

    it("must create virtual clusters after EMR's access, and upload templates after bucket encryption", () => {
        const association = one(planned.resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        for (const vc of nonEmpty(
            ofType(planned, "aws:emrcontainers/virtualCluster:VirtualCluster"),
            "virtual cluster",
        )) {
            assert.ok(vc.dependencies.includes(association.urn), `${vc.name} waits for ${association.name}`);
        }
        const sse = one(
            planned.resources,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        );
        const policy = one(planned.resources, "aws:s3/bucketPolicy:BucketPolicy");
        for (const o of nonEmpty(ofType(planned, "aws:s3/bucketObjectv2:BucketObjectv2"), "bucket object")) {
            assert.ok(o.dependencies.includes(sse.urn) && o.dependencies.includes(policy.urn), o.name);
        }
    });

    it("must grant each role only its own team's prefixes, and the databases of others it reads", () => {
        for (const t of TEAMS) {
            const policy = ofType(planned.resources, "aws:iam/rolePolicy:RolePolicy").find(
                (p) => p.name === `${t.team}-jobs-role-access`,
            );
            assert.ok(policy);
            // analytics reads team-a's database team_a_curated: its objects, and nothing else of team-a.
            const text = String(policy.inputs.policy).split("data/team-a/team_a_curated.db/").join("");
            for (const other of TEAMS.filter((o) => o !== t))
                assert.ok(!text.includes(`/${other.team}/`), `${t.team} reaches ${other.team}`);
            assert.ok(text.includes(`/logs/${t.team}/*`));
        }
    });

    it("must create each owned Glue database under its team's data prefix, and let only that team write it", () => {
        const databases = ofType(planned.resources, "aws:glue/catalogDatabase:CatalogDatabase");
        const bucket = `spark-dev-platform-${ACCOUNT}-${REGION}`;
        assert.deepEqual(
            databases.map((d) => [d.inputs.name, d.inputs.locationUri]),
            [["team_a_curated", `s3://${bucket}/data/team-a/team_a_curated.db/`]],
        );
        assert.deepEqual((planned.outputs["team-a"] as { glueDatabases: unknown }).glueDatabases, {
            team_a_curated: `s3://${bucket}/data/team-a/team_a_curated.db/`,
        });
        const statementsOf = (team: string) => {
            const policy = ofType(planned.resources, "aws:iam/rolePolicy:RolePolicy").find(
                (p) => p.name === `${team}-jobs-role-access`,
            );
            return (JSON.parse(String(policy?.inputs.policy)) as { Statement: { Sid: string; Resource: unknown }[] })
                .Statement;
        };
        const database = `arn:aws:glue:${REGION}:${ACCOUNT}:database/team_a_curated`;
        const writes = (team: string) => statementsOf(team).find((s) => s.Sid === "UseOwnGlueDatabases");
        assert.ok([writes("team-a")?.Resource].flat().includes(database));
        assert.equal(writes("analytics"), undefined);
        const reads = statementsOf("analytics").find((s) => s.Sid === "ReadGlueDatabases");
        assert.ok([reads?.Resource].flat().includes(database));
    });

    it("must keep the bucket encrypted with the stack key, versioned, private, ACL-free and TLS-only", () => {
        const sse = one(
            planned.resources,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        );
        assert.deepEqual(sse.inputs.rules, [
            {
                applyServerSideEncryptionByDefault: {
                    sseAlgorithm: "aws:kms",
                    kmsMasterKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/stack-key`,
                },
                bucketKeyEnabled: true,
            },
        ]);
        assert.deepEqual(
            one(planned.resources, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration,
            { status: "Enabled" },
        );
        const pab = one(planned.resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"])
            assert.equal(pab[flag], true, flag);
        assert.deepEqual(one(planned.resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, {
            objectOwnership: "BucketOwnerEnforced",
        });
        const policy = JSON.parse(String(one(planned.resources, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy)) as {
            Statement: unknown[];
        };
        const bucketArn = `arn:aws:s3:::spark-dev-platform-${ACCOUNT}-${REGION}`;
        assert.deepEqual(policy.Statement, [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ]);
    });

    it("must expire logs and event logs under their prefixes", () => {
        const rules = one(planned.resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs
            .rules as Array<Record<string, unknown>>;
        const byId = new Map(rules.map((r) => [r.id, r]));
        assert.deepEqual(byId.get("expire-container-logs")?.filter, { prefix: "logs/" });
        assert.deepEqual(byId.get("expire-container-logs")?.expiration, { days: 30 });
        // Event logs expire; the zero-byte directory markers Spark needs do not.
        assert.deepEqual(byId.get("expire-spark-event-logs")?.filter, {
            and: { prefix: "spark-events/", objectSizeGreaterThan: 0 },
        });
        assert.deepEqual(byId.get("expire-spark-event-logs")?.expiration, { days: 90 });
        for (const r of rules) assert.equal(r.status, "Enabled");
    });

    it("must not retain a dev bucket, and retain the prod bucket with everything that protects it", async () => {
        const bucketChildren = (retained: Map<string, boolean>) =>
            [...retained].filter(([name]) => name.startsWith("platform-"));
        const dev = bucketChildren(planned.retained);
        assert.equal(dev.length, 7);
        assert.ok(dev.every(([, r]) => !r));
        assert.equal(one(planned.resources, "aws:s3/bucket:Bucket").inputs.forceDestroy, true);
        const prod = await plan({ retainOnDelete: true, sidecar: false });
        const retained = bucketChildren(prod.retained);
        assert.equal(retained.length, 7);
        assert.ok(
            retained.every(([, r]) => r),
            JSON.stringify(retained),
        );
        assert.equal(one(prod.resources, "aws:s3/bucket:Bucket").inputs.forceDestroy, false);
    });

    it("must create each team's event-log directory, owned by the stack, where its job requests log events", () => {
        const markers = ofType(planned.resources, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) =>
            String(o.inputs.key).startsWith("spark-events/"),
        );
        assert.deepEqual(
            markers.map((o) => [o.inputs.key, o.inputs.content, o.inputs.bucket]).sort(),
            TEAMS.map((t) => [`spark-events/${t.team}/`, "", `spark-dev-platform-${ACCOUNT}-${REGION}`]).sort(),
        );
        for (const t of TEAMS) {
            const text = JSON.stringify(planned.outputs[t.team]);
            assert.ok(
                text.includes(
                    `"spark.eventLog.dir":"s3://spark-dev-platform-${ACCOUNT}-${REGION}/spark-events/${t.team}/"`,
                ),
                `${t.team}'s job request does not log events to its directory`,
            );
        }
    });

    it("must upload a schema-valid driver and executor template per team and zone", async () => {
        const { Pod } = (await import("kubernetes-models/v1")) as unknown as {
            Pod: new (data: unknown) => { validate(): void };
        };
        const objects = ofType(planned.resources, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) =>
            String(o.inputs.key).startsWith("pod-templates/"),
        );
        const keys = objects.map((o) => String(o.inputs.key)).sort();
        assert.deepEqual(
            keys,
            TEAMS.flatMap((t) =>
                ZONES.flatMap((z) => ["driver", "executor"].map((r) => `pod-templates/${t.team}/${z}/${r}.yaml`)),
            ).sort(),
        );
        for (const o of objects) {
            const pod = parse(String(o.inputs.content)) as { spec: Record<string, unknown> };
            new Pod(pod).validate();
            assert.equal(pod.spec.securityContext, undefined);
            assert.equal(o.inputs.bucket, `spark-dev-platform-${ACCOUNT}-${REGION}`);
        }
    });

    it("must publish a complete StartJobRun request per team, wired to its role, cluster and templates", () => {
        for (const t of TEAMS) {
            const out = planned.outputs[t.team] as Record<string, unknown>;
            const request = out.startJobRunRequest as {
                virtualClusterId: string;
                executionRoleArn: string;
                releaseLabel: string;
                configurationOverrides: { applicationConfiguration: Array<{ properties: Record<string, string> }> };
            };
            assert.equal(request.virtualClusterId, out.virtualClusterId);
            assert.equal(request.executionRoleArn, out.executionRoleArn);
            assert.match(request.executionRoleArn, new RegExp(`:role/spark-dev-${t.team}-emr-job$`));
            assert.equal(request.releaseLabel, "emr-7.12.0-latest");
            const bucket = `s3://spark-dev-platform-${ACCOUNT}-${REGION}`;
            const templates = `${bucket}/pod-templates/${t.team}/us-west-2a`;
            const platform = platformSparkConf({
                team: t.team,
                eventLogDir: `${bucket}/spark-events/${t.team}/`,
                fallbackStorageDir: `${bucket}/shuffle-fallback/${t.team}/`,
            });
            const team = t.team === "analytics" ? { "spark.sql.shuffle.partitions": "64" } : {};
            assert.deepEqual(out.sparkConf, { ...platform, ...team });
            assert.deepEqual(request.configurationOverrides.applicationConfiguration[0].properties, {
                ...platform,
                ...team,
                "spark.kubernetes.driver.podTemplateFile": `${templates}/driver.yaml`,
                "spark.kubernetes.executor.podTemplateFile": `${templates}/executor.yaml`,
            });
        }
    });

    it("must pass the policy pack with zero violations", async () => {
        const verdicts = await packVerdicts(planned.stackExport);
        assert.deepEqual(verdicts.violations, []);
        assert.deepEqual(verdicts.notEvaluated, []);
    });

    it("must fail the policy pack if a template gains a root pod securityContext (S3 objects are read)", async () => {
        const exported = JSON.parse(JSON.stringify(planned.stackExport)) as typeof planned.stackExport;
        const object = exported.deployment.resources.find(
            (r) =>
                r.type === "aws:s3/bucketObjectv2:BucketObjectv2" && String(r.inputs.key).startsWith("pod-templates/"),
        );
        assert.ok(object);
        const pod = parse(String(object.inputs.content)) as { spec: Record<string, unknown> };
        pod.spec.securityContext = { runAsUser: 0 };
        object.inputs.content = JSON.stringify(pod);
        const verdicts = await packVerdicts(exported);
        assert.ok(
            verdicts.violations.some((v) => v.policy === "non-root-pods"),
            JSON.stringify(verdicts.violations),
        );
    });
});

import * as assert from "node:assert/strict";
import { jobRoleName } from "../../../components/vocabulary";
import {
    base36,
    emrServiceAccountPattern,
    jobRolePolicy,
    jobRoleTrustPolicy,
    teamPrefixes,
} from "../../../components/emr";
import { assumeWithWebIdentity, evaluatePermission } from "../../support/iam-simulation";
import { nonEmpty } from "../../support/non-empty";

const ACCOUNT = "123456789012";
const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;

describe("base36 of a role name", () => {
    // Vectors computed with the AWS CLI's algorithm (awscli/customizations/emrcontainers/base36.py).
    const vectors: Array<[string, string]> = [
        ["emr-data-team-a", "ued72w4tryiupgvsx3ewuox"],
        ["spark-dev-emr-exec", "9llejrtts23j51ds6pams1oilysj"],
        ["myBlueprintExecRole", "1sqkeeok2lu4eibkzrihz80gatcbxh"],
        ["", "0"],
        ["\u0001", "1"],
        ["$", "10"],
    ];
    for (const [name, expected] of vectors) {
        it(`must encode ${JSON.stringify(name)} as ${expected}`, () => assert.equal(base36(name), expected));
    }

    it("must match the CLI's digit-by-digit algorithm for every role name character", () => {
        const cli = (text: string) => {
            let n = 0n;
            for (const c of text) n = n * 256n + BigInt(c.charCodeAt(0));
            const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
            let out = "";
            do {
                out = alphabet[Number(n % 36n)] + out;
                n /= 36n;
            } while (n > 0n);
            return out;
        };
        const charset = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-";
        const name = `${charset}${charset}`.slice(0, 64);
        assert.equal(base36(name), cli(name));
        assert.equal(base36("spark-prod-data-team-a-emr-job"), cli("spark-prod-data-team-a-emr-job"));
    });
});

describe("job execution role name", () => {
    it("must be deterministic: <namePrefix>-<team>-emr-job", () => {
        assert.equal(jobRoleName("spark-prod", "data-team-a"), "spark-prod-data-team-a-emr-job");
    });

    it("must fit IAM's 64 characters for a long stack and team, keeping the team and the kind readable", () => {
        const name = jobRoleName(`spark-${"p".repeat(60)}`, "t".repeat(30));
        assert.ok(name.length <= 64, name);
        assert.match(name, /^spark-p+-[a-z0-9]{6}-t{30}-emr-job$/);
    });
});

describe("job execution role trust", () => {
    const teams = [
        { namespace: "spark-team-a", serviceAccount: "spark", roleName: "spark-dev-team-a-emr-job" },
        { namespace: "analytics", serviceAccount: "spark-analytics", roleName: "spark-prod-analytics-emr-job" },
    ];

    for (const team of teams) {
        it(`must be exact for ${team.namespace}: service account, EMR pattern (account, base36), aud`, () => {
            const doc = jobRoleTrustPolicy({
                partition: "aws",
                accountId: ACCOUNT,
                oidcProviderArn: PROVIDER,
                oidcIssuer: `https://${ISSUER}`,
                ...team,
            });
            assert.deepEqual(doc, {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "TeamSparkServiceAccount",
                        Effect: "Allow",
                        Principal: { Federated: PROVIDER },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                [`${ISSUER}:sub`]: `system:serviceaccount:${team.namespace}:${team.serviceAccount}`,
                                [`${ISSUER}:aud`]: "sts.amazonaws.com",
                            },
                        },
                    },
                    {
                        Sid: "EmrOnEksJobServiceAccounts",
                        Effect: "Allow",
                        Principal: { Federated: PROVIDER },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringLike: {
                                [`${ISSUER}:sub`]:
                                    `system:serviceaccount:${team.namespace}:` +
                                    `emr-containers-sa-*-*-${ACCOUNT}-${base36(team.roleName)}`,
                            },
                            StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" },
                        },
                    },
                ],
            });
        });
    }

    it("must use the partition of the stack in the provider ARN", () => {
        const provider = `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/X`;
        const doc = jobRoleTrustPolicy({
            partition: "aws-cn",
            accountId: ACCOUNT,
            oidcProviderArn: provider,
            oidcIssuer: "oidc.eks.cn-north-1.amazonaws.com.cn/id/X",
            namespace: "a",
            serviceAccount: "spark",
            roleName: "r",
        });
        assert.equal(doc.Statement[1].Principal.Federated, provider);
    });

    for (const [field, value, message] of [
        ["namespace", "*", /namespace/],
        ["serviceAccount", "spark-*", /service account/],
        ["roleName", "r".repeat(65), /role name/],
        ["accountId", "12345", /account id/],
        ["oidcProviderArn", `arn:aws:iam::999999999999:oidc-provider/${ISSUER}`, /not the provider of issuer/],
    ] as const) {
        it(`must refuse a wildcard or malformed ${field}`, () => {
            const input = {
                partition: "aws" as const,
                accountId: ACCOUNT,
                oidcProviderArn: PROVIDER,
                oidcIssuer: ISSUER,
                namespace: "a",
                serviceAccount: "spark",
                roleName: "r",
                [field]: value,
            };
            assert.throws(() => jobRoleTrustPolicy(input), message);
        });
    }
});

describe("job execution role trust under independent IAM evaluation", () => {
    const roleName = "spark-dev-team-a-emr-job";
    const namespace = "spark-team-a";
    const trust = jobRoleTrustPolicy({
        partition: "aws",
        accountId: ACCOUNT,
        oidcProviderArn: PROVIDER,
        oidcIssuer: ISSUER,
        namespace,
        serviceAccount: "spark",
        roleName,
    });
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/${roleName}`;
    const suffix = `${ACCOUNT}-${base36(roleName)}`;
    const assume = (sub: string, overrides: { issuer?: string; providerArn?: string; aud?: string } = {}) =>
        assumeWithWebIdentity({
            trustPolicy: trust,
            trustIssuer: ISSUER,
            providerArn: overrides.providerArn ?? PROVIDER,
            issuer: overrides.issuer ?? ISSUER,
            sub,
            aud: overrides.aud,
            roleArn,
        });

    const allowed: Array<[string, string]> = [
        ["the team's Spark service account", `system:serviceaccount:${namespace}:spark`],
        ["EMR's driver service account", `system:serviceaccount:${namespace}:emr-containers-sa-spark-driver-${suffix}`],
        [
            "EMR's executor service account",
            `system:serviceaccount:${namespace}:emr-containers-sa-spark-executor-${suffix}`,
        ],
        [
            "EMR's job-submitter service account",
            `system:serviceaccount:${namespace}:emr-containers-sa-spark-client-${suffix}`,
        ],
    ];
    for (const [who, sub] of allowed) {
        it(`must let ${who} assume the role`, async () => assert.equal(await assume(sub), "Allowed"));
    }

    const other = "spark-team-b";
    const denied: Array<[string, string]> = [
        ["the Spark service account of another namespace", `system:serviceaccount:${other}:spark`],
        [
            "EMR's service account in another namespace",
            `system:serviceaccount:${other}:emr-containers-sa-spark-driver-${suffix}`,
        ],
        ["another service account of the namespace", `system:serviceaccount:${namespace}:default`],
        [
            "EMR's service account of another account",
            `system:serviceaccount:${namespace}:emr-containers-sa-spark-driver-210987654321-${base36(roleName)}`,
        ],
        [
            "EMR's service account of another role",
            `system:serviceaccount:${namespace}:emr-containers-sa-spark-driver-${ACCOUNT}-${base36("other-role")}`,
        ],
        [
            "a service account that only starts like EMR's",
            `system:serviceaccount:${namespace}:emr-containers-sa-spark-driver-${suffix}x`,
        ],
    ];
    for (const [who, sub] of denied) {
        it(`must not let ${who} assume the role`, async () => assert.equal(await assume(sub), "ImplicitlyDenied"));
    }

    it("must not accept a token minted for another audience", async () => {
        assert.equal(await assume(`system:serviceaccount:${namespace}:spark`, { aud: "other" }), "ImplicitlyDenied");
    });

    it("must not accept a token of another cluster's issuer", async () => {
        const issuer = "oidc.eks.us-west-2.amazonaws.com/id/OTHERCLUSTER";
        const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`;
        assert.equal(
            await assume(`system:serviceaccount:${namespace}:spark`, { issuer, providerArn }),
            "ImplicitlyDenied",
        );
    });

    it("must describe EMR's pattern exactly as the AWS CLI writes it", () => {
        assert.equal(
            emrServiceAccountPattern(namespace, ACCOUNT, roleName),
            `system:serviceaccount:${namespace}:emr-containers-sa-*-*-${suffix}`,
        );
    });
});

describe("job execution role permissions", () => {
    const bucketArn = "arn:aws:s3:::spark-dev-platform";
    const input = {
        partition: "aws" as const,
        region: "us-west-2",
        accountId: ACCOUNT,
        bucketArn,
        prefixes: teamPrefixes("team-a"),
        kmsKeyArn: `arn:aws:kms:us-west-2:${ACCOUNT}:key/k`,
        logGroupName: "/aws/emr-containers/spark-dev/team-a",
        glueDatabases: [],
    };
    type Statement = { Sid: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown };
    const statements = (doc: { Statement: object[] }) => doc.Statement as Statement[];
    const resources = (doc: { Statement: object[] }) => statements(doc).flatMap((s) => [s.Resource].flat());

    it("must reach only the team's prefixes of the bucket, never the whole bucket's objects", () => {
        const s3Objects = resources(jobRolePolicy(input)).filter((r) => r.startsWith(`${bucketArn}/`));
        assert.ok(s3Objects.length > 0);
        for (const r of s3Objects)
            assert.match(
                r,
                /^arn:aws:s3:::spark-dev-platform\/((code|pod-templates|logs|spark-events|data|shuffle-fallback)\/team-a\/\??\*|spark-events\/team-a)$/,
            );
    });

    it("must not let jobs overwrite their code or their pod templates", () => {
        const write = statements(jobRolePolicy(input)).find((s) => s.Sid === "WriteTeamOutputs");
        assert.deepEqual(write?.Resource, [
            `${bucketArn}/logs/team-a/*`,
            `${bucketArn}/data/team-a/*`,
            `${bucketArn}/shuffle-fallback/team-a/*`,
            `${bucketArn}/spark-events/team-a/?*`,
        ]);
    });

    describe("Spark's event-log writer, as IAM decides its requests", () => {
        const role = `arn:aws:iam::${ACCOUNT}:role/spark-dev-team-a-jobs`;
        const decide = (action: string, key: string, context?: Record<string, string>) =>
            evaluatePermission({
                principal: role,
                action,
                resource: key === "" ? bucketArn : `${bucketArn}/${key}`,
                accountId: ACCOUNT,
                identityPolicies: { access: jobRolePolicy(input) },
                ...(context === undefined ? {} : { context }),
            });

        it("must let it stat, create, roll and rename event logs under the team's own directory", async () => {
            // getFileStatus of spark.eventLog.dir: HEAD of the path as a file, then of the marker, then a listing.
            assert.equal(await decide("s3:GetObject", "spark-events/team-a"), "Allowed");
            assert.equal(await decide("s3:GetObject", "spark-events/team-a/"), "Allowed");
            assert.equal(await decide("s3:ListBucket", "", { "s3:prefix": "spark-events/team-a/" }), "Allowed");
            // The .inprogress file, its multipart upload, the rename (copy + delete) and rolled files.
            for (const key of [
                "spark-events/team-a/spark-1.inprogress",
                "spark-events/team-a/eventlog_v2_spark-1/events_1",
            ]) {
                for (const action of ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"])
                    assert.equal(await decide(action, key), "Allowed", `${action} ${key}`);
            }
        });

        it("must refuse it another team's event logs and deleting its own directory marker", async () => {
            assert.equal(await decide("s3:GetObject", "spark-events/team-b"), "ImplicitlyDenied");
            assert.equal(await decide("s3:PutObject", "spark-events/team-b/spark-1.inprogress"), "ImplicitlyDenied");
            assert.equal(await decide("s3:GetObject", "spark-events/team-b/spark-1"), "ImplicitlyDenied");
            assert.equal(
                await decide("s3:ListBucket", "", { "s3:prefix": "spark-events/team-b/" }),
                "ImplicitlyDenied",
            );
            assert.equal(await decide("s3:DeleteObject", "spark-events/team-a/"), "ImplicitlyDenied");
            assert.equal(await decide("s3:PutObject", "spark-events/team-a/"), "ImplicitlyDenied");
        });
    });

    it("must list only the team's prefixes", () => {
        const list = statements(jobRolePolicy(input)).find((s) => s.Sid === "ListTeamPrefixes");
        assert.equal(list?.Resource, bucketArn);
        const prefixes = (list?.Condition as { StringLike: { "s3:prefix": string[] } }).StringLike["s3:prefix"];
        for (const p of prefixes) assert.match(p, /^[a-z-]+\/team-a\/\*?$/);
    });

    it("must use the KMS key only through S3 of the stack's region", () => {
        const kms = statements(jobRolePolicy(input)).find((s) => s.Sid === "UseBucketKeyThroughS3");
        assert.deepEqual(kms?.Condition, { StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } });
    });

    it("must write only the team's log group", () => {
        const logs = statements(jobRolePolicy(input)).find((s) => s.Sid === "WriteTeamLogGroup");
        assert.deepEqual(logs?.Resource, [
            `arn:aws:logs:us-west-2:${ACCOUNT}:log-group:/aws/emr-containers/spark-dev/team-a`,
            `arn:aws:logs:us-west-2:${ACCOUNT}:log-group:/aws/emr-containers/spark-dev/team-a:log-stream:*`,
        ]);
    });

    it("must grant only the Glue client's lookup of default unless databases are named, then read-only on those", () => {
        const glueStatements = (doc: { Statement: object[] }) =>
            statements(doc).filter((s) => [s.Action].flat().some((a) => a.startsWith("glue:")));
        assert.deepEqual(glueStatements(jobRolePolicy(input)), [
            {
                Sid: "StartGlueClient",
                Effect: "Allow",
                Action: "glue:GetDatabase",
                Resource: [
                    `arn:aws:glue:us-west-2:${ACCOUNT}:catalog`,
                    `arn:aws:glue:us-west-2:${ACCOUNT}:database/default`,
                ],
            },
        ]);
        const glue = statements(jobRolePolicy({ ...input, glueDatabases: ["sales"] })).find(
            (s) => s.Sid === "ReadGlueDatabases",
        );
        assert.ok(glue);
        for (const a of [glue.Action].flat()) assert.match(a, /^glue:(Get|BatchGet)/);
        assert.deepEqual(glue.Resource, [
            `arn:aws:glue:us-west-2:${ACCOUNT}:catalog`,
            `arn:aws:glue:us-west-2:${ACCOUNT}:database/sales`,
            `arn:aws:glue:us-west-2:${ACCOUNT}:table/sales/*`,
            `arn:aws:glue:us-west-2:${ACCOUNT}:userDefinedFunction/sales/*`,
        ]);
    });

    it("must refuse a wildcard Glue database, owning default, and a database both read and owned", () => {
        assert.throws(() => jobRolePolicy({ ...input, glueDatabases: ["*"] }), /not a Glue database name/);
        assert.throws(() => jobRolePolicy({ ...input, glueOwnedDatabases: ["sales*"] }), /not a Glue database name/);
        assert.throws(() => jobRolePolicy({ ...input, glueOwnedDatabases: ["default"] }), /cannot be owned/);
        assert.throws(
            () => jobRolePolicy({ ...input, glueDatabases: ["sales"], glueOwnedDatabases: ["sales"] }),
            /both read and owned/,
        );
    });

    it("must not contain a wildcard action or a bare * resource", () => {
        const doc = jobRolePolicy({
            ...input,
            glueDatabases: ["sales"],
            glueOwnedDatabases: ["team_a"],
            glueReadPrefixes: ["data/team-b/sales.db/"],
        });
        for (const s of nonEmpty(statements(doc), "statement")) {
            for (const a of [s.Action].flat()) assert.doesNotMatch(a, /\*/);
            for (const r of [s.Resource].flat()) assert.notEqual(r, "*");
        }
    });
});

/**
 * A team's submitter role under independent IAM evaluation (@cloud-copilot/iam-simulate, which knows EMR on EKS's
 * `emr-containers:ExecutionRoleArn` and `emr-containers:JobTemplateArn` keys for StartJobRun: the shared helper fails
 * a test when the simulator ignores a context key). A start from a template is checked both with and without EMR
 * reporting the template's role, since EMR's documents do not say which it does (submitter-policy.ts).
 */
import * as assert from "node:assert/strict";
import { submitterPolicy, submitterTrustPolicy, teamPrefixes } from "../../../components/emr";
import { platformKeyPolicy } from "../../../components/encryption";
import { submitterRoleName } from "../../../components/vocabulary";
import { evaluatePermission } from "../../support/iam-simulation";

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const REGION = "eu-west-1";
const EMR = `arn:aws:emr-containers:${REGION}:${ACCOUNT}`;
const BUCKET = "arn:aws:s3:::spark-dev-platform";
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** Two teams of one stack, as the program wires them. */
const TEAMS = {
    a: {
        virtualClusterId: "a1b2c3d4e5f6a7b8c9d0e1f2a",
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/spark-dev-team-a-emr-job`,
        jobTemplateArns: [`${EMR}:/jobtemplates/aaaa1111bbbb2222cccc3333d`],
        codePrefix: teamPrefixes("team-a").code,
    },
    b: {
        virtualClusterId: "zz9yy8xx7ww6vv5uu4tt3ss2r",
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/spark-dev-team-b-emr-job`,
        jobTemplateArns: [`${EMR}:/jobtemplates/eeee4444ffff5555gggg6666h`],
        codePrefix: teamPrefixes("team-b").code,
    },
};
const vcArn = (team: keyof typeof TEAMS) => `${EMR}:/virtualclusters/${TEAMS[team].virtualClusterId}`;
const SUBMITTER_ROLE = `arn:aws:iam::${ACCOUNT}:role/${submitterRoleName("spark-dev", "team-a")}`;

function policyOf(requireJobTemplate: boolean) {
    return submitterPolicy({
        partition: "aws",
        region: REGION,
        accountId: ACCOUNT,
        ...TEAMS.a,
        requireJobTemplate,
        bucketArn: BUCKET,
        kmsKeyArn: KEY,
    });
}

interface Request {
    action: string;
    resource: string;
    context?: Record<string, string>;
}

/** The stack key's own policy: KMS needs it to delegate to IAM policies, as the deployed key's does. */
const KEY_POLICY = platformKeyPolicy({
    partition: "aws",
    region: REGION,
    accountId: ACCOUNT,
    logGroupNames: ["/aws/emr-containers/spark-dev/*"],
});

const decide = (policy: unknown, request: Request) =>
    evaluatePermission({
        principal: SUBMITTER_ROLE,
        action: request.action,
        resource: request.resource,
        accountId: request.resource.split(":")[4] || ACCOUNT,
        identityPolicies: { "submit-team-jobs": policy },
        ...(request.resource === KEY ? { resourcePolicy: KEY_POLICY } : {}),
        context: request.context ?? {},
    });

const start = (team: keyof typeof TEAMS, context: Record<string, string>): Request => ({
    action: "emr-containers:StartJobRun",
    resource: vcArn(team),
    context,
});
const asTeamA = { "emr-containers:ExecutionRoleArn": TEAMS.a.executionRoleArn };
const asTeamB = { "emr-containers:ExecutionRoleArn": TEAMS.b.executionRoleArn };
const templateOnlyA = { "emr-containers:JobTemplateArn": TEAMS.a.jobTemplateArns[0] };
const fromTemplateA = { ...asTeamA, ...templateOnlyA };
const templateOnlyB = { "emr-containers:JobTemplateArn": TEAMS.b.jobTemplateArns[0] };

/** What every submitter role may do, templates required or not. */
const ALLOWED: [string, Request][] = [
    ["start a job on its virtual cluster from its template, EMR reporting its role", start("a", fromTemplateA)],
    ["start a job on its virtual cluster from its template, EMR reporting no role", start("a", templateOnlyA)],
    ["list its job runs", { action: "emr-containers:ListJobRuns", resource: vcArn("a") }],
    [
        "describe its job runs",
        { action: "emr-containers:DescribeJobRun", resource: `${vcArn("a")}/jobruns/0000000123abcdef` },
    ],
    [
        "cancel its job runs",
        { action: "emr-containers:CancelJobRun", resource: `${vcArn("a")}/jobruns/0000000123abcdef` },
    ],
    [
        "describe its job template",
        { action: "emr-containers:DescribeJobTemplate", resource: TEAMS.a.jobTemplateArns[0] },
    ],
    ["upload code to its code prefix", { action: "s3:PutObject", resource: `${BUCKET}/code/team-a/etl/job.py` }],
    [
        "encrypt an upload with the stack key through S3",
        {
            action: "kms:GenerateDataKey",
            resource: KEY,
            context: { "kms:ViaService": `s3.${REGION}.amazonaws.com` },
        },
    ],
];

/** What no submitter role may do, templates required or not. */
const DENIED: [string, Request][] = [
    ["start a job on another team's virtual cluster", start("b", fromTemplateA)],
    ["start a job from its template naming another team's role", start("a", { ...templateOnlyA, ...asTeamB })],
    ["start a job without a template as another team's role", start("a", asTeamB)],
    ["start a job from another team's template, EMR reporting no role", start("a", templateOnlyB)],
    ["start a job from another team's template naming its own role", start("a", { ...templateOnlyB, ...asTeamA })],
    ["start a job naming neither a template nor a role", start("a", {})],
    [
        "start a job as a role of the same name in another account",
        start("a", {
            ...fromTemplateA,
            "emr-containers:ExecutionRoleArn": TEAMS.a.executionRoleArn.replace(ACCOUNT, OTHER_ACCOUNT),
        }),
    ],
    [
        "start a job as a role named like its own plus a suffix",
        start("a", { ...fromTemplateA, "emr-containers:ExecutionRoleArn": `${TEAMS.a.executionRoleArn}-admin` }),
    ],
    ["list another team's job runs", { action: "emr-containers:ListJobRuns", resource: vcArn("b") }],
    [
        "describe another team's job runs",
        { action: "emr-containers:DescribeJobRun", resource: `${vcArn("b")}/jobruns/0000000123abcdef` },
    ],
    [
        "cancel another team's job runs",
        { action: "emr-containers:CancelJobRun", resource: `${vcArn("b")}/jobruns/0000000123abcdef` },
    ],
    [
        "describe another team's job template",
        { action: "emr-containers:DescribeJobTemplate", resource: TEAMS.b.jobTemplateArns[0] },
    ],
    ["upload code to another team's prefix", { action: "s3:PutObject", resource: `${BUCKET}/code/team-b/job.py` }],
    ["write the team's data prefix", { action: "s3:PutObject", resource: `${BUCKET}/data/team-a/out.parquet` }],
    ["overwrite the team's pod templates", { action: "s3:PutObject", resource: `${BUCKET}/pod-templates/team-a/x` }],
    ["read its code back", { action: "s3:GetObject", resource: `${BUCKET}/code/team-a/etl/job.py` }],
    ["delete its code", { action: "s3:DeleteObject", resource: `${BUCKET}/code/team-a/etl/job.py` }],
    ["use the stack key outside S3", { action: "kms:Decrypt", resource: KEY }],
    // Every other action of the service, on the team's own resources.
    ["create a job template", { action: "emr-containers:CreateJobTemplate", resource: "*" }],
    ["delete its job template", { action: "emr-containers:DeleteJobTemplate", resource: TEAMS.a.jobTemplateArns[0] }],
    ["list every team's job templates", { action: "emr-containers:ListJobTemplates", resource: "*" }],
    ["delete its virtual cluster", { action: "emr-containers:DeleteVirtualCluster", resource: vcArn("a") }],
    ["describe its virtual cluster", { action: "emr-containers:DescribeVirtualCluster", resource: vcArn("a") }],
    [
        "open a managed endpoint on its virtual cluster",
        { action: "emr-containers:CreateManagedEndpoint", resource: vcArn("a"), context: asTeamA },
    ],
    ["tag its job runs", { action: "emr-containers:TagResource", resource: `${vcArn("a")}/jobruns/0000000123abcdef` }],
    ["pass its execution role", { action: "iam:PassRole", resource: TEAMS.a.executionRoleArn }],
];

for (const requireJobTemplate of [false, true]) {
    describe(`submitter role permissions (requireJobTemplate: ${requireJobTemplate}) under IAM evaluation`, () => {
        const policy = policyOf(requireJobTemplate);
        for (const [what, request] of ALLOWED) {
            it(`must allow it to ${what}`, async () => assert.equal(await decide(policy, request), "Allowed"));
        }
        for (const [what, request] of DENIED) {
            it(`must not allow it to ${what}`, async () =>
                assert.equal(await decide(policy, request), "ImplicitlyDenied"));
        }

        const withoutTemplate = start("a", asTeamA);
        if (requireJobTemplate) {
            it("must not allow it to start a job without a template, even as its role", async () =>
                assert.equal(await decide(policy, withoutTemplate), "ImplicitlyDenied"));
        } else {
            it("must allow it to start a job without a template, as its role", async () =>
                assert.equal(await decide(policy, withoutTemplate), "Allowed"));
        }
    });
}

describe("submitter role permissions, as written", () => {
    it("must grant exactly the submitting, watching and uploading actions, and no wildcard action", () => {
        for (const requireJobTemplate of [false, true]) {
            const actions = policyOf(requireJobTemplate).Statement.flatMap((s) =>
                [(s as { Action: string }).Action].flat(),
            );
            assert.deepEqual([...new Set(actions)].sort(), [
                "emr-containers:CancelJobRun",
                "emr-containers:DescribeJobRun",
                "emr-containers:DescribeJobTemplate",
                "emr-containers:ListJobRuns",
                "emr-containers:StartJobRun",
                "kms:Decrypt",
                "kms:GenerateDataKey",
                "s3:PutObject",
            ]);
        }
    });

    it("must start from templates only through the team's templates, and directly only without requireJobTemplate", () => {
        const starts = (requireJobTemplate: boolean) =>
            policyOf(requireJobTemplate).Statement.filter(
                (s) => (s as { Action: unknown }).Action === "emr-containers:StartJobRun",
            );
        const fromTemplates = {
            Sid: "StartFromTeamTemplates",
            Effect: "Allow",
            Action: "emr-containers:StartJobRun",
            Resource: vcArn("a"),
            Condition: {
                ArnEquals: { "emr-containers:JobTemplateArn": TEAMS.a.jobTemplateArns },
                ArnEqualsIfExists: { "emr-containers:ExecutionRoleArn": TEAMS.a.executionRoleArn },
            },
        };
        assert.deepEqual(starts(true), [fromTemplates]);
        assert.deepEqual(starts(false), [
            fromTemplates,
            {
                Sid: "StartWithTeamRole",
                Effect: "Allow",
                Action: "emr-containers:StartJobRun",
                Resource: vcArn("a"),
                Condition: {
                    ArnEquals: { "emr-containers:ExecutionRoleArn": TEAMS.a.executionRoleArn },
                    Null: { "emr-containers:JobTemplateArn": "true" },
                },
            },
        ]);
    });

    const base = {
        partition: "aws" as const,
        region: REGION,
        accountId: ACCOUNT,
        ...TEAMS.a,
        requireJobTemplate: false,
        bucketArn: BUCKET,
        kmsKeyArn: KEY,
    };
    for (const [field, value, message] of [
        ["executionRoleArn", `arn:aws:iam::${ACCOUNT}:role/*`, /execution role/],
        ["virtualClusterId", "*", /virtual cluster id/],
        ["jobTemplateArns", [`${EMR}:/jobtemplates/*`], /job template/],
        ["codePrefix", "code/", /code prefix/],
    ] as const) {
        it(`must refuse a wildcard or malformed ${field}`, () => {
            assert.throws(() => submitterPolicy({ ...base, [field]: value }), message);
        });
    }

    it("must refuse to require templates the team does not have", () => {
        assert.throws(
            () => submitterPolicy({ ...base, jobTemplateArns: [], requireJobTemplate: true }),
            /requireJobTemplate needs at least one job template/,
        );
    });
});

describe("submitter role trust under IAM evaluation", () => {
    const submitters = [`arn:aws:iam::${ACCOUNT}:role/team-a-ci`, `arn:aws:iam::${ACCOUNT}:user/team-a-oncall`];
    const trust = submitterTrustPolicy({ partition: "aws", submitters });
    const assume = (principal: string, identityPolicies: Record<string, unknown> = {}) =>
        evaluatePermission({
            principal,
            action: "sts:AssumeRole",
            resource: SUBMITTER_ROLE,
            accountId: ACCOUNT,
            identityPolicies,
            resourcePolicy: trust,
        });

    for (const principal of submitters) {
        it(`must let the listed ${principal} assume the role`, async () =>
            assert.equal(await assume(principal), "Allowed"));
    }

    const mayAssumeAnything = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
    };
    for (const [who, principal] of [
        ["another role of the account", `arn:aws:iam::${ACCOUNT}:role/team-b-ci`],
        ["a role named like a listed one plus a suffix", `arn:aws:iam::${ACCOUNT}:role/team-a-ci-old`],
        ["a user named like a listed role", `arn:aws:iam::${ACCOUNT}:user/team-a-ci`],
        ["the role of the listed name in another account", `arn:aws:iam::${OTHER_ACCOUNT}:role/team-a-ci`],
        ["the account itself", `arn:aws:iam::${ACCOUNT}:root`],
    ] as const) {
        it(`must not let ${who} assume the role, even with sts:AssumeRole on *`, async () => {
            assert.notEqual(await assume(principal, { "may-assume": mayAssumeAnything }), "Allowed");
        });
    }

    it("must name exactly the listed principals and nothing else", () => {
        assert.deepEqual(trust, {
            Version: "2012-10-17",
            Statement: [
                { Sid: "TeamSubmitters", Effect: "Allow", Principal: { AWS: submitters }, Action: "sts:AssumeRole" },
            ],
        });
    });

    for (const [what, list, message] of [
        ["no submitters", [], /at least one submitter/],
        ["a wildcard", [`arn:aws:iam::${ACCOUNT}:role/*`], /not an IAM role or user ARN/],
        ["an account", [`arn:aws:iam::${ACCOUNT}:root`], /not an IAM role or user ARN/],
        ["a principal of another partition", [`arn:aws-cn:iam::${ACCOUNT}:role/x`], /partition aws-cn/],
    ] as const) {
        it(`must refuse ${what}`, () => {
            assert.throws(() => submitterTrustPolicy({ partition: "aws", submitters: list }), message);
        });
    }
});

describe("submitter role name", () => {
    it("must be <namePrefix>-<team>-submitter, fitted to IAM's 64 characters for any stack and team", () => {
        assert.equal(submitterRoleName("spark-prod", "data-eng"), "spark-prod-data-eng-submitter");
        const long = submitterRoleName(`spark-${"p".repeat(94)}`, "t".repeat(30));
        assert.ok(long.length <= 64, long);
        assert.match(long, /^spark-p+-[a-z0-9]{6}-t{30}-submitter$/);
        assert.notEqual(long, submitterRoleName(`spark-${"p".repeat(93)}q`, "t".repeat(30)));
    });
});

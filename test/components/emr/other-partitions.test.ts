/**
 * The submitter and job roles of two teams whose names are prefixes of each other (`ab`, `ab-x`), built by the pure
 * builders for a stack in the China and in the GovCloud partition under an account no other test uses, and decided
 * by IAM simulation: every ARN the roles name must carry the stack's partition, and nothing of `ab-x` (its virtual
 * cluster, whose id has `ab`'s as a prefix, its templates, role, code, data and databases) may be reached from `ab`.
 * Which resource each action authorizes on is the Service Authorization Reference's (emr-containers, glue).
 */
import * as assert from "node:assert/strict";
import { glueDatabasePrefix, jobRolePolicy, submitterPolicy, teamPrefixes } from "../../../components/emr";
import type { Partition } from "../../../components/vocabulary";
import { evaluatePermission } from "../../support/iam-simulation";

const ACCOUNT = "555566667777";

for (const [partition, region] of [
    ["aws-cn", "cn-northwest-1"],
    ["aws-us-gov", "us-gov-east-1"],
] as const satisfies readonly (readonly [Partition, string])[]) {
    const arn = (service: string, resource: string, r: string = region) =>
        `arn:${partition}:${service}:${r}:${ACCOUNT}:${resource}`;
    const BUCKET = `arn:${partition}:s3:::spark-x-platform`;
    const team = (name: string, virtualClusterId: string, templateId: string) => ({
        virtualCluster: arn("emr-containers", `/virtualclusters/${virtualClusterId}`),
        virtualClusterId,
        executionRoleArn: `arn:${partition}:iam::${ACCOUNT}:role/spark-x-${name}-emr-job`,
        jobTemplateArns: [arn("emr-containers", `/jobtemplates/${templateId}`)],
        prefixes: teamPrefixes(name),
    });
    const ab = team("ab", "abc123", "tplab");
    const abx = team("ab-x", "abc1234", "tplabx");

    describe(`submitter role of team ab in ${partition} (${region}), beside team ab-x`, () => {
        const role = `arn:${partition}:iam::${ACCOUNT}:role/spark-x-ab-submitter`;
        const policyOf = (requireJobTemplate: boolean) =>
            submitterPolicy({
                partition,
                region,
                accountId: ACCOUNT,
                virtualClusterId: ab.virtualClusterId,
                executionRoleArn: ab.executionRoleArn,
                jobTemplateArns: ab.jobTemplateArns,
                requireJobTemplate,
                bucketArn: BUCKET,
                codePrefix: ab.prefixes.code,
                kmsKeyArn: arn("kms", "key/0000"),
            });
        const decide = (policy: unknown, action: string, resource: string, context: Record<string, string> = {}) =>
            evaluatePermission({
                principal: role,
                action,
                resource,
                accountId: ACCOUNT,
                identityPolicies: { "submit-team-jobs": policy },
                context,
            });
        const template = (t: string) => ({ "emr-containers:JobTemplateArn": t });
        const runAs = (r: string) => ({ "emr-containers:ExecutionRoleArn": r });

        for (const requireJobTemplate of [false, true]) {
            const policy = policyOf(requireJobTemplate);
            it(`starts, watches and cancels only its own jobs (requireJobTemplate: ${requireJobTemplate})`, async () => {
                const start = (cluster: string, context: Record<string, string>) =>
                    decide(policy, "emr-containers:StartJobRun", cluster, context);
                assert.equal(await start(ab.virtualCluster, template(ab.jobTemplateArns[0])), "Allowed");
                assert.equal(
                    await start(ab.virtualCluster, {
                        ...template(ab.jobTemplateArns[0]),
                        ...runAs(ab.executionRoleArn),
                    }),
                    "Allowed",
                );
                assert.equal(
                    await start(ab.virtualCluster, runAs(ab.executionRoleArn)),
                    requireJobTemplate ? "ImplicitlyDenied" : "Allowed",
                );
                const denied: [string, Promise<string>][] = [
                    ["on ab-x's cluster", start(abx.virtualCluster, runAs(ab.executionRoleArn))],
                    ["from ab-x's template", start(ab.virtualCluster, template(abx.jobTemplateArns[0]))],
                    ["as ab-x's role", start(ab.virtualCluster, runAs(abx.executionRoleArn))],
                    [
                        "from its template naming ab-x's role",
                        start(ab.virtualCluster, {
                            ...template(ab.jobTemplateArns[0]),
                            ...runAs(abx.executionRoleArn),
                        }),
                    ],
                    [
                        "as its role's name in the aws partition",
                        start(ab.virtualCluster, runAs(ab.executionRoleArn.replace(`arn:${partition}:`, "arn:aws:"))),
                    ],
                    [
                        "from its template's id in another region",
                        start(ab.virtualCluster, template(arn("emr-containers", "/jobtemplates/tplab", "us-east-1"))),
                    ],
                    [
                        "cancel on ab-x's cluster",
                        decide(policy, "emr-containers:CancelJobRun", `${abx.virtualCluster}/jobruns/r1`),
                    ],
                    ["list ab-x's runs", decide(policy, "emr-containers:ListJobRuns", abx.virtualCluster)],
                    [
                        "read ab-x's template",
                        decide(policy, "emr-containers:DescribeJobTemplate", abx.jobTemplateArns[0]),
                    ],
                    ["list every template", decide(policy, "emr-containers:ListJobTemplates", "*")],
                    ["upload ab-x's code", decide(policy, "s3:PutObject", `${BUCKET}/${abx.prefixes.code}job.py`)],
                ];
                for (const [what, decision] of denied) assert.equal(await decision, "ImplicitlyDenied", what);
                assert.equal(
                    await decide(policy, "emr-containers:CancelJobRun", `${ab.virtualCluster}/jobruns/r1`),
                    "Allowed",
                );
                assert.equal(await decide(policy, "s3:PutObject", `${BUCKET}/${ab.prefixes.code}job.py`), "Allowed");
            });
        }
    });

    describe(`job role of team ab in ${partition} (${region}), beside team ab-x`, () => {
        const role = ab.executionRoleArn;
        const policy = jobRolePolicy({
            partition,
            region,
            accountId: ACCOUNT,
            bucketArn: BUCKET,
            prefixes: ab.prefixes,
            kmsKeyArn: arn("kms", "key/0000"),
            logGroupName: "/aws/emr-containers/x/ab",
            glueDatabases: ["ref"],
            glueOwnedDatabases: ["ab"],
        });
        const glue = (resource: string) => arn("glue", resource);
        const decide = (action: string, resource: string, context: Record<string, string> = {}) =>
            evaluatePermission({
                principal: role,
                action,
                resource,
                accountId: ACCOUNT,
                identityPolicies: { "team-access": policy },
                context,
            });

        it("writes the tables of its own database and their objects, in the stack's partition", async () => {
            for (const action of ["glue:CreateTable", "glue:UpdateTable", "glue:BatchCreatePartition"])
                for (const resource of [glue("catalog"), glue("database/ab"), glue("table/ab/t")])
                    assert.equal(await decide(action, resource), "Allowed", `${action} ${resource}`);
            const own = `${BUCKET}/${glueDatabasePrefix("ab", "ab")}t/part-0`;
            assert.equal(await decide("s3:PutObject", own), "Allowed");
            assert.equal(await decide("s3:ListBucket", BUCKET, { "s3:prefix": ab.prefixes.data }), "Allowed");
        });

        it("writes nothing of ab-x, of ab_x, of default or of the catalog itself", async () => {
            const denied: [string, string, Record<string, string>?][] = [
                ["glue:CreateTable", glue("database/ab_x")],
                ["glue:CreateTable", glue("table/ab_x/t")],
                ["glue:CreateTable", glue("table/default/t")],
                ["glue:UpdateTable", glue("table/ref/t")],
                ["glue:CreateDatabase", glue("database/ab_new")],
                ["glue:DeleteDatabase", glue("database/ab")],
                ["glue:CreateTable", `arn:aws:glue:${region}:${ACCOUNT}:table/ab/t`],
                ["s3:PutObject", `${BUCKET}/${glueDatabasePrefix("ab-x", "ab_x")}t/part-0`],
                ["s3:GetObject", `${BUCKET}/${abx.prefixes.data}x`],
                ["s3:ListBucket", BUCKET, { "s3:prefix": abx.prefixes.data }],
            ];
            for (const [action, resource, context] of denied)
                assert.equal(await decide(action, resource, context), "ImplicitlyDenied", `${action} ${resource}`);
        });
    });
}

/**
 * Submitting jobs as a team, in the fixture stacks' plans (index.ts under mocks): each team's EMR job template is
 * its StartJobRun request's job, under a versioned name, replaced create-before-delete; each team that lists
 * submitters gets a submitter role naming exactly them, scoped to its own virtual cluster, role and templates; a
 * team without submitters gets none.
 */
import * as assert from "node:assert/strict";
import {
    TEAM_JOB_TAG,
    jobTemplateData,
    jobTemplateVersion,
    type StartJobRunRequestJson,
} from "../../../components/emr";
import { jobTemplateName, submitterRoleName } from "../../../components/vocabulary";
import { parseSettings } from "../../../stack-config";
import type { PlanResult } from "../../../tools/plan/plan";
import { fixtureStackConfig, planFixture } from "../../support/fixture-stacks";
import { jsonInput, ofType, one } from "../../support/plan-queries";

const TEMPLATE = "aws:emrcontainers/jobTemplate:JobTemplate";

interface TeamOutput {
    virtualClusterId: string;
    executionRoleArn: string;
    startJobRunRequest: StartJobRunRequestJson;
    jobTemplate: { id: string; arn: string; name: string };
    startJobRunFromTemplateRequest: { name: string; virtualClusterId: string; jobTemplateId: string };
    submitterRoleArn?: string;
}

const teamOutputs = (plan: PlanResult) => plan.outputs.sparkTeamOutputs as Record<string, TeamOutput>;
const templateOf = (plan: PlanResult, team: string) => one(plan, TEMPLATE, `${team}-emr-spark-pi-template`);

type Statement = { Sid: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown };

describe("submitting jobs as a team (fixture plans)", function () {
    this.timeout(60_000);

    for (const stack of ["dev", "prod"] as const) {
        const teams = parseSettings(fixtureStackConfig(stack), "spark-platform", stack).teams;
        const namePrefix = `spark-${stack}`;

        it(`${stack}: each team's job template is its StartJobRun request's job, under a versioned name`, async () => {
            const plan = await planFixture({ stack });
            assert.equal(ofType(plan, TEMPLATE).length, teams.length);
            for (const team of teams) {
                const out = teamOutputs(plan)[team.name];
                const template = templateOf(plan, team.name);
                // Field for field the request's job (in the provider's names), so both paths share one source.
                const request = out.startJobRunRequest;
                const { applicationConfiguration, monitoringConfiguration } = request.configurationOverrides;
                const data = template.inputs.jobTemplateData as ReturnType<typeof jobTemplateData>;
                assert.deepEqual(data, {
                    executionRoleArn: out.executionRoleArn,
                    releaseLabel: request.releaseLabel,
                    jobDriver: request.jobDriver,
                    configurationOverrides: {
                        applicationConfigurations: applicationConfiguration,
                        monitoringConfiguration: {
                            persistentAppUi: "ENABLED",
                            cloudWatchMonitoringConfiguration:
                                monitoringConfiguration.cloudWatchMonitoringConfiguration,
                            s3MonitoringConfiguration: monitoringConfiguration.s3MonitoringConfiguration,
                        },
                    },
                    jobTags: { "spark-platform:team": team.name },
                });
                assert.deepEqual(
                    applicationConfiguration.map((c) => c.classification),
                    ["spark-defaults", "spark-hive-site", "emr-job-submitter"],
                );
                assert.equal(
                    template.inputs.name,
                    jobTemplateName(namePrefix, team.name, "spark-pi", jobTemplateVersion(data)),
                );
                // A replacement is created before the old template is deleted, and the old one is not kept.
                assert.equal(template.deleteBeforeReplace, false);
                assert.equal(template.retainOnDelete, false);
                // The outputs name the template and start a job from it on the team's own virtual cluster.
                assert.deepEqual(out.jobTemplate, {
                    id: template.id,
                    arn: `arn:aws:emr-containers:us-west-2:${plan.account.accountId}:/jobtemplates/${template.id}`,
                    name: template.inputs.name,
                });
                assert.deepEqual(out.startJobRunFromTemplateRequest, {
                    name: `${team.name}-spark-pi`,
                    virtualClusterId: out.virtualClusterId,
                    jobTemplateId: template.id,
                });
            }
        });

        it(`${stack}: a submitter role for exactly the teams that list submitters, trusting exactly them`, async () => {
            const plan = await planFixture({ stack });
            const roles = ofType(plan, "aws:iam/role:Role").filter((r) => String(r.inputs.name).endsWith("-submitter"));
            const withSubmitters = teams.filter((t) => (t.submitters ?? []).length > 0);
            assert.deepEqual(
                roles.map((r) => r.inputs.name).sort(),
                withSubmitters.map((t) => submitterRoleName(namePrefix, t.name)).sort(),
            );
            for (const team of teams) {
                const out = teamOutputs(plan)[team.name];
                if ((team.submitters ?? []).length === 0) {
                    assert.equal(out.submitterRoleArn, undefined, `${team.name} lists no submitters`);
                    continue;
                }
                const role = roles.find((r) => r.inputs.name === submitterRoleName(namePrefix, team.name))!;
                assert.equal(
                    out.submitterRoleArn,
                    `arn:aws:iam::${plan.account.accountId}:role/${submitterRoleName(namePrefix, team.name)}`,
                );
                const trust = jsonInput<{ Statement: { Principal: { AWS: string[] } }[] }>(role, "assumeRolePolicy");
                assert.deepEqual(
                    trust.Statement.map((s) => s.Principal.AWS),
                    [team.submitters],
                );
                const policy = one(plan, "aws:iam/rolePolicy:RolePolicy", `${team.name}-submitter-submit`);
                assert.equal(policy.inputs.role, role.inputs.name);
                const statements = jsonInput<{ Statement: Statement[] }>(policy, "policy").Statement;
                const vcArn = `arn:aws:emr-containers:us-west-2:${plan.account.accountId}:/virtualclusters/${out.virtualClusterId}`;
                const starts = statements.filter((s) => s.Action === "emr-containers:StartJobRun");
                assert.deepEqual(
                    starts.map((s) => [s.Resource, s.Condition]),
                    [
                        [
                            vcArn,
                            {
                                ArnEquals: { "emr-containers:JobTemplateArn": [out.jobTemplate.arn] },
                                ArnEqualsIfExists: { "emr-containers:ExecutionRoleArn": out.executionRoleArn },
                            },
                        ],
                        ...(team.requireJobTemplate
                            ? []
                            : [
                                  [
                                      vcArn,
                                      {
                                          ArnEquals: { "emr-containers:ExecutionRoleArn": out.executionRoleArn },
                                          Null: { "emr-containers:JobTemplateArn": "true" },
                                      },
                                  ],
                              ]),
                    ],
                );
                const describe = statements.find((s) => s.Action === "emr-containers:DescribeJobTemplate")!;
                assert.deepEqual(describe.Resource, [out.jobTemplate.arn]);
            }
        });
    }

    it("prod lists submitters for a team that requires templates and none for another; dev lists none", () => {
        const teams = parseSettings(fixtureStackConfig("prod"), "spark-platform", "prod").teams;
        assert.ok(teams.some((t) => t.requireJobTemplate === true));
        assert.ok(teams.some((t) => (t.submitters ?? []).length === 0));
        const dev = parseSettings(fixtureStackConfig("dev"), "spark-platform", "dev").teams;
        assert.ok(dev.every((t) => (t.submitters ?? []).length === 0));
    });
});

describe("job template versions", () => {
    const request = (sparkSubmitParameters: string, logUri = "s3://b/logs/a/") =>
        ({
            name: "a-spark-pi",
            virtualClusterId: "abc",
            executionRoleArn: "arn:aws:iam::123456789012:role/r",
            releaseLabel: "emr-7.12.0-latest",
            jobDriver: {
                sparkSubmitJobDriver: {
                    entryPoint: "local:///pi.py",
                    entryPointArguments: ["100"],
                    sparkSubmitParameters,
                },
            },
            configurationOverrides: {
                applicationConfiguration: [{ classification: "spark-defaults", properties: { "spark.x": "1" } }],
                monitoringConfiguration: {
                    persistentAppUI: "ENABLED" as const,
                    cloudWatchMonitoringConfiguration: { logGroupName: "/g", logStreamNamePrefix: "a" },
                    s3MonitoringConfiguration: { logUri },
                },
            },
        }) as unknown as StartJobRunRequestJson;
    const version = (r: StartJobRunRequestJson) => jobTemplateVersion(jobTemplateData(r, { [TEAM_JOB_TAG]: "a" }));

    it("changes with any part of the template, so a changed template gets a new name", () => {
        const base = version(request("--conf spark.executor.instances=2"));
        assert.notEqual(version(request("--conf spark.executor.instances=3")), base);
        assert.notEqual(version(request("--conf spark.executor.instances=2", "s3://b/logs/b/")), base);
        assert.notEqual(
            jobTemplateVersion(jobTemplateData(request("--conf spark.executor.instances=2"), { [TEAM_JOB_TAG]: "b" })),
            base,
        );
    });

    it("refuses more than one entry point argument, whose order the provider's set would lose", () => {
        const twoArgs = request("--conf a=1");
        const driver = twoArgs.jobDriver.sparkSubmitJobDriver as { entryPointArguments: string[] };
        driver.entryPointArguments = ["s3://in/", "s3://out/"];
        assert.throws(
            () => jobTemplateData(twoArgs, { [TEAM_JOB_TAG]: "a" }),
            /^Error: job template a-spark-pi: 2 entry point arguments would lose their order/,
        );
    });

    it("stays the same for the same template, whatever the order of its keys", () => {
        const data = jobTemplateData(request("--conf a=1"), { [TEAM_JOB_TAG]: "a" });
        const reverseKeys = (v: unknown): unknown =>
            Array.isArray(v)
                ? v.map(reverseKeys)
                : v !== null && typeof v === "object"
                  ? Object.fromEntries(
                        Object.entries(v)
                            .reverse()
                            .map(([k, x]) => [k, reverseKeys(x)]),
                    )
                  : v;
        const reordered = reverseKeys(data) as typeof data;
        assert.notEqual(JSON.stringify(reordered), JSON.stringify(data));
        assert.equal(jobTemplateVersion(reordered), jobTemplateVersion(data));
        assert.equal(version(request("--conf a=1")), version(request("--conf a=1")));
    });

    it("fits EMR's 64-character template names for any valid stack and team", () => {
        const name = jobTemplateName(`spark-${"s".repeat(94)}`, "t".repeat(30), "spark-pi", "0123456789");
        assert.ok(name.length <= 64, name);
        assert.match(name, /^[.\-_/#A-Za-z0-9]+-t{30}-spark-pi-0123456789$/);
    });
});

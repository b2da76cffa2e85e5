import { EntityNotFoundException, GetDatabaseCommand, GlueClient, AccessDeniedException } from "@aws-sdk/client-glue";
import { mockClient } from "aws-sdk-client-mock";
import * as assert from "node:assert/strict";
import { type Settings, parseSettings } from "../../../stack-config";
import { type AwsClients, CHECKS, type CheckResult, runCheck } from "../../../tools/preflight/checks";
import { preflightPlan } from "../../../tools/preflight/plan";
import { PROJECT_DIR } from "../../../tools/plan/plan";
import { readProject, readStackConfig } from "../../../tools/plan/stack-config";
import { FIXTURE_STACKS_DIR } from "../../support/fixture-stacks";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const CALLER = { accountId: "111111111111", arn: "arn:aws:sts::111111111111:assumed-role/ci-deployer/run-1" };
const BUCKET = "spark-dev-platform-111111111111-us-west-2";

/** The dev fixture with team data-eng owning `sales`. */
function settings(): Settings {
    const project = readProject(PROJECT_DIR);
    const config = readStackConfig(FIXTURE_STACKS_DIR, project, "dev");
    config.set(
        `${project.name}:teams`,
        JSON.stringify([
            {
                name: "data-eng",
                namespace: "spark-data-eng",
                quota: { cpu: "8", memory: "32Gi" },
                glueOwnedDatabases: ["sales"],
            },
        ]),
    );
    return parseSettings(config, project.name, "dev");
}

const notFound = () =>
    new EntityNotFoundException({ message: "Database not found", $metadata: { httpStatusCode: 400 } });

/** A catalog holding `databases` (name → location), answering as Glue does for the others. */
function catalog(databases: Record<string, string>): AwsClients {
    const glue = new GlueClient({ region: "us-west-2" });
    const mock = mockClient(glue);
    mock.on(GetDatabaseCommand).rejects(notFound());
    for (const [Name, LocationUri] of Object.entries(databases))
        mock.on(GetDatabaseCommand, { Name }).resolves({ Database: { Name, LocationUri } });
    // Only the check under test uses the clients.
    return { ...({} as AwsClients), glue };
}

async function glueCheck(clients: AwsClients): Promise<CheckResult> {
    const found = CHECKS.find((c) => c.id === "glue-catalog");
    assert.ok(found);
    return runCheck(found, preflightPlan(settings(), [], false), clients, CALLER);
}

describe("preflight: the account's Glue Data Catalog", () => {
    it("passes with default present and the owned database absent, or already the stack's", async () => {
        assert.equal((await glueCheck(catalog({ default: "" }))).status, "pass");
        const adopted = await glueCheck(catalog({ default: "", sales: `s3://${BUCKET}/data/data-eng/sales.db/` }));
        assert.equal(adopted.status, "pass", adopted.detail);
    });

    it("fails without the default database, with the command that creates it", async () => {
        const result = await glueCheck(catalog({}));
        assert.equal(result.status, "fail");
        assert.match(result.detail, /the catalog of us-west-2 has no default database/);
        assert.match(
            String(result.fix),
            /aws glue create-database --region us-west-2 --database-input '\{"Name":"default"\}'/,
        );
    });

    it("fails when an owned database exists outside the stack, naming where it is", async () => {
        const result = await glueCheck(catalog({ default: "", sales: "s3://someone-elses-bucket/sales/" }));
        assert.equal(result.status, "fail");
        assert.match(
            result.detail,
            /sales \(owned by data-eng\) exists already, at s3:\/\/someone-elses-bucket\/sales\//,
        );
        assert.match(
            String(result.fix),
            /pulumi import aws:glue\/catalogDatabase:CatalogDatabase <name> 111111111111:sales/,
        );
    });

    it("reports Glue's AccessDeniedException as a failed check, not a stack trace", async () => {
        const glue = new GlueClient({ region: "us-west-2" });
        mockClient(glue)
            .on(GetDatabaseCommand)
            .rejects(
                new AccessDeniedException({ message: "not authorized to perform: glue:GetDatabase", $metadata: {} }),
            );
        const result = await glueCheck({ ...({} as AwsClients), glue });
        assert.equal(result.status, "fail");
        assert.match(result.detail, /glue:GetDatabase/);
    });
});

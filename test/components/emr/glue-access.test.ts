import * as assert from "node:assert/strict";
import {
    GLUE_READ_ACTIONS,
    GLUE_WRITE_ACTIONS,
    glueDatabasePrefix,
    jobRolePolicy,
    teamPrefixes,
} from "../../../components/emr";
import { evaluatePermission } from "../../support/iam-simulation";

const ACCOUNT = "123456789012";
const REGION = "us-west-2";
const BUCKET = "arn:aws:s3:::spark-dev-platform";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/spark-dev-team_a-emr-job`;

/**
 * Team `team-a` owns `team_a` and `sales`, reads `shared_ref` (owned by team-b in the same stack) and `reference`
 * (made outside the stack). Look-alikes it must not reach: `team_ab`, `sales_raw` (a database named with `sales` as
 * its prefix), `team-ab`'s objects.
 */
const policy = jobRolePolicy({
    partition: "aws",
    region: REGION,
    accountId: ACCOUNT,
    bucketArn: BUCKET,
    prefixes: teamPrefixes("team-a"),
    kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k`,
    logGroupName: "/aws/emr-containers/spark-dev/team-a",
    glueDatabases: ["shared_ref", "reference"],
    glueOwnedDatabases: ["team_a", "sales"],
    glueReadPrefixes: [glueDatabasePrefix("team-b", "shared_ref")],
});

const glue = (resource: string) => `arn:aws:glue:${REGION}:${ACCOUNT}:${resource}`;
const decide = (action: string, resource: string, context?: Record<string, string>) =>
    evaluatePermission({
        principal: ROLE,
        action,
        resource,
        accountId: ACCOUNT,
        identityPolicies: { "team-access": policy },
        ...(context === undefined ? {} : { context }),
    });

/** Actions Glue authorizes against the catalog and a database only (no table or function named). */
const DATABASE_LEVEL = new Set([
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:CreateDatabase",
    "glue:UpdateDatabase",
    "glue:DeleteDatabase",
    "glue:CreateUserDefinedFunction",
]);

/**
 * How Glue decides a Data Catalog request on `database.object`: against the catalog, the database and the table (or
 * function) it names, each a required resource of the action (Service Authorization Reference, AWS Glue). Allowed
 * only when every one of them is.
 */
async function catalogRequest(action: string, database: string, object = "orders"): Promise<string> {
    const resources = [glue("catalog"), glue(`database/${database}`)];
    if (action.includes("UserDefinedFunction") && !DATABASE_LEVEL.has(action))
        resources.push(glue(`userDefinedFunction/${database}/${object}`));
    else if (!DATABASE_LEVEL.has(action)) resources.push(glue(`table/${database}/${object}`));
    const decisions = await Promise.all(resources.map((r) => decide(action, r)));
    return decisions.find((d) => d !== "Allowed") ?? "Allowed";
}

/** What Spark SQL's statements make the Glue client call on a table (GlueMetastoreClientDelegate). */
const STATEMENTS: Record<string, string[]> = {
    "CREATE TABLE": ["glue:GetDatabase", "glue:GetTable", "glue:CreateTable"],
    "INSERT INTO a partitioned table": [
        "glue:GetTable",
        "glue:GetPartitions",
        "glue:BatchGetPartition",
        "glue:BatchCreatePartition",
        "glue:UpdatePartition",
        "glue:UpdateTable",
    ],
    "ALTER TABLE (columns, properties, ADD PARTITION)": [
        "glue:GetTable",
        "glue:UpdateTable",
        "glue:BatchCreatePartition",
    ],
    "ANALYZE TABLE": [
        "glue:GetColumnStatisticsForTable",
        "glue:UpdateColumnStatisticsForTable",
        "glue:UpdateColumnStatisticsForPartition",
        "glue:DeleteColumnStatisticsForTable",
        "glue:DeleteColumnStatisticsForPartition",
    ],
    "DROP TABLE (partitions one by one, then the table)": [
        "glue:GetTable",
        "glue:GetPartitions",
        "glue:GetPartition",
        "glue:DeletePartition",
        "glue:DeleteTable",
    ],
};

describe("Glue Data Catalog access of a team's job role, as IAM decides it", () => {
    it("lets the Glue client start: it looks up the default database, and nothing else of it", async () => {
        assert.equal(await catalogRequest("glue:GetDatabase", "default"), "Allowed");
        assert.equal(await catalogRequest("glue:GetTables", "default"), "ImplicitlyDenied");
        assert.equal(await catalogRequest("glue:CreateTable", "default"), "ImplicitlyDenied");
        assert.equal(await catalogRequest("glue:CreateDatabase", "default"), "ImplicitlyDenied");
    });

    for (const [statement, actions] of Object.entries(STATEMENTS)) {
        it(`allows ${statement} in the team's own databases`, async () => {
            for (const db of ["team_a", "sales"])
                for (const action of actions)
                    assert.equal(await catalogRequest(action, db), "Allowed", `${action} ${db}.orders`);
        });
    }

    it("allows CREATE, use and DROP FUNCTION in its own databases", async () => {
        for (const action of GLUE_WRITE_ACTIONS.filter((a) => a.includes("UserDefinedFunction")))
            assert.equal(await catalogRequest(action, "sales", "f"), "Allowed", action);
    });

    it("denies every write in another team's databases, look-alikes and prefixes of its names included", async () => {
        for (const db of ["team_ab", "team", "sales_raw", "sale", "shared_ref", "reference", "team_b"]) {
            for (const action of GLUE_WRITE_ACTIONS)
                assert.equal(await catalogRequest(action, db), "ImplicitlyDenied", `${action} ${db}`);
        }
    });

    it("names each database exactly: no grant reaches a look-alike's database, tables or functions", async () => {
        // Each resource alone, so a wildcard in any one of them shows even where Glue would deny at another level.
        for (const db of ["team_ab", "team_a_old", "sales_raw", "salesx", "shared_ref_v2", "reference2"]) {
            for (const action of ["glue:GetDatabase", "glue:CreateUserDefinedFunction"])
                assert.equal(await decide(action, glue(`database/${db}`)), "ImplicitlyDenied", `${action} ${db}`);
            for (const action of ["glue:GetTable", "glue:CreateTable", "glue:DeleteTable", "glue:BatchCreatePartition"])
                assert.equal(await decide(action, glue(`table/${db}/t`)), "ImplicitlyDenied", `${action} ${db}.t`);
            for (const action of ["glue:GetUserDefinedFunction", "glue:DeleteUserDefinedFunction"])
                assert.equal(
                    await decide(action, glue(`userDefinedFunction/${db}/f`)),
                    "ImplicitlyDenied",
                    `${action} ${db}.f`,
                );
        }
    });

    it("denies reads of databases it neither owns nor lists", async () => {
        for (const db of ["team_ab", "sales_raw", "team_b"])
            for (const action of GLUE_READ_ACTIONS)
                assert.equal(await catalogRequest(action, db), "ImplicitlyDenied", `${action} ${db}`);
    });

    it("allows reads, and only reads, of the databases it lists", async () => {
        for (const db of ["shared_ref", "reference"]) {
            for (const action of GLUE_READ_ACTIONS)
                assert.equal(await catalogRequest(action, db), "Allowed", `${action} ${db}`);
            for (const action of ["glue:CreateTable", "glue:UpdateTable", "glue:BatchCreatePartition"])
                assert.equal(await catalogRequest(action, db), "ImplicitlyDenied", `${action} ${db}`);
        }
    });

    it("denies writes on the catalog itself: no database created, changed or deleted, its own included", async () => {
        for (const db of ["team_a", "sales", "new_db", "team_b"])
            for (const action of ["glue:CreateDatabase", "glue:UpdateDatabase", "glue:DeleteDatabase"])
                assert.equal(await catalogRequest(action, db), "ImplicitlyDenied", `${action} ${db}`);
        for (const action of ["glue:PutResourcePolicy", "glue:PutDataCatalogEncryptionSettings"])
            assert.equal(await decide(action, glue("catalog")), "ImplicitlyDenied", action);
    });

    describe("S3 objects of the databases", () => {
        const object = (key: string) => `${BUCKET}/${key}`;
        const own = glueDatabasePrefix("team-a", "sales");

        it("puts the team's databases under its own data prefix", () => {
            assert.equal(own, "data/team-a/sales.db/");
            assert.equal(glueDatabasePrefix("team-a", "team_a"), "data/team-a/team_a.db/");
        });

        it("allows writes under its own databases' locations", async () => {
            for (const action of ["s3:PutObject", "s3:DeleteObject", "s3:GetObject"])
                assert.equal(await decide(action, object(`${own}orders/part-0.parquet`)), "Allowed", action);
        });

        it("denies writes under another team's locations, look-alike team names included", async () => {
            for (const key of [
                `${glueDatabasePrefix("team-b", "shared_ref")}t/part-0`,
                `${glueDatabasePrefix("team-ab", "team_ab")}t/part-0`,
                "data/team-ab/sales.db/orders/part-0",
                "data/team-a-old/sales.db/orders/part-0",
                "data/sales.db/orders/part-0",
            ])
                for (const action of ["s3:PutObject", "s3:DeleteObject"])
                    assert.equal(await decide(action, object(key)), "ImplicitlyDenied", `${action} ${key}`);
        });

        it("allows reading, never writing, the objects of another team's database it lists", async () => {
            const shared = glueDatabasePrefix("team-b", "shared_ref");
            assert.equal(await decide("s3:GetObject", object(`${shared}t/part-0`)), "Allowed");
            assert.equal(await decide("s3:ListBucket", BUCKET, { "s3:prefix": `${shared}t/` }), "Allowed");
            assert.equal(await decide("s3:PutObject", object(`${shared}t/part-0`)), "ImplicitlyDenied");
            // Nothing else of team-b: not its other databases, not its data.
            for (const key of [`${glueDatabasePrefix("team-b", "private")}t/part-0`, "data/team-b/x"])
                assert.equal(await decide("s3:GetObject", object(key)), "ImplicitlyDenied", key);
            assert.equal(await decide("s3:ListBucket", BUCKET, { "s3:prefix": "data/team-b/" }), "ImplicitlyDenied");
        });
    });
});

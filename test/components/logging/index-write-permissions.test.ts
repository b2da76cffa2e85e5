/**
 * "A job role may write to its own team's dated indices and nothing else", checked by an independent IAM
 * evaluator (@cloud-copilot/iam-simulate) with both documents a request meets: the role's identity policy and the
 * domain's resource policy, exactly as the components build them.
 */
import * as assert from "node:assert/strict";
import {
    datedLogIndex,
    domainAccessPolicy,
    domainArn,
    indexWritePolicy,
    logIndexPrefix,
    roleArn,
} from "../../../components/logging";
import { evaluatePermission } from "../../support/iam-simulation";

const ACCOUNT = "111122223333";
const DOMAIN = domainArn("aws", "us-west-2", ACCOUNT, "spark-dev-logs");
const TEAM_A = roleArn("aws", ACCOUNT, "spark-dev-team-a-job");
const TEAM_A_B = roleArn("aws", ACCOUNT, "spark-dev-team-a-b-job");
const ADMIN = roleArn("aws", ACCOUNT, "platform-admin");
const resourcePolicy = domainAccessPolicy({
    domainArn: DOMAIN,
    adminArns: [ADMIN],
    writers: [
        { roleArn: TEAM_A, indexPrefix: logIndexPrefix("team-a") },
        // A team whose name starts with team-a's: its indices start with team-a's prefix too.
        { roleArn: TEAM_A_B, indexPrefix: logIndexPrefix("team-a-b") },
    ],
});
const TODAY = datedLogIndex(logIndexPrefix("team-a"), new Date());

function decision(action: string, path: string): Promise<string> {
    return evaluatePermission({
        principal: TEAM_A,
        action,
        resource: `${DOMAIN}${path}`,
        accountId: ACCOUNT,
        identityPolicies: { "write-own-index": indexWritePolicy(DOMAIN, logIndexPrefix("team-a")) },
        resourcePolicy,
    });
}

describe("log index write permissions (IAM evaluation)", () => {
    it("names the day in the index the way Fluent Bit's Logstash_DateFormat %Y.%m.%d does", () => {
        assert.equal(
            datedLogIndex("spark-logs-team-a", new Date("2026-03-04T23:59:59Z")),
            "spark-logs-team-a-2026.03.04",
        );
    });

    it("must allow team-a's role to bulk-write its own dated indices, the way Fluent Bit does", async () => {
        assert.equal(await decision("es:ESHttpPost", "/spark-logs-team-a/_bulk"), "Allowed");
        assert.equal(await decision("es:ESHttpPost", `/${TODAY}/_bulk`), "Allowed");
        assert.equal(await decision("es:ESHttpPut", "/spark-logs-team-a-2026.12.06/_doc/1"), "Allowed");
        assert.equal(await decision("es:ESHttpPut", "/spark-logs-team-a-2026.12.06"), "Allowed");
    });

    for (const [action, path, why] of [
        ["es:ESHttpPost", "/spark-logs-team-b/_bulk", "another team's bulk path"],
        ["es:ESHttpPost", "/spark-logs-team-b-2026.12.06/_bulk", "another team's dated index"],
        ["es:ESHttpPut", "/spark-logs-team-b-2026.12.06/_doc/1", "a document in another team's dated index"],
        ["es:ESHttpPost", "/spark-logs-team-a-b/_bulk", "the bulk path of a team whose name starts with its own"],
        ["es:ESHttpPost", "/spark-logs-team-a-b-2026.12.06/_bulk", "that team's dated index"],
        ["es:ESHttpPut", "/spark-logs-team-a-anything", "an undated index under its prefix"],
        ["es:ESHttpPost", "/spark-logs-team-a/_doc", "documents in an index named like its bare prefix"],
        ["es:ESHttpPost", "/_bulk", "the root bulk API, which can name any index in its body"],
        ["es:ESHttpGet", `/${TODAY}/_search`, "reading, even its own index"],
        ["es:ESHttpDelete", `/${TODAY}`, "deleting its own index"],
        ["es:ESHttpPut", "/_cluster/settings", "cluster settings"],
    ] as const) {
        it(`must deny team-a's role ${why}`, async () => {
            assert.equal(await decision(action, path), "ImplicitlyDenied");
        });
    }
});

/**
 * "A job role may write to its own index and nothing else", checked by an independent IAM evaluator
 * (@cloud-copilot/iam-simulate) with both documents a request meets: the role's identity policy and the domain's
 * resource policy, exactly as the components build them.
 */
import * as assert from "node:assert/strict";
import { domainArn, logIndexName, roleArn } from "../../../components/vocabulary";
import { domainAccessPolicy, indexWritePolicy } from "../../../components/logging";
import { evaluatePermission } from "../../support/iam-simulation";

const ACCOUNT = "111122223333";
const DOMAIN = domainArn("aws", "us-west-2", ACCOUNT, "spark-dev-logs");
const TEAM_A = roleArn("aws", ACCOUNT, "spark-dev-team-a-job");
const TEAM_AB = roleArn("aws", ACCOUNT, "spark-dev-team-ab-job");
const ADMIN = roleArn("aws", ACCOUNT, "platform-admin");
const resourcePolicy = domainAccessPolicy({
    domainArn: DOMAIN,
    adminArns: [ADMIN],
    writers: [
        { roleArn: TEAM_A, index: logIndexName("team-a") },
        { roleArn: TEAM_AB, index: logIndexName("team-ab") },
    ],
});

function decision(action: string, path: string): Promise<string> {
    return evaluatePermission({
        principal: TEAM_A,
        action,
        resource: `${DOMAIN}${path}`,
        accountId: ACCOUNT,
        identityPolicies: { "write-own-index": indexWritePolicy(DOMAIN, logIndexName("team-a")) },
        resourcePolicy,
    });
}

describe("log index write permissions (IAM evaluation)", () => {
    it("must allow team-a's role to bulk-write to its own index, the way Fluent Bit does", async () => {
        assert.equal(await decision("es:ESHttpPost", "/spark-logs-team-a/_bulk"), "Allowed");
        assert.equal(await decision("es:ESHttpPut", "/spark-logs-team-a/_doc/1"), "Allowed");
    });

    for (const [action, path, why] of [
        ["es:ESHttpPost", "/spark-logs-team-b/_bulk", "another team's index"],
        ["es:ESHttpPost", "/spark-logs-team-ab/_bulk", "an index whose name merely starts with its own"],
        ["es:ESHttpPost", "/_bulk", "the root bulk API, which can name any index in its body"],
        ["es:ESHttpGet", "/spark-logs-team-a/_search", "reading, even its own index"],
        ["es:ESHttpDelete", "/spark-logs-team-a", "deleting its own index"],
        ["es:ESHttpPut", "/_cluster/settings", "cluster settings"],
    ] as const) {
        it(`must deny team-a's role ${why}`, async () => {
            assert.equal(await decision(action, path), "ImplicitlyDenied");
        });
    }
});

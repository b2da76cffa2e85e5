import * as assert from "node:assert/strict";
import {
    domainAccessPolicy,
    domainArn,
    domainLogDeliveryPolicy,
    indexWritePolicy,
    logIndexPrefix,
    roleArn,
    sizingProblems,
} from "../../../components/logging";

const DOMAIN = domainArn("aws-us-gov", "us-gov-west-1", "111122223333", "spark-prod-logs");

describe("log domain IAM documents", () => {
    it("builds ARNs in the stack's partition", () => {
        assert.equal(DOMAIN, "arn:aws-us-gov:es:us-gov-west-1:111122223333:domain/spark-prod-logs");
        assert.equal(
            roleArn("aws-cn", "111122223333", "spark-prod-team-a-job"),
            "arn:aws-cn:iam::111122223333:role/spark-prod-team-a-job",
        );
    });

    it("must let a job role write to its own team's bulk path and dated indices and nothing else", () => {
        assert.deepEqual(indexWritePolicy(DOMAIN, logIndexPrefix("team-a")), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "WriteOwnLogIndex",
                    Effect: "Allow",
                    Action: ["es:ESHttpPost", "es:ESHttpPut"],
                    Resource: [
                        `${DOMAIN}/spark-logs-team-a/_bulk`,
                        `${DOMAIN}/spark-logs-team-a-????.??.??`,
                        `${DOMAIN}/spark-logs-team-a-????.??.??/*`,
                    ],
                },
            ],
        });
    });

    it("must refuse a wildcard or non-ARN principal in the access policy", () => {
        assert.throws(
            () => domainAccessPolicy({ domainArn: DOMAIN, writers: [], adminArns: ["*"] }),
            /"\*" is not an IAM principal ARN/,
        );
        assert.throws(
            () => domainAccessPolicy({ domainArn: DOMAIN, writers: [], adminArns: [] }),
            /needs at least one admin or job role/,
        );
    });

    it("must grant the log delivery every action OpenSearch checks, PutLogEventsBatch included", () => {
        const policy = domainLogDeliveryPolicy({
            domainArn: DOMAIN,
            accountId: "111122223333",
            logGroupArns: ["arn:lg"],
        });
        assert.deepEqual(policy.Statement[0].Action, [
            "logs:PutLogEvents",
            "logs:PutLogEventsBatch",
            "logs:CreateLogStream",
        ]);
        assert.deepEqual(policy.Statement[0].Principal, { Service: "es.amazonaws.com" });
    });

    it("must scope the log delivery policy to this domain and account", () => {
        const policy = domainLogDeliveryPolicy({
            domainArn: DOMAIN,
            accountId: "111122223333",
            logGroupArns: ["arn:lg"],
        });
        assert.deepEqual(policy.Statement[0].Condition, {
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: { "aws:SourceArn": DOMAIN },
        });
        assert.deepEqual(policy.Statement[0].Resource, ["arn:lg:*"]);
    });

    it("must refuse team names that cannot be index names", () => {
        assert.throws(() => logIndexPrefix("Team_A"), /team "Team_A" cannot name a log index/);
    });

    it("accepts dev's single node and prod's zone-aware layout", () => {
        assert.deepEqual(
            sizingProblems({
                engineVersion: "OpenSearch_2.19",
                dataNodes: { instanceType: "t3.medium.search", count: 1 },
                zoneCount: 1,
                volumeSizeGiB: 20,
            }),
            [],
        );
        assert.deepEqual(
            sizingProblems({
                engineVersion: "OpenSearch_2.19",
                dataNodes: { instanceType: "r7g.large.search", count: 6 },
                zoneCount: 3,
                dedicatedMasters: { instanceType: "m7g.large.search", count: 3 },
                volumeSizeGiB: 200,
            }),
            [],
        );
    });

    it("must refuse an even master count", () => {
        assert.deepEqual(
            sizingProblems({
                engineVersion: "OpenSearch_2.19",
                dataNodes: { instanceType: "r7g.large.search", count: 2 },
                zoneCount: 2,
                dedicatedMasters: { instanceType: "m7g.large.search", count: 2 },
                volumeSizeGiB: 200,
            }),
            ["dedicatedMasters.count is 2; use 3 or 5"],
        );
    });
});

/**
 * IAM documents of the log domain, as pure functions so tests can read them without mocks.
 *
 * Writers may only POST/PUT under their own index's path. Fluent Bit sends its bulk requests to `/<index>/_bulk`
 * (its `Path` option, see fluent-bit-config.ts), which IAM sees as `<domain-arn>/<index>/_bulk`, so the same
 * resource pattern covers the bulk API without opening `/_bulk` at the root.
 *
 * Limit: IAM authorises the request path, not the bulk body. A hand-crafted body sent to the team's own
 * `/<index>/_bulk` may still name another index in an action line; the `rest.action.multi.allow_explicit_index`
 * switch that forbids this also rejects Fluent Bit's own action lines (they always carry `_index`). Closing it
 * takes fine-grained access control with an index-pattern role mapped to each job role, which is configured
 * through the domain's security REST API, not through the AWS API.
 */

/** A principal allowed to write to one index. */
export interface IndexWriter {
    /** ARN of the IAM role (a team's job execution role). */
    roleArn: string;
    /** The only index the role may write to. */
    index: string;
}

export interface DomainAccessPolicyInput {
    /** ARN of the domain (see `domainArn`). */
    domainArn: string;
    /** Job execution roles, each with its own index. */
    writers: readonly IndexWriter[];
    /** Principals with full HTTP access to the domain (operators, dashboards). */
    adminArns: readonly string[];
}

/** HTTP methods Fluent Bit's bulk writes use. */
export const INDEX_WRITE_ACTIONS = ["es:ESHttpPost", "es:ESHttpPut"] as const;

/** Resources of one index: the index itself and every path below it (`_bulk`, `_doc/<id>`). */
export function indexResources(domainArn: string, index: string): string[] {
    return [`${domainArn}/${index}`, `${domainArn}/${index}/*`];
}

/**
 * The domain's resource policy: admins get `es:ESHttp*` on the whole domain, each job role POST/PUT on its own
 * index and nothing else. Never a `*` principal: the principals are exactly the ARNs given.
 */
export function domainAccessPolicy(input: DomainAccessPolicyInput) {
    if (input.adminArns.length === 0 && input.writers.length === 0) {
        throw new Error("the log domain's access policy needs at least one admin or job role; none was given");
    }
    for (const arn of [...input.adminArns, ...input.writers.map((w) => w.roleArn)]) {
        if (!/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/.test(arn)) {
            throw new Error(
                `"${arn}" is not an IAM principal ARN; the log domain's access policy names principals by ARN`,
            );
        }
    }
    const statements: object[] = [];
    if (input.adminArns.length > 0) {
        statements.push({
            Sid: "Admins",
            Effect: "Allow",
            Principal: { AWS: [...input.adminArns] },
            Action: "es:ESHttp*",
            Resource: `${input.domainArn}/*`,
        });
    }
    input.writers.forEach((writer, i) =>
        statements.push({
            Sid: `WriteIndex${i}`,
            Effect: "Allow",
            Principal: { AWS: writer.roleArn },
            Action: [...INDEX_WRITE_ACTIONS],
            Resource: indexResources(input.domainArn, writer.index),
        }),
    );
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * Identity policy for a job execution role: write to its own index and nothing else. Both this and the domain's
 * resource policy must allow a request, so either one alone cannot widen access.
 */
export function indexWritePolicy(domainArn: string, index: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "WriteOwnLogIndex",
                Effect: "Allow",
                Action: [...INDEX_WRITE_ACTIONS],
                Resource: indexResources(domainArn, index),
            },
        ],
    };
}

/**
 * Resource policy of CloudWatch Logs that lets the OpenSearch service publish this domain's slow and error logs
 * into its log groups, and nothing else (confused-deputy conditions on the source account and domain).
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createdomain-configure-slow-logs.html
 */
export function domainLogDeliveryPolicy(input: {
    domainArn: string;
    accountId: string;
    logGroupArns: readonly string[];
}) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OpenSearchPublishesDomainLogs",
                Effect: "Allow",
                Principal: { Service: "es.amazonaws.com" },
                Action: ["logs:PutLogEvents", "logs:CreateLogStream"],
                Resource: input.logGroupArns.map((arn) => `${arn}:*`),
                Condition: {
                    StringEquals: { "aws:SourceAccount": input.accountId },
                    ArnLike: { "aws:SourceArn": input.domainArn },
                },
            },
        ],
    };
}

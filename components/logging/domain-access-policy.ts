/**
 * IAM documents of the log domain, as pure functions so tests can read them without mocks.
 *
 * Writers may only POST/PUT to their own team's bulk path and dated indices. Fluent Bit sends its bulk requests to
 * `/<prefix>/_bulk` (its `Path` option, see fluent-bit-config.ts), which IAM sees as `<domain-arn>/<prefix>/_bulk`;
 * the action lines inside name the dated index `<prefix>-YYYY.MM.DD`. Neither `/_bulk` at the root nor any other
 * team's prefix or index is opened.
 *
 * Limit: IAM authorises the request path, not the bulk body. A hand-crafted body sent to the team's own
 * `/<prefix>/_bulk` may still name another index in an action line; the `rest.action.multi.allow_explicit_index`
 * switch that forbids this also rejects Fluent Bit's own action lines (they always carry `_index`). Closing it
 * takes fine-grained access control with an index-pattern role mapped to each job role, which is configured
 * through the domain's security REST API, not through the AWS API.
 */

import { datedLogIndexPattern } from "../vocabulary";

/** A principal allowed to write to one team's indices. */
export interface IndexWriter {
    /** ARN of the IAM role (a team's job execution role). */
    roleArn: string;
    /** Prefix of the only indices the role may write to (`logIndexPrefix`). */
    indexPrefix: string;
}

/** The principal that applies the log retention ISM policy, and what it applies it to. */
export interface RetentionManager {
    /** ARN of the IAM role of the Job that applies the policy. */
    roleArn: string;
    /** Id of the ISM policy (`LOG_RETENTION_POLICY_ID`). */
    policyId: string;
    /** Index patterns the policy is attached to (`retentionIndexPatterns`). */
    indexPatterns: readonly string[];
}

export interface DomainAccessPolicyInput {
    /** ARN of the domain (see `domainArn`). */
    domainArn: string;
    /** Job execution roles, each with its own index. */
    writers: readonly IndexWriter[];
    /** Principals with full HTTP access to the domain (operators, dashboards). */
    adminArns: readonly string[];
    /** The retention Job's role: the ISM API calls that apply one policy, and nothing else. */
    retentionManager?: RetentionManager;
}

/** HTTP methods Fluent Bit's bulk writes use. */
export const INDEX_WRITE_ACTIONS = ["es:ESHttpPost", "es:ESHttpPut"] as const;

/**
 * Resources of one team's logs: the bulk path under its prefix, and its dated indices with every path below them
 * (`_doc/<id>`, `_bulk`).
 */
export function indexResources(domainArn: string, indexPrefix: string): string[] {
    const dated = datedLogIndexPattern(indexPrefix);
    return [`${domainArn}/${indexPrefix}/_bulk`, `${domainArn}/${dated}`, `${domainArn}/${dated}/*`];
}

/**
 * What applying the retention policy takes, as statements without a principal: read and write that one ISM policy
 * (GET, then PUT with its seq_no), and attach it (`add`) or move the indices on it to its new version
 * (`change_policy`) for exactly the given index patterns. No document, index, search or cluster path: the role cannot
 * read or write a team's logs, and only ISM, never the role, deletes an index.
 *
 * Limit: the patterns end in `*`, which IAM also reads as a wildcard, so `add/spark-logs-team-a-*` admits any path
 * that starts with it (e.g. `add/spark-logs-team-a-x,other-index`). The worst such a request can do is attach the
 * platform's own policy, or another existing policy, to indices it names.
 */
export function retentionManagerStatements(domainArn: string, manager: Omit<RetentionManager, "roleArn">) {
    return [
        {
            Sid: "WriteRetentionPolicy",
            Effect: "Allow",
            Action: [...ISM_POLICY_ACTIONS],
            Resource: [`${domainArn}/_plugins/_ism/policies/${manager.policyId}`],
        },
        {
            Sid: "AttachRetentionPolicy",
            Effect: "Allow",
            Action: [...ISM_ATTACH_ACTIONS],
            Resource: manager.indexPatterns.flatMap((pattern) =>
                ISM_ATTACH_APIS.map((api) => `${domainArn}/_plugins/_ism/${api}/${pattern}`),
            ),
        },
    ];
}

/** HTTP methods of reading and writing the ISM policy document. */
export const ISM_POLICY_ACTIONS = ["es:ESHttpGet", "es:ESHttpPut"] as const;
/** HTTP method of the ISM APIs that attach a policy to indices. */
export const ISM_ATTACH_ACTIONS = ["es:ESHttpPost"] as const;
/** The ISM APIs that attach the policy: to unmanaged indices, and to a new version for managed ones. */
const ISM_ATTACH_APIS = ["add", "change_policy"] as const;

/** Identity policy of the retention Job's role: the same statements as its part of the domain's policy. */
export function retentionManagerPolicy(domainArn: string, manager: Omit<RetentionManager, "roleArn">) {
    return { Version: "2012-10-17", Statement: retentionManagerStatements(domainArn, manager) };
}

/**
 * The domain's resource policy: admins get `es:ESHttp*` on the whole domain, each job role POST/PUT on its own
 * index and nothing else, the retention Job's role the ISM calls of its one policy. Never a `*` principal: the
 * principals are exactly the ARNs given.
 */
export function domainAccessPolicy(input: DomainAccessPolicyInput) {
    if (input.adminArns.length === 0 && input.writers.length === 0) {
        throw new Error("the log domain's access policy needs at least one admin or job role; none was given");
    }
    const principals = [...input.adminArns, ...input.writers.map((w) => w.roleArn)];
    if (input.retentionManager) principals.push(input.retentionManager.roleArn);
    for (const arn of principals) {
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
            Resource: indexResources(input.domainArn, writer.indexPrefix),
        }),
    );
    const manager = input.retentionManager;
    if (manager) {
        for (const statement of retentionManagerStatements(input.domainArn, manager)) {
            statements.push({ ...statement, Principal: { AWS: manager.roleArn } });
        }
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * Identity policy for a job execution role: write to its own team's indices and nothing else. Both this and the
 * domain's resource policy must allow a request, so either one alone cannot widen access.
 */
export function indexWritePolicy(domainArn: string, indexPrefix: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "WriteOwnLogIndex",
                Effect: "Allow",
                Action: [...INDEX_WRITE_ACTIONS],
                Resource: indexResources(domainArn, indexPrefix),
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
                // PutLogEventsBatch too: without it some accounts refuse the policy at CreateDomain with a
                // ValidationException (the OpenSearch Service developer guide's correction, and Pulumi's example).
                Action: ["logs:PutLogEvents", "logs:PutLogEventsBatch", "logs:CreateLogStream"],
                Resource: input.logGroupArns.map((arn) => `${arn}:*`),
                Condition: {
                    StringEquals: { "aws:SourceAccount": input.accountId },
                    ArnLike: { "aws:SourceArn": input.domainArn },
                },
            },
        ],
    };
}

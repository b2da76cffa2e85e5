import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "../cluster";
import { createServiceLinkedRole } from "../iam";
import { LOG_RETENTION_POLICY_ID, Partition, domainArn, logDomainLogGroupName } from "../vocabulary";
import { IndexWriter, domainAccessPolicy, domainLogDeliveryPolicy } from "./domain-access-policy";
import { IndexRetentionJob, createRetentionRole } from "./index-retention";
import { retentionIndexPatterns, retentionPolicyProblems } from "./ism-policy";
import {
    DomainSizing,
    NodeGroupSize,
    OPENSEARCH_ENGINE_VERSION,
    domainClusterConfig,
    sizingProblems,
} from "./domain-sizing";

export interface LogDomainArgs {
    /** Domain name: 3–28 characters, lowercase letters, digits and '-', starting with a letter. */
    domainName: string;
    /** Partition of the stack's region. */
    partition: Partition;
    /** Region of the stack. */
    region: string;
    /** Account of the stack. */
    accountId: pulumi.Input<string>;
    /** VPC the domain's endpoints live in. */
    vpcId: pulumi.Input<string>;
    /** Private subnets, one per zone; the domain uses the first `zoneCount`. */
    privateSubnetIds: readonly pulumi.Input<string>[];
    /**
     * Security groups allowed HTTPS to the domain, keyed by a stable name (e.g. `cluster`). Each becomes its own
     * ingress rule, so only the rule waits for the group, never the domain.
     */
    clientSecurityGroupIds: Readonly<Record<string, pulumi.Input<string>>>;
    /** Customer-managed KMS key for encryption at rest of the domain and its log groups. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Engine version, OpenSearch 2.x.
     * @default OPENSEARCH_ENGINE_VERSION ("OpenSearch_2.19")
     */
    engineVersion?: string;
    /**
     * Data nodes.
     * @default { instanceType: "r7g.large.search", count: 1 }
     */
    dataNodes?: NodeGroupSize;
    /**
     * Zones the data nodes spread over: 1 (no zone awareness), 2 or 3.
     * @default 1
     */
    zoneCount?: number;
    /**
     * Dedicated master nodes (3 or 5); required when `zoneCount` > 1.
     * @default undefined (none)
     */
    dedicatedMasters?: NodeGroupSize;
    /**
     * gp3 volume per data node, GiB.
     * @default 100
     */
    volumeSizeGiB?: number;
    /** Job execution roles, each allowed to write to its own team's indices only. */
    writers: readonly { roleArn: pulumi.Input<string>; indexPrefix: string }[];
    /** Principals with full HTTP access (operators, dashboards); never `*`. */
    adminArns: readonly pulumi.Input<string>[];
    /**
     * Days the domain's slow and error logs are kept.
     * @default 30
     */
    logRetentionDays?: number;
    /**
     * Protect the domain from `pulumi destroy` and from replacement (prod).
     * @default false
     */
    deletionProtection?: boolean;
    /**
     * Delete the writers' dated indices `retentionDays` after they were created: an ISM policy that a Job in
     * `cluster` applies (the domain is VPC-only), running as its own IRSA role that the access policy allows the ISM
     * calls of that one policy and nothing else. Only the role, the access policy and the Job wait for the cluster.
     * @default undefined (indices are kept until deleted by hand)
     */
    indexRetention?: { cluster: ClusterContext; retentionDays: number };
    /**
     * Create the account's OpenSearch service-linked role, which a VPC domain needs (the domain waits for it). Only
     * once per account: leave false when the account already has `AWSServiceRoleForAmazonOpenSearchService`. It is
     * kept on destroy.
     * @default false
     */
    createServiceLinkedRole?: boolean;
}

/** The same defaults as Pulumi.yaml's `opensearch*` keys, so the component alone sizes a domain like a stack. */
export const LOG_DOMAIN_DEFAULTS = {
    engineVersion: OPENSEARCH_ENGINE_VERSION,
    dataNodes: { instanceType: "r7g.large.search", count: 1 },
    zoneCount: 1,
    volumeSizeGiB: 100,
    logRetentionDays: 30,
    deletionProtection: false,
    createServiceLinkedRole: false,
};

/** TLS policy of the HTTPS endpoint: TLS 1.2 or later, forward secrecy only. */
export const TLS_SECURITY_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";

/** Slow and error logs the domain publishes, by the log group suffix they go to. */
const DOMAIN_LOGS = {
    "index-slow": "INDEX_SLOW_LOGS",
    "search-slow": "SEARCH_SLOW_LOGS",
    application: "ES_APPLICATION_LOGS",
} as const;

/** Retention values CloudWatch Logs accepts. */
const RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * The Amazon OpenSearch Service domain Spark logs are shipped to: private subnets, HTTPS from the given security
 * groups only, encryption at rest with the stack's key, node-to-node encryption, TLS 1.2+, slow and error logs
 * in encrypted log groups, and an access policy naming only the job roles (own index) and the admins.
 *
 * The domain takes 15–30 minutes to create, as long as the EKS cluster, so it depends on nothing from the
 * cluster: the client security groups feed separate ingress rules and the job roles a separate DomainPolicy, and
 * only those small resources wait for the cluster.
 */
export class LogDomain extends pulumi.ComponentResource {
    readonly domainName: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    /** VPC endpoint hostname (no scheme), for the Fluent Bit output. */
    readonly endpoint: pulumi.Output<string>;
    /** Security group of the domain's endpoints. */
    readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: LogDomainArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:logging:LogDomain", name, {}, opts);
        const a = { ...LOG_DOMAIN_DEFAULTS, ...args };
        const problems = logDomainProblems(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`log domain "${a.domainName}":\n  - ${problems.join("\n  - ")}`, this);
        }
        const sizing = sizingOf(a);

        const arn = pulumi
            .output(a.accountId)
            .apply((accountId) => domainArn(a.partition, a.region, accountId, a.domainName));
        const securityGroup = createSecurityGroup(name, a, this);
        const logGroups = createLogGroups(name, a, arn, this);
        const serviceLinkedRole = a.createServiceLinkedRole
            ? [createServiceLinkedRole(`${name}-service-role`, "openSearch", { parent: this })]
            : [];

        const domain = new aws.opensearch.Domain(
            `${name}-domain`,
            {
                domainName: a.domainName,
                engineVersion: a.engineVersion,
                clusterConfig: domainClusterConfig(sizing),
                ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: a.volumeSizeGiB },
                vpcOptions: {
                    subnetIds: a.privateSubnetIds.slice(0, a.zoneCount),
                    securityGroupIds: [securityGroup.id],
                },
                encryptAtRest: { enabled: true, kmsKeyId: a.kmsKeyArn },
                nodeToNodeEncryption: { enabled: true },
                domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: TLS_SECURITY_POLICY },
                logPublishingOptions: Object.entries(DOMAIN_LOGS).map(([suffix, logType]) => ({
                    logType,
                    cloudwatchLogGroupArn: logGroups.groups[suffix].arn,
                    enabled: true,
                })),
                softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
            },
            {
                parent: this,
                protect: a.deletionProtection,
                // CreateDomain checks that the domain may write to its log groups; the resource policy carries no
                // value into the domain, so the order must be stated.
                dependsOn: [logGroups.deliveryPolicy, ...serviceLinkedRole],
            },
        );

        // Only the rules wait for the client groups (the cluster's), never the domain.
        for (const [client, groupId] of Object.entries(a.clientSecurityGroupIds)) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-https-from-${client}`,
                {
                    securityGroupId: securityGroup.id,
                    referencedSecurityGroupId: groupId,
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    description: `HTTPS from ${client}`,
                },
                { parent: this },
            );
        }

        // No fine-grained access control: the access policy alone (IAM, request paths) decides every request, the
        // retention Job's ISM calls included; ISM then deletes indices as the domain's own system user.
        const indexPrefixes = a.writers.map((w) => w.indexPrefix);
        const retentionRole = a.indexRetention
            ? createRetentionRole(
                  `${name}-retention-role`,
                  { cluster: a.indexRetention.cluster, domainArn: arn, indexPrefixes },
                  this,
              )
            : undefined;

        // The access policy is its own resource: it names the job roles, which wait for the cluster's OIDC
        // provider, and a principal that does not exist yet can make the policy invalid. Until it is applied the
        // domain has no policy and so allows no one.
        const policy = pulumi
            .all([arn, pulumi.all(a.writers.map((w) => w.roleArn)), pulumi.all([...a.adminArns]), retentionRole?.arn])
            .apply(([domainArnValue, writerArns, adminArns, retentionRoleArn]) => {
                const writers: IndexWriter[] = writerArns.map((roleArn, i) => ({
                    roleArn,
                    indexPrefix: a.writers[i].indexPrefix,
                }));
                const retentionManager =
                    retentionRoleArn === undefined
                        ? undefined
                        : {
                              roleArn: retentionRoleArn,
                              policyId: LOG_RETENTION_POLICY_ID,
                              indexPatterns: retentionIndexPatterns(indexPrefixes),
                          };
                return JSON.stringify(
                    domainAccessPolicy({ domainArn: domainArnValue, writers, adminArns, retentionManager }),
                );
            });
        const accessPolicy = new aws.opensearch.DomainPolicy(
            `${name}-access-policy`,
            {
                domainName: domain.domainName,
                accessPolicies: policy,
            },
            { parent: this },
        );

        // Only the Job waits for both chains: the domain (its endpoint) and the cluster (its provider and role).
        if (a.indexRetention && retentionRole) {
            new IndexRetentionJob(
                `${name}-retention`,
                {
                    cluster: a.indexRetention.cluster,
                    roleArn: retentionRole.arn,
                    domainEndpoint: domain.endpoint,
                    retentionDays: a.indexRetention.retentionDays,
                    indexPrefixes,
                    accessPolicy,
                },
                { parent: this },
            );
        }

        this.domainName = domain.domainName;
        this.arn = domain.arn;
        this.endpoint = domain.endpoint;
        this.securityGroupId = securityGroup.id;
        this.registerOutputs({
            domainName: this.domainName,
            arn: this.arn,
            endpoint: this.endpoint,
            securityGroupId: this.securityGroupId,
        });
    }
}

/** Every problem with the args, each naming the input, the value and the fix; empty when they are valid. */
export function logDomainProblems(args: LogDomainArgs): string[] {
    const a = { ...LOG_DOMAIN_DEFAULTS, ...args };
    const problems = sizingProblems(sizingOf(a));
    if (!/^[a-z][a-z0-9-]{2,27}$/.test(a.domainName)) {
        problems.push(
            `domainName is "${a.domainName}"; use 3–28 lowercase letters, digits and '-', starting with a letter`,
        );
    }
    if (a.privateSubnetIds.length < a.zoneCount) {
        problems.push(
            `zoneCount is ${a.zoneCount} but ${a.privateSubnetIds.length} private subnet(s) were given; ` +
                "give one private subnet per zone",
        );
    }
    if (!RETENTION_DAYS.includes(a.logRetentionDays)) {
        problems.push(
            `logRetentionDays is ${a.logRetentionDays}; CloudWatch Logs accepts ${RETENTION_DAYS.join(", ")}`,
        );
    }
    if (a.indexRetention) {
        problems.push(
            ...retentionPolicyProblems({
                retentionDays: a.indexRetention.retentionDays,
                indexPrefixes: a.writers.map((w) => w.indexPrefix),
            }).map((p) => `indexRetention: ${p}`),
        );
    }
    if (a.adminArns.length === 0 && a.writers.length === 0) {
        problems.push(
            "adminArns and writers are both empty; name at least one principal (the access policy is never `*`)",
        );
    }
    return problems;
}

function sizingOf(a: LogDomainArgs & typeof LOG_DOMAIN_DEFAULTS): DomainSizing {
    return {
        engineVersion: a.engineVersion,
        dataNodes: a.dataNodes,
        zoneCount: a.zoneCount,
        dedicatedMasters: a.dedicatedMasters,
        volumeSizeGiB: a.volumeSizeGiB,
    };
}

function createSecurityGroup(name: string, a: LogDomainArgs, parent: pulumi.Resource): aws.ec2.SecurityGroup {
    // No inline rules: ingress comes from per-client rule resources (inline rules would fight them). The domain's
    // endpoints never open connections, and the provider removes the allow-all egress rule AWS adds to new groups.
    return new aws.ec2.SecurityGroup(
        `${name}-sg`,
        {
            vpcId: a.vpcId,
            description: `OpenSearch domain ${a.domainName}: HTTPS from the Spark cluster only`,
            revokeRulesOnDelete: true,
            tags: { Name: `${a.domainName}-opensearch` },
        },
        { parent },
    );
}

function createLogGroups(
    name: string,
    a: LogDomainArgs & typeof LOG_DOMAIN_DEFAULTS,
    arn: pulumi.Output<string>,
    parent: pulumi.Resource,
): { groups: Record<string, aws.cloudwatch.LogGroup>; deliveryPolicy: aws.cloudwatch.LogResourcePolicy } {
    const groups = Object.fromEntries(
        Object.keys(DOMAIN_LOGS).map((suffix) => [
            suffix,
            new aws.cloudwatch.LogGroup(
                `${name}-${suffix}-logs`,
                {
                    name: logDomainLogGroupName(a.domainName, suffix),
                    retentionInDays: a.logRetentionDays,
                    kmsKeyId: a.kmsKeyArn,
                },
                { parent },
            ),
        ]),
    );
    const policyDocument = pulumi
        .all([arn, pulumi.output(a.accountId), pulumi.all(Object.values(groups).map((g) => g.arn))])
        .apply(([domainArnValue, accountId, logGroupArns]) =>
            JSON.stringify(domainLogDeliveryPolicy({ domainArn: domainArnValue, accountId, logGroupArns })),
        );
    // Account-wide (10 per region): named after the domain so stacks never overwrite each other's.
    const deliveryPolicy = new aws.cloudwatch.LogResourcePolicy(
        `${name}-log-delivery`,
        {
            policyName: `${a.domainName}-opensearch-logs`,
            policyDocument,
        },
        { parent },
    );
    return { groups, deliveryPolicy };
}

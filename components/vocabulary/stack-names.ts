/**
 * Names the stack gives AWS resources, each made to fit its AWS rules for any valid stack and project name.
 *
 * A name is built from a head that carries the stack (`spark-<stack>`) and a tail that says what it is
 * (`-logs`, `-<team>-emr-job`). When the name is valid as it is, it is used unchanged, so existing stacks keep every
 * name. Otherwise the head is cut and made valid (lowercase where AWS wants it, other characters to `-`) and a hash
 * of the whole unfitted name is added: the result fits, never changes for the same stack (no randomness), and two
 * stacks whose cut heads agree still differ in the hash.
 */
import { createHash } from "node:crypto";

/** What AWS allows in one kind of name. */
export interface NameRule {
    /** Most characters. */
    readonly max: number;
    /** Characters allowed; anything else becomes `-`. */
    readonly allowed: RegExp;
    /** AWS takes lowercase only. */
    readonly lowercase: boolean;
}

/** The AWS rules of every kind of name the stack derives (each service's API reference, `Name` constraints). */
export const NAME_RULES = {
    /** EKS CreateCluster `name`: 1–100, `^[0-9A-Za-z][A-Za-z0-9\-_]*$`. */
    eksCluster: { max: 100, allowed: /[A-Za-z0-9_-]/, lowercase: false },
    /** EKS CreateNodegroup `nodegroupName`: 1–63, letters, digits, `-`, `_`. */
    eksNodeGroup: { max: 63, allowed: /[A-Za-z0-9_-]/, lowercase: false },
    /** IAM role name: 1–64, `[\w+=,.@-]`. */
    iamRole: { max: 64, allowed: /[\w+=,.@-]/, lowercase: false },
    /** S3 bucket: 3–63, lowercase letters, digits, `-` (dots break virtual-hosted TLS, so none). */
    s3Bucket: { max: 63, allowed: /[a-z0-9-]/, lowercase: true },
    /** OpenSearch domain: 3–28, starts with a lowercase letter, then `[a-z0-9-]`. */
    openSearchDomain: { max: 28, allowed: /[a-z0-9-]/, lowercase: true },
    /** KMS alias after `alias/`: 1–256 in all, `[a-zA-Z0-9/_-]`. */
    kmsAlias: { max: 250, allowed: /[A-Za-z0-9/_-]/, lowercase: false },
    /** CloudWatch Logs log group: 1–512, `[\.\-_/#A-Za-z0-9]`. */
    logGroup: { max: 512, allowed: /[.\-_/#A-Za-z0-9]/, lowercase: false },
    /** EMR on EKS virtual cluster: 1–64, `[\.\-_/#A-Za-z0-9]`. */
    emrVirtualCluster: { max: 64, allowed: /[.\-_/#A-Za-z0-9]/, lowercase: false },
    /** EMR on EKS job template: 1–64, `[\.\-_/#A-Za-z0-9]`. */
    emrJobTemplate: { max: 64, allowed: /[.\-_/#A-Za-z0-9]/, lowercase: false },
    /** SQS queue: 1–80, letters, digits, `-`, `_`. */
    sqsQueue: { max: 80, allowed: /[A-Za-z0-9_-]/, lowercase: false },
    /** Amazon Managed Prometheus workspace alias: 1–100. */
    ampWorkspaceAlias: { max: 100, allowed: /[A-Za-z0-9_.-]/, lowercase: false },
    /** Amazon Managed Prometheus scraper alias: 1–100, `[0-9A-Za-z][-.0-9A-Z_a-z]*`. */
    ampScraperAlias: { max: 100, allowed: /[A-Za-z0-9_.-]/, lowercase: false },
    /** Amazon Managed Grafana workspace: 1–255, `[a-zA-Z0-9-._~]`. */
    grafanaWorkspace: { max: 255, allowed: /[A-Za-z0-9._~-]/, lowercase: false },
    /** SNS standard topic: 1–256, letters, digits, `-`, `_`. */
    snsTopic: { max: 256, allowed: /[A-Za-z0-9_-]/, lowercase: false },
    /** EventBridge rule: 1–64, `[\.\-_A-Za-z0-9]`. */
    eventRule: { max: 64, allowed: /[.\-_A-Za-z0-9]/, lowercase: false },
    /** CloudWatch alarm: 1–255 printable characters; kept to the stack's usual ones. */
    cloudwatchAlarm: { max: 255, allowed: /[A-Za-z0-9_.-]/, lowercase: false },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** Characters of the hash that keeps fitted names unique. */
const HASH_LENGTH = 6;

function hashOf(text: string): string {
    return BigInt(`0x${createHash("sha256").update(text).digest("hex").slice(0, 16)}`)
        .toString(36)
        .padStart(HASH_LENGTH, "0")
        .slice(0, HASH_LENGTH);
}

function valid(text: string, rule: NameRule): string {
    const cased = rule.lowercase ? text.toLowerCase() : text;
    return [...cased].map((c) => (rule.allowed.test(c) ? c : "-")).join("");
}

/**
 * `head + tail` when that is a valid `kind` name; otherwise the head cut and made valid, a hash of `head + tail`,
 * and the tail (the tail too is cut when it alone leaves no room).
 */
export function fitName(kind: NameKind, head: string, tail = ""): string {
    const rule: NameRule = NAME_RULES[kind];
    const whole = `${head}${tail}`;
    if (whole.length <= rule.max && valid(whole, rule) === whole) return whole;
    const hash = hashOf(whole);
    const room = rule.max - HASH_LENGTH - 1;
    const keptTail = valid(tail, rule);
    const [cutHead, cutTail] = keptTail.length + 1 <= room ? [valid(head, rule), keptTail] : [valid(whole, rule), ""];
    const headRoom = room - cutTail.length;
    const trimmed = cutHead.slice(0, headRoom).replace(/[-_.]+$/, "");
    return `${trimmed}-${hash}${cutTail}`;
}

/** The EKS cluster of a stack: its name prefix (`spark-<stack>`), made to fit. */
export function eksClusterName(namePrefix: string): string {
    return fitName("eksCluster", namePrefix);
}

/** A managed node group of the cluster: `<cluster>-<what>` (`-system`, `-executor-us-west-2a`). */
export function nodeGroupName(clusterName: string, what: string): string {
    return fitName("eksNodeGroup", clusterName, `-${what}`);
}

/** A team's EMR job execution role: `<namePrefix>-<team>-emr-job`. */
export function jobRoleName(namePrefix: string, team: string): string {
    return fitName("iamRole", namePrefix, `-${team}-emr-job`);
}

/** A team's submitter role, which its people assume to start EMR jobs: `<namePrefix>-<team>-submitter`. */
export function submitterRoleName(namePrefix: string, team: string): string {
    return fitName("iamRole", namePrefix, `-${team}-submitter`);
}

/**
 * A version of a team's EMR job template: `<namePrefix>-<team>-<what>-<version>`. The version changes with the
 * template's content, so a changed template is a new template beside the old one, never an edit of it.
 */
export function jobTemplateName(namePrefix: string, team: string, what: string, version: string): string {
    return fitName("emrJobTemplate", namePrefix, `-${team}-${what}-${version}`);
}

/** A team's EMR virtual cluster: `<namePrefix>-<team>`. */
export function virtualClusterName(namePrefix: string, team: string): string {
    return fitName("emrVirtualCluster", namePrefix, `-${team}`);
}

/** The platform bucket, unique across AWS through the account and region: `<namePrefix>-platform-<account>-<region>`. */
export function platformBucketName(namePrefix: string, accountId: string, region: string): string {
    return fitName("s3Bucket", namePrefix, `-platform-${accountId}-${region}`);
}

/** The OpenSearch domain Spark logs go to: `<namePrefix>-logs`. */
export function logDomainName(namePrefix: string): string {
    return fitName("openSearchDomain", namePrefix, "-logs");
}

/** A KMS alias of the stack: `alias/<namePrefix>-<purpose>`. */
export function kmsAliasName(namePrefix: string, purpose: string): string {
    return `alias/${fitName("kmsAlias", namePrefix, `-${purpose}`)}`;
}

/** Karpenter's interruption queue of a cluster: `<cluster>-karpenter-interruptions`. */
export function interruptionQueueName(clusterName: string): string {
    return fitName("sqsQueue", clusterName, "-karpenter-interruptions");
}

/** Kubecost's AMP workspace alias (and its log group's prefix): `<project>-<stack>-kubecost`. */
export function kubecostWorkspaceAlias(project: string, stack: string): string {
    return fitName("ampWorkspaceAlias", `${project}-${stack}`, "-kubecost");
}

/** The stack's managed Prometheus collector: `<namePrefix>-spark-metrics`. */
export function scraperAlias(namePrefix: string): string {
    return fitName("ampScraperAlias", namePrefix, "-spark-metrics");
}

/** The stack's alert topic: `<namePrefix>-alerts`. */
export function alertTopicName(namePrefix: string): string {
    return fitName("snsTopic", namePrefix, "-alerts");
}

/** An EventBridge rule of the stack: `<namePrefix>-<what>`. */
export function eventRuleName(namePrefix: string, what: string): string {
    return fitName("eventRule", namePrefix, `-${what}`);
}

/** A CloudWatch alarm of the stack: `<namePrefix>-<what>`. */
export function alarmName(namePrefix: string, what: string): string {
    return fitName("cloudwatchAlarm", namePrefix, `-${what}`);
}

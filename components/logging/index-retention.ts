/**
 * Deletion of old log indices: the Job that applies the retention ISM policy to the log domain from inside the
 * cluster, and the IRSA role it runs as.
 *
 * The domain is VPC-only, so the deployer cannot reach its REST API; a Job in the cluster can. Pulumi waits for the
 * Job to complete, so `pulumi up` fails when the policy could not be applied. Its name carries a hash of everything it
 * does (policy, index patterns, endpoint, script, images): a change of any of them, the retention first, makes a new
 * Job that runs again; an unchanged stack leaves the completed Job alone. A failed Job is replaced on the next
 * `pulumi up` (`pulumi.com/replaceUnready`).
 *
 * The pod: the script (curl, POSIX sh) talks plain HTTP to 127.0.0.1, where the SigV4 proxy runs as a native sidecar
 * (an init container with `restartPolicy: Always`, Kubernetes 1.29+): it signs each request with the pod's IRSA
 * credentials and forwards it over HTTPS to the domain, and stops when the script ends. Both containers run as
 * nobody (65534) under Pod Security `restricted` in the `logging` namespace (reserved: no team may use it).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "../cluster";
import { IrsaRole } from "../iam";
import { podSecurityLabels, restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../spark";
import { type ImageArchitectures, LOG_RETENTION_POLICY_ID } from "../vocabulary";
import { retentionManagerPolicy } from "./domain-access-policy";
import { retentionIndexPatterns, retentionPolicy } from "./ism-policy";

/** Namespace of the Job; reserved in the stack settings, so no team namespace can take it. */
export const RETENTION_NAMESPACE = "logging";
/** Service account of the Job's pod, the one its IRSA role trusts. */
export const RETENTION_SERVICE_ACCOUNT = "log-retention";

/**
 * aws-sigv4-proxy 1.11.1 (awslabs/aws-sigv4-proxy tag v1.11.1, 2026-02-11; its release workflow pushes
 * public.ecr.aws/aws-observability/aws-sigv4-proxy:<VERSION>), the release Kubecost's values pin too. A static
 * binary: it runs as any user.
 */
export const SIGV4_PROXY_IMAGE = "public.ecr.aws/aws-observability/aws-sigv4-proxy:1.11.1";
/** The curl project's own image (curl/curl-container, Alpine with busybox sh and sed), 8.17.0. */
export const CURL_IMAGE = "quay.io/curl/curl:8.17.0";
/** Both run on the system nodes. */
export const RETENTION_IMAGE_ARCHITECTURES: Readonly<Record<string, ImageArchitectures>> = {
    [SIGV4_PROXY_IMAGE]: {
        architectures: ["amd64", "arm64"],
        source: "documented, tag not inspected: multi-arch since 1.4 (awslabs/aws-sigv4-proxy#47)",
    },
    [CURL_IMAGE]: {
        architectures: ["amd64", "arm64"],
        source: "documented, tag not inspected: curl/curl-container releases through its build_latest_release_multi (multiarch) workflow",
    },
};

/** Where the proxy listens: loopback only, so nothing but this pod can have requests signed with its role. */
const PROXY_ADDRESS = "127.0.0.1:8080";
/** nobody: neither image needs a user of its own. */
const RUN_AS = { uid: 65534, gid: 65534 };
const SCRIPT = path.join(__dirname, "scripts", "apply-retention-policy.sh");
/** A Job name is a DNS label (63) and its pods add a suffix: the hash keeps it short and unique per content. */
const JOB_NAME_PREFIX = "apply-log-retention";

export interface RetentionJobInput {
    /** Hostname of the domain's endpoint (no scheme). */
    domainEndpoint: string;
    /** Region of the domain, for SigV4. */
    region: string;
    /** Days an index is kept after it was created. */
    retentionDays: number;
    /** Prefixes of the teams' indices. */
    indexPrefixes: readonly string[];
    /** Node selector of the system nodes (never on a Spark node an autoscaler may remove mid-run). */
    nodeSelector: Readonly<Record<string, string>>;
    /** The apply script's text. @default components/logging/scripts/apply-retention-policy.sh */
    script?: string;
}

/** The Job that applies the retention policy, named after a hash of what it does. */
export function retentionJobManifest(input: RetentionJobInput) {
    const script = input.script ?? fs.readFileSync(SCRIPT, "utf8");
    const containerSecurity = { ...restrictedContainerSecurityContext(RUN_AS), readOnlyRootFilesystem: true };
    const labels = { "app.kubernetes.io/name": "log-retention", "app.kubernetes.io/part-of": "spark-platform" };
    const podSpec = {
        serviceAccountName: RETENTION_SERVICE_ACCOUNT,
        restartPolicy: "Never",
        nodeSelector: { ...input.nodeSelector },
        securityContext: restrictedPodSecurityContext(RUN_AS),
        initContainers: [
            {
                name: "sigv4-proxy",
                image: SIGV4_PROXY_IMAGE,
                // A native sidecar: started before the script, stopped once it ends, never holding the Job open.
                restartPolicy: "Always",
                args: [
                    "--name=es",
                    `--region=${input.region}`,
                    `--host=${input.domainEndpoint}`,
                    `--port=${PROXY_ADDRESS}`,
                    "--log-failed-requests",
                ],
                securityContext: containerSecurity,
                resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
            },
        ],
        containers: [
            {
                name: "apply-policy",
                image: CURL_IMAGE,
                command: ["/bin/sh", "-c", script],
                env: [
                    { name: "OPENSEARCH_URL", value: `http://${PROXY_ADDRESS}` },
                    { name: "ISM_POLICY_ID", value: LOG_RETENTION_POLICY_ID },
                    {
                        name: "ISM_POLICY",
                        value: JSON.stringify(retentionPolicy(input)),
                    },
                    { name: "ISM_INDEX_PATTERNS", value: retentionIndexPatterns(input.indexPrefixes).join(" ") },
                ],
                securityContext: containerSecurity,
                // mktemp writes to /tmp; the root filesystem stays read-only.
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
            },
        ],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "1Mi" } }],
    };
    const hash = createHash("sha256").update(JSON.stringify(podSpec)).digest("hex").slice(0, 10);
    return {
        apiVersion: "batch/v1" as const,
        kind: "Job" as const,
        metadata: {
            name: `${JOB_NAME_PREFIX}-${hash}`,
            namespace: RETENTION_NAMESPACE,
            labels,
            // A Job that failed (and so failed `pulumi up`) is replaced, not awaited again, by the next `pulumi up`.
            annotations: { "pulumi.com/replaceUnready": "true" },
        },
        spec: {
            // The script retries transient failures itself; a second pod covers a node lost mid-run.
            backoffLimit: 1,
            activeDeadlineSeconds: 600,
            template: { metadata: { labels }, spec: podSpec },
        },
    };
}

/** The namespace of the Job, enforcing Pod Security `restricted`. */
export function retentionNamespaceManifest(kubernetesVersion: string) {
    return {
        metadata: {
            name: RETENTION_NAMESPACE,
            labels: {
                ...podSecurityLabels("restricted", kubernetesVersion),
                "app.kubernetes.io/part-of": "spark-platform",
            },
        },
    };
}

/**
 * The IRSA role the Job runs as: trusted by the Job's service account only, allowed only the ISM calls that apply
 * the retention policy (the domain's access policy grants it the same, see `retentionManagerStatements`).
 */
export function createRetentionRole(
    name: string,
    args: { cluster: ClusterContext; domainArn: pulumi.Input<string>; indexPrefixes: readonly string[] },
    parent: pulumi.Resource,
): IrsaRole {
    const indexPatterns = retentionIndexPatterns(args.indexPrefixes);
    return new IrsaRole(
        name,
        {
            oidcProviderArn: args.cluster.oidcProviderArn,
            oidcIssuer: args.cluster.oidcIssuer,
            namespace: RETENTION_NAMESPACE,
            serviceAccount: RETENTION_SERVICE_ACCOUNT,
            inlinePolicies: {
                "apply-log-retention": pulumi
                    .output(args.domainArn)
                    .apply((domainArn) =>
                        JSON.stringify(
                            retentionManagerPolicy(domainArn, { policyId: LOG_RETENTION_POLICY_ID, indexPatterns }),
                        ),
                    ),
            },
            description: "Applies the Spark log retention ISM policy to the stack's log domain",
        },
        { parent },
    );
}

export interface IndexRetentionJobArgs {
    cluster: ClusterContext;
    /** The IRSA role the Job runs as (`createRetentionRole`); its ARN annotates the service account. */
    roleArn: pulumi.Input<string>;
    /** Hostname of the domain's endpoint. */
    domainEndpoint: pulumi.Input<string>;
    retentionDays: number;
    indexPrefixes: readonly string[];
    /** The domain's access policy naming the role: the Job waits for it, so its first request is allowed. */
    accessPolicy: pulumi.Resource;
}

/** The namespace, service account and Job that apply the retention policy. */
export class IndexRetentionJob extends pulumi.ComponentResource {
    /** Name of the Job (changes whenever what it applies changes). */
    readonly jobName: pulumi.Output<string>;

    constructor(name: string, args: IndexRetentionJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:logging:IndexRetentionJob", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.cluster.provider };
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            retentionNamespaceManifest(args.cluster.kubernetesVersion),
            k8sOpts,
        );
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-service-account`,
            {
                metadata: {
                    name: RETENTION_SERVICE_ACCOUNT,
                    namespace: namespace.metadata.name,
                    annotations: { "eks.amazonaws.com/role-arn": args.roleArn },
                },
            },
            k8sOpts,
        );
        const manifest = pulumi.output(args.domainEndpoint).apply((domainEndpoint) =>
            retentionJobManifest({
                domainEndpoint,
                region: args.cluster.region,
                retentionDays: args.retentionDays,
                indexPrefixes: args.indexPrefixes,
                nodeSelector: args.cluster.systemNodeSelector,
            }),
        );
        const job = new k8s.batch.v1.Job(
            `${name}-job`,
            {
                metadata: manifest.metadata,
                spec: manifest.spec,
            },
            { ...k8sOpts, dependsOn: [serviceAccount, args.accessPolicy] },
        );
        this.jobName = job.metadata.name;
        this.registerOutputs({ jobName: this.jobName });
    }
}

/**
 * Small `pulumi stack export` documents built in code: a compliant Spark stack (subnets in two zones, a multi-AZ
 * system node group exempted by config, a single-zone Spark node group and NodePool, non-root workloads, IRSA and
 * service roles) and the mutations the end-to-end tests expect the pack to catch.
 */
import { base36 } from "../../policies/irsa-scoped-roles/base36";
import type { ExportedResource } from "../../tools/stack-export";

export const STACK_URN_PREFIX = "urn:pulumi:dev::spark-platform::";
export const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
export const ACCOUNT = "111111111111";
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
export const DEV_CONFIG = { "single-az-node-pools": { exemptPools: ["spark-dev-system"] } };

export interface FixtureResource extends ExportedResource<Record<string, unknown>> {
    /** Pending deletion, as `pulumi stack export` marks a resource being replaced. */
    delete?: boolean;
}

export function urn(type: string, name: string): string {
    return `${STACK_URN_PREFIX}${type}::${name}`;
}

const AWS_PROVIDER = urn("pulumi:providers:aws", "default_7_48_0");

export function resource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    extra: Partial<FixtureResource> = {},
): FixtureResource {
    const custom = extra.custom ?? !type.startsWith("pulumi:pulumi:");
    const id = extra.id ?? (custom ? `${name}-id` : "");
    return {
        urn: urn(type, name),
        type,
        custom,
        id,
        parent: urn("pulumi:pulumi:Stack", "spark-platform-dev"),
        provider: custom && !type.startsWith("pulumi:providers:") ? `${AWS_PROVIDER}::provider-id` : "",
        inputs,
        outputs: { ...inputs, ...(custom ? { id } : {}) },
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        ...extra,
    };
}

export function stackExport(resources: FixtureResource[]) {
    return {
        version: 3,
        deployment: { manifest: { time: "2026-11-24T00:00:00Z", magic: "", version: "v3.248.0" }, resources },
    };
}

export function trustPolicy(sub: string, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: PROVIDER_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: "sts.amazonaws.com" } },
                ...extra,
            },
        ],
    });
}

const NON_ROOT = { runAsNonRoot: true, runAsUser: 185 };

/** A trust in the EMR on EKS pattern for the role named `roleName` (the pattern embeds base36 of the name). */
export function emrPatternTrust(roleName: string): string {
    const sub = `system:serviceaccount:spark-data-eng:emr-containers-sa-*-*-${ACCOUNT}-${base36(roleName)}`;
    return JSON.stringify({
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: PROVIDER_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringLike: { [`${ISSUER}:sub`]: sub },
                    StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" },
                },
            },
        ],
    });
}

export function compliantStack(): FixtureResource[] {
    const subnet = (name: string, az: string) =>
        resource("aws:ec2/subnet:Subnet", name, { availabilityZone: az, vpcId: "vpc-1" }, { id: `subnet-${name}` });
    const emrTrust = emrPatternTrust("spark-dev-emr-exec");
    return [
        resource("pulumi:pulumi:Stack", "spark-platform-dev", {}),
        resource("pulumi:providers:aws", "default_7_48_0", { region: "us-west-2" }, { id: "provider-id" }),
        subnet("private-a", "us-west-2a"),
        subnet("private-b", "us-west-2b"),
        resource("aws:eks/cluster:Cluster", "spark-dev", {
            name: "spark-dev",
            vpcConfig: { subnetIds: ["subnet-private-a", "subnet-private-b"] },
        }),
        resource("aws:eks/nodeGroup:NodeGroup", "system", {
            clusterName: "spark-dev",
            nodeGroupName: "spark-dev-system",
            subnetIds: ["subnet-private-a", "subnet-private-b"],
        }),
        resource("aws:eks/nodeGroup:NodeGroup", "exec-a", {
            clusterName: "spark-dev",
            nodeGroupName: "spark-dev-exec-a",
            subnetIds: ["subnet-private-a"],
        }),
        resource("kubernetes:karpenter.sh/v1:NodePool", "spark-exec-a", {
            metadata: { name: "spark-exec-a" },
            spec: {
                template: {
                    spec: {
                        requirements: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["us-west-2a"] }],
                    },
                },
            },
        }),
        resource("kubernetes:apps/v1:Deployment", "history", {
            metadata: { name: "spark-history", namespace: "spark" },
            spec: {
                template: {
                    spec: {
                        securityContext: { runAsNonRoot: true, runAsUser: 185 },
                        containers: [{ name: "history", image: "apache/spark:3.5.3" }],
                    },
                },
            },
        }),
        resource("kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", "pi", {
            metadata: { name: "pi", namespace: "spark-data-eng" },
            spec: { driver: { securityContext: NON_ROOT }, executor: { instances: 2, securityContext: NON_ROOT } },
        }),
        resource("aws:iam/role:Role", "karpenter", {
            name: "spark-dev-karpenter",
            assumeRolePolicy: trustPolicy("system:serviceaccount:karpenter:karpenter"),
        }),
        resource("aws:iam/role:Role", "emr-exec", { name: "spark-dev-emr-exec", assumeRolePolicy: emrTrust }),
        resource("aws:iam/role:Role", "node", {
            name: "spark-dev-node",
            assumeRolePolicy: JSON.stringify({
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        }),
    ];
}

/** Replaces the inputs (and outputs) of the resource named `name`. */
export function mutate(
    resources: FixtureResource[],
    name: string,
    change: (inputs: Record<string, unknown>) => Record<string, unknown>,
): FixtureResource[] {
    return resources.map((r) => {
        if (!r.urn.endsWith(`::${name}`)) return r;
        const inputs = change(structuredClone(r.inputs));
        return { ...r, inputs, outputs: { ...inputs, ...(r.custom ? { id: r.id } : {}) } };
    });
}

export const MUTATIONS = {
    /** The Spark node group given a second zone's subnet. */
    widenedPool: (rs: FixtureResource[]) =>
        mutate(rs, "exec-a", (i) => ({ ...i, subnetIds: ["subnet-private-a", "subnet-private-b"] })),
    /** The history server's container set to run as root. */
    rootContainer: (rs: FixtureResource[]) =>
        mutate(rs, "history", (i) => {
            const spec = (i.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec;
            spec.containers[0].securityContext = { runAsUser: 0 };
            return i;
        }),
    /** The Karpenter role's trust widened to any principal. */
    wildcardTrust: (rs: FixtureResource[]) =>
        mutate(rs, "karpenter", (i) => ({
            ...i,
            assumeRolePolicy: trustPolicy("system:serviceaccount:karpenter:karpenter", { Principal: "*" }),
        })),
};

const GITHUB_ISSUER = "token.actions.githubusercontent.com";

function githubTrust(sub: string, issuer = GITHUB_ISSUER): string {
    return JSON.stringify({
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringLike: { [`${issuer}:sub`]: sub }, StringEquals: { [`${issuer}:aud`]: STS } },
            },
        ],
    });
}

const STS = "sts.amazonaws.com";
const ZONE = "topology.kubernetes.io/zone";
const BETA_ZONE = "failure-domain.beta.kubernetes.io/zone";

function nodePool(name: string, requirements: unknown[]): FixtureResource {
    return resource("kubernetes:karpenter.sh/v1:NodePool", name, {
        metadata: { name },
        spec: { template: { spec: { requirements } } },
    });
}

function nodegroupTemplate(name: string, subnets: string[]): FixtureResource {
    const template = {
        Resources: { Ng: { Type: "AWS::EKS::Nodegroup", Properties: { NodegroupName: name, Subnets: subnets } } },
    };
    return resource("aws-native:cloudformation:Stack", name, { templateBody: JSON.stringify(template) });
}

/**
 * One compliant and one violating resource per class issue 22 names (pod-level patch, pulumi-eks subnet
 * inheritance, AWS::EKS::Nodegroup in a template, Karpenter's deprecated zone key, GitHub Actions and unknown OIDC
 * issuers), plus the two things a policy reports as not evaluated (a Spark pod template file, the EMR pattern on a
 * namePrefix role). Added to compliantStack(); the names say what each is expected to get.
 */
export function classCases(): { resources: FixtureResource[]; violating: string[]; notEvaluated: string[] } {
    const subnet = (name: string, az: string) =>
        resource("aws:ec2/subnet:Subnet", name, { availabilityZone: az, vpcId: "vpc-1" }, { id: `subnet-${name}` });
    const cluster = resource(
        "eks:index:Cluster",
        "eks",
        { privateSubnetIds: ["subnet-private-a", "subnet-private-a2"], publicSubnetIds: ["subnet-public-b"] },
        { custom: false },
    );
    const inheriting = (type: string, name: string) =>
        resource(
            type,
            name,
            { cluster: cluster.urn },
            { custom: false, propertyDependencies: { cluster: [cluster.urn] } },
        );
    const patch = (name: string, securityContext: Record<string, unknown>) =>
        resource("kubernetes:apps/v1:DeploymentPatch", name, {
            metadata: { name, namespace: "spark" },
            spec: { template: { spec: { securityContext } } },
        });
    const resources = [
        subnet("private-a2", "us-west-2a"),
        subnet("public-b", "us-west-2b"),
        patch("patch-off", { runAsNonRoot: false }),
        patch("patch-on", { runAsNonRoot: true }),
        cluster,
        inheriting("eks:index:ManagedNodeGroup", "managed-inherits-public"),
        inheriting("eks:index:NodeGroupV2", "v2-inherits-private"),
        nodegroupTemplate("cfn-wide", ["subnet-private-a", "subnet-private-b"]),
        nodegroupTemplate("cfn-one", ["subnet-private-a"]),
        nodePool("pool-beta-wide", [{ key: BETA_ZONE, operator: "In", values: ["us-west-2a", "us-west-2b"] }]),
        nodePool("pool-beta-one", [
            { key: ZONE, operator: "In", values: ["us-west-2a", "us-west-2b"] },
            { key: BETA_ZONE, operator: "In", values: ["us-west-2a"] },
        ]),
        resource("aws:iam/role:Role", "gh-wide", { name: "gh-wide", assumeRolePolicy: githubTrust("repo:octo-org/*") }),
        resource("aws:iam/role:Role", "gh-pinned", {
            name: "gh-pinned",
            assumeRolePolicy: githubTrust("repo:octo-org/spark-platform:environment:prod"),
        }),
        resource("aws:iam/role:Role", "oidc-unknown", {
            name: "oidc-unknown",
            assumeRolePolicy: githubTrust("repo:octo-org/spark-platform:environment:prod", "accounts.google.com"),
        }),
        resource("aws:iam/role:Role", "emr-prefixed", {
            namePrefix: "spark-dev-emr-",
            assumeRolePolicy: emrPatternTrust("spark-dev-emr-exec"),
        }),
        resource("kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", "templated", {
            metadata: { name: "templated", namespace: "spark-data-eng" },
            spec: {
                driver: { securityContext: NON_ROOT },
                executor: { securityContext: NON_ROOT },
                sparkConf: { "spark.kubernetes.executor.podTemplateFile": "/opt/templates/executor.yaml" },
            },
        }),
    ];
    return {
        resources,
        violating: ["cfn-wide", "gh-wide", "managed-inherits-public", "oidc-unknown", "patch-off", "pool-beta-wide"],
        notEvaluated: ["emr-prefixed", "templated"],
    };
}

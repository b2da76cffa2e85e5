/**
 * Mocks that answer the Pulumi engine like AWS would: ids in each service's format, ARNs in the stack's
 * partition, account and region, and the outputs the program reads from remote components (eks.Cluster,
 * helm.v4.Chart). Everything is derived from a hash of the resource's type and name, so two plans of the same
 * stack are identical and a diff between plans shows only what changed.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { dnsSuffixOf } from "../../components/vocabulary";

export interface MockAccount {
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
}

type Inputs = Record<string, unknown>;
interface MockContext extends MockAccount {
    readonly type: string;
    readonly name: string;
    readonly inputs: Inputs;
    /** Deterministic hex digits for this resource. */
    hex(length: number): string;
    arn(service: string, resource: string, opts?: { global?: boolean }): string;
}
type OutputBuilder = (ctx: MockContext) => { id?: string; state?: Inputs };

function uuidOf(ctx: MockContext): string {
    const h = ctx.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function stableHex(seed: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) {
        out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
    }
    return out.slice(0, length);
}

/** The name AWS would end up with: the explicit `name` input, or Pulumi's auto-name (logical name + 7 hex digits). */
function physicalName(ctx: MockContext, key = "name"): string {
    const explicit = ctx.inputs[key];
    if (typeof explicit === "string") return explicit;
    const prefix = ctx.inputs[`${key}Prefix`];
    return typeof prefix === "string" ? `${prefix}${ctx.hex(26)}` : `${ctx.name}-${ctx.hex(7)}`;
}

/** A PEM block of `label` whose body is not key material: the plan only needs a stable, recognisable string. */
function mockPem(label: string, ctx: MockContext): string {
    return `-----BEGIN ${label}-----\nMOCK${ctx.hex(40)}\n-----END ${label}-----\n`;
}

const prefixedId =
    (prefix: string, digits = 17): OutputBuilder =>
    (ctx) => ({ id: `${prefix}-${ctx.hex(digits)}` });

const ec2: OutputBuilder = (ctx) => {
    const kind = ctx.type.split(":")[1].split("/")[1];
    const prefixes: Record<string, string> = {
        vpc: "vpc",
        subnet: "subnet",
        internetGateway: "igw",
        natGateway: "nat",
        eip: "eipalloc",
        routeTable: "rtb",
        routeTableAssociation: "rtbassoc",
        vpcEndpoint: "vpce",
        securityGroup: "sg",
        launchTemplate: "lt",
        flowLog: "fl",
        networkAcl: "acl",
    };
    const id = `${prefixes[kind] ?? kind.toLowerCase()}-${ctx.hex(17)}`;
    const state: Inputs = { arn: ctx.arn("ec2", `${kind === "vpc" ? "vpc" : kind.toLowerCase()}/${id}`) };
    if (kind === "eip") state.publicIp = `198.51.100.${(parseInt(ctx.hex(2), 16) % 254) + 1}`;
    if (kind === "launchTemplate") state.latestVersion = 1;
    if (kind === "subnet" && typeof ctx.inputs.availabilityZone === "string") {
        state.availabilityZoneId = azIdOf(ctx.region, ctx.inputs.availabilityZone);
    }
    return { id, state };
};

function azIdOf(region: string, zone: string): string {
    const short = region
        .split("-")
        .map((part, i) => (i === 2 ? part : part.slice(0, i === 0 ? 2 : 1)))
        .join("");
    return `${short}-az${zone.charCodeAt(zone.length - 1) - 96}`;
}

/** Issuer of the mocked cluster's OIDC provider, without the https:// scheme. */
export function oidcIssuerFor(account: MockAccount, clusterLogicalName: string): string {
    return `oidc.eks.${account.region}.${dnsSuffixOf(account.region)}/id/${stableHex(`oidc/${clusterLogicalName}`, 32).toUpperCase()}`;
}

const eksCluster: OutputBuilder = (ctx) => {
    const clusterName = physicalName(ctx);
    const issuer = oidcIssuerFor(ctx, ctx.name);
    const endpoint = `https://${ctx.hex(32).toUpperCase()}.gr7.${ctx.region}.eks.amazonaws.com`;
    const clusterSecurityGroupId = `sg-${ctx.hex(17)}`;
    const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": "bW9jaw==" } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [
            {
                name: clusterName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName],
                    },
                },
            },
        ],
    };
    const oidcProviderArn = ctx.arn("iam", `oidc-provider/${issuer}`, { global: true });
    return {
        state: {
            ...ctx.inputs,
            kubeconfig,
            kubeconfigJson: JSON.stringify(kubeconfig),
            oidcProviderArn,
            oidcProviderUrl: `https://${issuer}`,
            oidcIssuer: issuer,
            clusterSecurityGroupId,
            nodeSecurityGroupId: `sg-${stableHex(`${ctx.name}/nodes`, 17)}`,
            eksCluster: {
                name: clusterName,
                arn: ctx.arn("eks", `cluster/${clusterName}`),
                endpoint,
                version: ctx.inputs.version,
                certificateAuthority: { data: "bW9jaw==" },
                identities: [{ oidcs: [{ issuer: `https://${issuer}` }] }],
                vpcConfig: { clusterSecurityGroupId, subnetIds: ctx.inputs.subnetIds ?? ctx.inputs.privateSubnetIds },
            },
            core: {
                cluster: { name: clusterName, endpoint },
                endpoint,
                vpcId: ctx.inputs.vpcId,
                subnetIds: ctx.inputs.subnetIds ?? ctx.inputs.privateSubnetIds,
                oidcProvider: { arn: oidcProviderArn, url: `https://${issuer}` },
            },
        },
    };
};

const BUILDERS: Record<string, OutputBuilder> = {
    "eks:index:Cluster": eksCluster,
    "aws:iam/role:Role": (ctx) => {
        const name = physicalName(ctx);
        const path = typeof ctx.inputs.path === "string" ? ctx.inputs.path : "/";
        return {
            id: name,
            state: {
                name,
                arn: ctx.arn("iam", `role${path}${name}`, { global: true }),
                uniqueId: `AROA${ctx.hex(17).toUpperCase()}`,
            },
        };
    },
    "aws:iam/policy:Policy": (ctx) => {
        const name = physicalName(ctx);
        const arn = ctx.arn("iam", `policy/${name}`, { global: true });
        return { id: arn, state: { name, arn, policyId: `ANPA${ctx.hex(17).toUpperCase()}` } };
    },
    "aws:iam/instanceProfile:InstanceProfile": (ctx) => {
        const name = physicalName(ctx);
        return { id: name, state: { name, arn: ctx.arn("iam", `instance-profile/${name}`, { global: true }) } };
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (ctx) => {
        const url = (typeof ctx.inputs.url === "string" ? ctx.inputs.url : "").replace(/^https:\/\//, "");
        const arn = ctx.arn("iam", `oidc-provider/${url}`, { global: true });
        return { id: arn, state: { arn } };
    },
    "aws:kms/key:Key": (ctx) => {
        const keyId = uuidOf(ctx);
        return { id: keyId, state: { keyId, arn: ctx.arn("kms", `key/${keyId}`) } };
    },
    "aws:kms/alias:Alias": (ctx) => ({
        id: String(ctx.inputs.name),
        state: { arn: ctx.arn("kms", String(ctx.inputs.name)) },
    }),
    "aws:cloudwatch/logGroup:LogGroup": (ctx) => {
        const name = physicalName(ctx);
        return { id: name, state: { name, arn: ctx.arn("logs", `log-group:${name}`) } };
    },
    "aws:cloudwatch/eventRule:EventRule": (ctx) => {
        const name = physicalName(ctx);
        return { id: name, state: { name, arn: ctx.arn("events", `rule/${name}`) } };
    },
    "aws:sns/topic:Topic": (ctx) => {
        const name = physicalName(ctx);
        const arn = ctx.arn("sns", name);
        return { id: arn, state: { name, arn } };
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": (ctx) => {
        const name = physicalName(ctx);
        return { id: name, state: { name, arn: ctx.arn("cloudwatch", `alarm:${name}`) } };
    },
    "aws:sqs/queue:Queue": (ctx) => {
        const name = physicalName(ctx);
        const url = `https://sqs.${ctx.region}.amazonaws.com/${ctx.accountId}/${name}`;
        return { id: url, state: { name, url, arn: ctx.arn("sqs", name) } };
    },
    "aws:s3/bucket:Bucket": (ctx) => s3Bucket(ctx),
    "aws:s3/bucketV2:BucketV2": (ctx) => s3Bucket(ctx),
    "aws:eks/nodeGroup:NodeGroup": (ctx) => {
        const name = physicalName(ctx, "nodeGroupName");
        const cluster = String(ctx.inputs.clusterName);
        return {
            id: `${cluster}:${name}`,
            state: {
                nodeGroupName: name,
                arn: ctx.arn("eks", `nodegroup/${cluster}/${name}/${ctx.hex(8)}`),
                resources: [{ autoscalingGroups: [{ name: `eks-${name}-${ctx.hex(8)}` }] }],
            },
        };
    },
    "aws:eks/addon:Addon": (ctx) => {
        const [cluster, addon] = [String(ctx.inputs.clusterName), String(ctx.inputs.addonName)];
        return { id: `${cluster}:${addon}`, state: { arn: ctx.arn("eks", `addon/${cluster}/${addon}/${ctx.hex(8)}`) } };
    },
    "aws:eks/accessEntry:AccessEntry": (ctx) => {
        const [cluster, principal] = [String(ctx.inputs.clusterName), String(ctx.inputs.principalArn)];
        return {
            id: `${cluster}:${principal}`,
            state: { accessEntryArn: ctx.arn("eks", `access-entry/${cluster}/${ctx.hex(8)}`) },
        };
    },
    "aws:amp/workspace:Workspace": (ctx) => {
        const id = `ws-${uuidOf(ctx)}`;
        return {
            id,
            state: {
                arn: ctx.arn("aps", `workspace/${id}`),
                prometheusEndpoint: `https://aps-workspaces.${ctx.region}.amazonaws.com/workspaces/${id}/`,
            },
        };
    },
    "aws:amp/scraper:Scraper": (ctx) => {
        const id = `s-${uuidOf(ctx)}`;
        return {
            id,
            state: {
                arn: ctx.arn("aps", `scraper/${id}`),
                // The collector's service-linked role (AMP user guide, "AMP-collector-how-to").
                roleArn: ctx.arn(
                    "iam",
                    `role/aws-service-role/scraper.aps.amazonaws.com/AWSServiceRoleForAmazonPrometheusScraper_${ctx.hex(7)}`,
                    { global: true },
                ),
            },
        };
    },
    "aws:grafana/workspace:Workspace": (ctx) => {
        const id = `g-${ctx.hex(10)}`;
        return {
            id,
            state: {
                arn: ctx.arn("grafana", `/workspaces/${id}`),
                endpoint: `${id}.grafana-workspace.${ctx.region}.amazonaws.com`,
            },
        };
    },
    // Ids as the provider reports them: `<workspace id>,<service account id>[,<token id>]`.
    "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount": (ctx) => {
        const serviceAccountId = String(parseInt(ctx.hex(4), 16) + 2);
        return { id: `${String(ctx.inputs.workspaceId)},${serviceAccountId}`, state: { serviceAccountId } };
    },
    "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken": (ctx) => {
        const serviceAccountTokenId = String(parseInt(ctx.hex(4), 16) + 1);
        return {
            id: `${String(ctx.inputs.workspaceId)},${String(ctx.inputs.serviceAccountId)},${serviceAccountTokenId}`,
            state: {
                serviceAccountTokenId,
                // Grafana service account tokens: `glsa_` and 32 + 8 characters. A stand-in, not a credential.
                key: `glsa_MOCK${ctx.hex(28)}_${ctx.hex(8)}`,
            },
        };
    },
    "aws:opensearch/domain:Domain": (ctx) => {
        const domainName = physicalName(ctx, "domainName");
        return {
            id: ctx.arn("es", `domain/${domainName}`),
            state: {
                domainName,
                arn: ctx.arn("es", `domain/${domainName}`),
                endpoint: `vpc-${domainName}-${ctx.hex(26)}.${ctx.region}.es.amazonaws.com`,
                domainId: `${ctx.accountId}/${domainName}`,
            },
        };
    },
    "aws:emrcontainers/virtualCluster:VirtualCluster": (ctx) => {
        const id = ctx.hex(25);
        return { id, state: { arn: ctx.arn("emr-containers", `/virtualclusters/${id}`) } };
    },
    "aws:emrcontainers/jobTemplate:JobTemplate": (ctx) => {
        // A replacement is a new template: its id follows its (versioned) name, as EMR gives each template its own.
        const id = stableHex(`${ctx.name}/${String(ctx.inputs.name)}`, 25);
        return { id, state: { arn: ctx.arn("emr-containers", `/jobtemplates/${id}`) } };
    },
    // Keys and certificates the tls provider would generate: stand-in PEM blocks, deterministic per resource.
    "tls:index/privateKey:PrivateKey": (ctx) => ({
        state: { privateKeyPem: mockPem("RSA PRIVATE KEY", ctx), publicKeyPem: mockPem("PUBLIC KEY", ctx) },
    }),
    "tls:index/selfSignedCert:SelfSignedCert": (ctx) => ({ state: { certPem: mockPem("CERTIFICATE", ctx) } }),
    "tls:index/certRequest:CertRequest": (ctx) => ({ state: { certRequestPem: mockPem("CERTIFICATE REQUEST", ctx) } }),
    "tls:index/locallySignedCert:LocallySignedCert": (ctx) => ({ state: { certPem: mockPem("CERTIFICATE", ctx) } }),
    "kubernetes:helm.sh/v4:Chart": () => ({ state: { resources: [] } }),
    "kubernetes:yaml/v2:ConfigGroup": () => ({ state: { resources: [] } }),
};

function s3Bucket(ctx: MockContext) {
    const bucket = physicalName(ctx, "bucket");
    return {
        id: bucket,
        state: {
            bucket,
            arn: `arn:${ctx.partition}:s3:::${bucket}`,
            bucketRegionalDomainName: `${bucket}.s3.${ctx.region}.amazonaws.com`,
        },
    };
}

/** Kubernetes objects: id is namespace/name, as the provider reports it. */
function kubernetesObject(ctx: MockContext): { id: string; state: Inputs } {
    const metadata = (ctx.inputs.metadata ?? {}) as Inputs;
    const name = typeof metadata.name === "string" ? metadata.name : `${ctx.name}-${ctx.hex(8)}`;
    const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
    return {
        id: namespace ? `${namespace}/${name}` : name,
        state: { metadata: { ...metadata, name, uid: uuidOf(ctx) } },
    };
}

export class PlatformMocks implements pulumi.runtime.Mocks {
    constructor(private readonly account: MockAccount) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Inputs } {
        const inputs = args.inputs as Inputs;
        const ctx = this.context(args.type, args.name, inputs);
        if (args.type.startsWith("pulumi:providers:")) {
            return { id: uuidOf(ctx), state: inputs };
        }
        const builder =
            BUILDERS[args.type] ??
            (args.type.startsWith("aws:ec2/") ? ec2 : undefined) ??
            (args.type.startsWith("kubernetes:") && args.custom ? kubernetesObject : undefined);
        const built = builder ? builder(ctx) : prefixedId(args.name, 8)(ctx);
        // Components have no id; custom resources echo their inputs as outputs, as providers do.
        const id = args.custom ? (built.id ?? `${args.name}-${ctx.hex(8)}`) : undefined;
        return { id, state: { ...inputs, ...built.state } };
    }

    call(args: pulumi.runtime.MockCallArgs): Inputs {
        const { accountId, region, partition } = this.account;
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    accountId,
                    arn: `arn:${partition}:iam::${accountId}:role/ci-deployer`,
                    userId: "AROAMOCKDEPLOYER",
                    id: accountId,
                };
            case "aws:index/getPartition:getPartition":
                return { partition, dnsSuffix: dnsSuffixOf(region), id: partition };
            case "aws:index/getRegion:getRegion":
                return {
                    name: region,
                    region,
                    id: region,
                    endpoint: `ec2.${region}.amazonaws.com`,
                    description: region,
                };
            case "aws:ecr/getAuthorizationToken:getAuthorizationToken": {
                const registryId: unknown = (args.inputs as Record<string, unknown>).registryId;
                const registry = typeof registryId === "string" ? registryId : accountId;
                const proxyEndpoint = `https://${registry}.dkr.ecr.${region}.amazonaws.com`;
                return {
                    userName: "AWS",
                    password: "mock-ecr-password",
                    authorizationToken: "QVdTOm1vY2s=",
                    proxyEndpoint,
                    id: region,
                };
            }
            default:
                throw new Error(`no mock for invoke ${args.token}; add one to tools/plan/mocks.ts`);
        }
    }

    private context(type: string, name: string, inputs: Inputs): MockContext {
        const { accountId, region, partition } = this.account;
        const seed = `${accountId}/${region}/${type}::${name}`;
        return {
            accountId,
            region,
            partition,
            type,
            name,
            inputs,
            hex: (length) => stableHex(seed, length),
            arn: (service, resource, opts) =>
                `arn:${partition}:${service}:${opts?.global ? "" : region}:${accountId}:${resource}`,
        };
    }
}

import { planFixture } from "../../support/fixture-stacks";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import {
    ADDON_NAMES,
    DEFAULT_STORAGE_CLASS_NAME,
    EBS_CSI_SERVICE_ACCOUNT,
    EKS_ADDON_VERSIONS,
    VPC_CNI_CONFIGURATION,
    addonVersionsFor,
    vpcCniEnforcesNetworkPolicies,
    EksCluster,
    EksClusterArgs,
    adminAccessEntries,
    endpointAccess,
    nvmeRaid0UserData,
} from "../../../components/cluster";
import { InvalidConfigError } from "../../../stack-config";
import type { CapturedResource } from "../../../tools/plan/capture";
import { planProgram } from "../../../tools/plan/plan";
import type { PlanResult } from "../../../tools/plan/plan";

import { SECRET_SIG, SPECIAL_SIG_KEY } from "../../../tools/stack-export";
import { STACKS, planOf, subnetZones } from "../../support/plan-fixtures";
import { jsonInput, ofType, one } from "../../support/plan-queries";
import { nonEmpty } from "../../support/non-empty";

const CLUSTER = "eks:index:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const name = (plan: PlanResult, urn: string) => plan.resources.find((r) => r.urn === urn)?.name;
const dependsOn = (plan: PlanResult, r: CapturedResource) => r.dependencies.map((urn) => name(plan, urn));

describe("EKS cluster component", () => {
    const plans: Record<string, PlanResult> = {};
    before(async () => {
        for (const stack of STACKS) plans[stack] = await planOf(stack, "karpenter");
    });
    const cluster = (stack: string) => one(plans[stack], CLUSTER).inputs;

    it("pins the configured Kubernetes version and names the cluster spark-<stack>", () => {
        for (const stack of STACKS) {
            assert.equal(cluster(stack).version, "1.34");
            assert.equal(cluster(stack).name, `spark-${stack}`);
            assert.equal(plans[stack].outputs.clusterName, `spark-${stack}`);
        }
    });

    it("authenticates through access entries only (API mode, no aws-auth ConfigMap)", () => {
        assert.equal(cluster("prod").authenticationMode, "API");
        assert.equal(cluster("prod").roleMappings, undefined);
        assert.equal(cluster("prod").userMappings, undefined);
    });

    it("grants every configured admin principal cluster-admin on the whole cluster", () => {
        const entries = Object.entries(cluster("prod").accessEntries as Record<string, Record<string, unknown>>)
            .filter(([key]) => key.startsWith("admin-"))
            .map(([, entry]) => entry);
        assert.deepEqual(entries.map((e) => e.principalArn).sort(), [
            "arn:aws:iam::222222222222:role/platform-admin",
            "arn:aws:iam::222222222222:role/platform-break-glass",
        ]);
        for (const e of entries) {
            assert.deepEqual(e.accessPolicies, {
                "cluster-admin": {
                    policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                    accessScope: { type: "cluster" },
                },
            });
        }
    });

    it("grants every viewer principal the EKS view policy on the whole cluster, and nothing more", () => {
        const entries = Object.entries(cluster("prod").accessEntries as Record<string, Record<string, unknown>>)
            .filter(([key]) => key.startsWith("viewer-"))
            .map(([, entry]) => entry);
        assert.deepEqual(
            entries.map((e) => e.principalArn),
            ["arn:aws:iam::222222222222:role/platform-preview"],
        );
        assert.deepEqual(entries[0].accessPolicies, {
            "cluster-view": {
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy",
                accessScope: { type: "cluster" },
            },
        });
    });

    it("keys access entries by principal, so adding an admin never replaces another", () => {
        const single = adminAccessEntries(["arn:aws:iam::1:role/a"], "aws");
        const two = adminAccessEntries(["arn:aws:iam::1:role/b", "arn:aws:iam::1:role/a"], "aws-cn");
        assert.deepEqual(Object.keys(single), ["admin-role-a"]);
        assert.deepEqual(Object.keys(two).sort(), ["admin-role-a", "admin-role-b"]);
        assert.match(JSON.stringify(two), /arn:aws-cn:eks::aws:cluster-access-policy/);
    });

    it("creates the IAM OIDC provider IRSA needs", () => {
        assert.equal(cluster("dev").createOidcProvider, true);
        assert.match(
            String(plans.dev.outputs.oidcProviderArn),
            /^arn:aws:iam::111111111111:oidc-provider\/oidc\.eks\.us-west-2\.amazonaws\.com\/id\//,
        );
    });

    it("envelope-encrypts secrets with a KMS key of its own that rotates", () => {
        const key = one(plans.prod, "aws:kms/key:Key", "cluster-secrets");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(cluster("prod").encryptionConfigKeyArn, key.outputs.arn);
    });

    it("sends every control-plane log type to a log group with a retention, created before the cluster", () => {
        assert.deepEqual(cluster("prod").enabledClusterLogTypes, [
            "api",
            "audit",
            "authenticator",
            "controllerManager",
            "scheduler",
        ]);
        const logGroup = ofType(plans.prod, "aws:cloudwatch/logGroup:LogGroup").find(
            (g) => g.inputs.name === "/aws/eks/spark-prod/cluster",
        );
        assert.ok(logGroup, "control-plane log group");
        assert.equal(logGroup.inputs.retentionInDays, 90);
        assert.ok(one(plans.prod, CLUSTER).dependencies.includes(logGroup.urn));
    });

    it("keeps the prod API endpoint private", () => {
        assert.equal(cluster("prod").endpointPrivateAccess, true);
        assert.equal(cluster("prod").endpointPublicAccess, false);
        assert.equal(cluster("prod").publicAccessCidrs, undefined);
    });

    it("opens dev's public endpoint to the allow-list only", () => {
        assert.equal(cluster("dev").endpointPublicAccess, true);
        assert.deepEqual(cluster("dev").publicAccessCidrs, ["203.0.113.0/24"]);
        assert.deepEqual(endpointAccess("public-and-private", ["10.0.0.0/8"]).publicAccessCidrs, ["10.0.0.0/8"]);
    });

    it("takes the service CIDR from config", () => {
        assert.equal(cluster("prod").kubernetesServiceIpAddressRange, "172.20.0.0/16");
    });

    it("creates no default node group and no self-managed add-ons", () => {
        const c = cluster("prod");
        assert.equal(c.skipDefaultNodeGroup, true);
        assert.equal(c.bootstrapSelfManagedAddons, false);
        assert.equal((c.corednsAddonOptions as { enabled: boolean }).enabled, false);
        assert.equal((c.kubeProxyAddonOptions as { enabled: boolean }).enabled, false);
    });

    it("exports the kubeconfig as a secret", () => {
        const stack = one(plans.dev, "pulumi:pulumi:Stack");
        const kubeconfig = stack.outputs.kubeconfig as Record<string, unknown>;
        assert.equal(kubeconfig[SPECIAL_SIG_KEY], SECRET_SIG);
    });

    it("refuses a Kubernetes version without pinned add-ons with one config line, before anything is registered", async () => {
        const registrations: CapturedResource[] = [];
        await assert.rejects(
            planFixture({ stack: "dev", configOverrides: { kubernetesVersion: "1.35" }, registrations }),
            (e: unknown) => {
                assert.ok(e instanceof InvalidConfigError);
                assert.deepEqual(e.problems, [
                    'spark-platform:kubernetesVersion: "1.35" is not allowed; use one of: 1.34',
                ]);
                return true;
            },
        );
        assert.deepEqual(
            registrations.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.urn),
            [],
        );
    });
});

describe("EKS cluster component, built directly", () => {
    const args = (kubernetesVersion: string): EksClusterArgs => ({
        clusterName: "spark-unit",
        kubernetesVersion,
        partition: "aws",
        region: "us-west-2",
        accountId: "123456789012",
        vpcId: "vpc-1",
        privateSubnetIds: ["subnet-a", "subnet-b"],
        serviceCidr: "172.20.0.0/16",
        apiEndpointAccess: "private",
        apiPublicAccessCidrs: [],
        apiPrivateAccessCidrs: ["10.40.0.0/24"],
        apiPrivateAccessSecurityGroupIds: [],
        adminPrincipalArns: [],
        viewerPrincipalArns: [],
        deployerArn: "arn:aws:sts::123456789012:assumed-role/ci-deployer/run-1",
        logKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/00000000-0000-0000-0000-000000000000",
        systemNodes: { instanceTypes: ["m7i.xlarge"], architecture: "amd64", minSize: 2, maxSize: 3 },
        instanceTags: { team: "platform" },
    });

    it("must fail on itself with a ResourceError, not a stack-config error, for a version without pinned add-ons", async () => {
        let thrown: unknown;
        const plan = await planProgram(() => {
            try {
                new EksCluster("cluster", args("1.35"));
            } catch (e) {
                thrown = e;
            }
        });
        assert.ok(thrown instanceof pulumi.ResourceError, `expected a ResourceError, got ${String(thrown)}`);
        assert.ok(!(thrown instanceof InvalidConfigError));
        assert.match(thrown.message, /Kubernetes "1\.35" has no pinned EKS add-on versions \(pinned: 1\.34\)/);
        assert.deepEqual(
            plan.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.urn),
            [],
        );
    });

    it("hands on one cluster context with what it was given and what it created", async () => {
        const plan = await planProgram(() => {
            const c = new EksCluster("cluster", args("1.34"));
            const ctx = c.context;
            assert.equal(ctx.provider, c.provider);
            assert.deepEqual(
                {
                    v: ctx.kubernetesVersion,
                    p: ctx.partition,
                    r: ctx.region,
                    a: ctx.accountId,
                    s: ctx.systemNodeSelector,
                    t: ctx.instanceTags,
                },
                {
                    v: "1.34",
                    p: "aws",
                    r: "us-west-2",
                    a: "123456789012",
                    s: { "spark-platform/pool": "system" },
                    t: { team: "platform" },
                },
            );
            return { name: ctx.name, oidcProviderArn: ctx.oidcProviderArn, oidcIssuer: ctx.oidcIssuer };
        });
        assert.equal(plan.outputs.name, "spark-unit");
        assert.match(
            String(plan.outputs.oidcProviderArn),
            /^arn:aws:iam::\d{12}:oidc-provider\/oidc\.eks\.us-west-2\.amazonaws\.com\/id\//,
        );
        assert.match(String(plan.outputs.oidcIssuer), /^oidc\.eks\.us-west-2\.amazonaws\.com\/id\//);
    });
});

describe("system node group", () => {
    const plans: Record<string, PlanResult> = {};
    before(async () => {
        for (const stack of STACKS) plans[stack] = await planOf(stack, "cluster-autoscaler");
    });
    const system = (stack: string) => one(plans[stack], NODE_GROUP, "cluster-system");

    it("is named <cluster>-system, the name the policy pack exempts from the single-zone rule", () => {
        for (const stack of STACKS) assert.equal(system(stack).inputs.nodeGroupName, `spark-${stack}-system`);
    });

    it("spans the private subnet of every zone", () => {
        for (const stack of STACKS) {
            const zones = subnetZones(plans[stack]);
            const privateSubnets = Object.values(plans[stack].outputs.privateSubnetIdsByZone as Record<string, string>);
            assert.deepEqual([...(system(stack).inputs.subnetIds as string[])].sort(), [...privateSubnets].sort());
            const spanned = new Set((system(stack).inputs.subnetIds as string[]).map((s) => zones.get(s)));
            assert.equal(spanned.size, stack === "prod" ? 3 : 2);
        }
    });

    it("takes size and instance types from config, on-demand AL2023", () => {
        const ng = system("prod").inputs;
        assert.deepEqual(ng.scalingConfig, { minSize: 3, maxSize: 6, desiredSize: 3 });
        assert.deepEqual(ng.instanceTypes, ["m7i.xlarge", "m6i.xlarge"]);
        assert.equal(ng.capacityType, "ON_DEMAND");
        assert.equal(ng.amiType, "AL2023_x86_64_STANDARD");
        assert.deepEqual(ng.labels, { "spark-platform/pool": "system" });
        assert.equal(ng.taints, undefined);
    });

    it("ignores desiredSize so autoscaling never shows as drift", () => {
        assert.deepEqual(system("prod").ignoreChanges, ["scalingConfig.desiredSize"]);
    });

    it("launches nodes with IMDSv2 required, hop limit 1 and an encrypted gp3 root volume", () => {
        const template = one(plans.prod, "aws:ec2/launchTemplate:LaunchTemplate", "cluster-system");
        assert.deepEqual((system("prod").inputs.launchTemplate as { id: string }).id, template.id);
        assert.deepEqual(template.inputs.metadataOptions, {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
            instanceMetadataTags: "disabled",
        });
        assert.deepEqual(template.inputs.blockDeviceMappings, [
            {
                deviceName: "/dev/xvda",
                ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            },
        ]);
        assert.equal(template.inputs.iamInstanceProfile, undefined);
        assert.equal(template.inputs.vpcSecurityGroupIds, undefined);
    });

    it("tags instances it launches with the stack's tags", () => {
        const template = one(plans.prod, "aws:ec2/launchTemplate:LaunchTemplate", "cluster-system");
        const specs = template.inputs.tagSpecifications as { resourceType: string; tags: Record<string, string> }[];
        assert.deepEqual(
            specs.map((s) => s.resourceType),
            ["instance", "volume"],
        );
        assert.equal(specs[0].tags["spark-platform:stack"], "prod");
        assert.equal(specs[0].tags.environment, "prod");
    });

    it("runs as a node role with exactly the three node policies, attached before the group is created", () => {
        const role = ofType(plans.prod, "aws:iam/role:Role").find((r) => r.name === "cluster-system-node-role")!;
        assert.deepEqual(jsonInput<{ Statement: unknown[] }>(role, "assumeRolePolicy").Statement, [
            { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
        const attachments = ofType(plans.prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) =>
            a.name.startsWith("cluster-system-node-"),
        );
        assert.equal(attachments.length, 3);
        for (const a of attachments)
            assert.ok(system("prod").dependencies.includes(a.urn), `${a.name} before the node group`);
    });
});

describe("managed add-ons, storage and the Kubernetes provider", () => {
    let plan: PlanResult;
    before(async () => {
        plan = await planOf("prod", "karpenter");
    });
    const addon = (addonName: string) =>
        ofType(plan, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === addonName)!;

    it("installs vpc-cni, kube-proxy, coredns and aws-ebs-csi-driver at the versions pinned for 1.34", () => {
        const pinned = addonVersionsFor("1.34")!;
        assert.deepEqual(
            ofType(plan, "aws:eks/addon:Addon")
                .map((a) => a.inputs.addonName)
                .sort(),
            [...ADDON_NAMES].sort(),
        );
        for (const n of ADDON_NAMES) {
            assert.equal(addon(n).inputs.addonVersion, pinned[n]);
            assert.match(pinned[n], /^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
            assert.equal(addon(n).inputs.clusterName, "spark-prod");
        }
        assert.match(pinned["kube-proxy"], /^v1\.34\./, "kube-proxy follows the cluster minor");
    });

    it("turns on the VPC CNI's network policy agent, at a release that has one (1.14 or later)", () => {
        assert.deepEqual(JSON.parse(String(addon("vpc-cni").inputs.configurationValues)), {
            enableNetworkPolicy: "true",
        });
        for (const versions of Object.values(EKS_ADDON_VERSIONS)) {
            assert.ok(vpcCniEnforcesNetworkPolicies(versions["vpc-cni"], VPC_CNI_CONFIGURATION), versions["vpc-cni"]);
        }
        assert.equal(vpcCniEnforcesNetworkPolicies("v1.13.4-eksbuild.1", VPC_CNI_CONFIGURATION), false);
        assert.equal(vpcCniEnforcesNetworkPolicies("v1.20.4-eksbuild.1", {}), false);
    });

    it("creates every NetworkPolicy only after the CNI that enforces it", () => {
        const policies = ofType(plan, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        assert.ok(policies.length > 0);
        for (const p of policies) assert.ok(p.dependencies.includes(addon("vpc-cni").urn), p.name);
    });

    it("installs networking before the system nodes and CoreDNS and the EBS CSI driver after them", () => {
        const system = one(plan, NODE_GROUP, "cluster-system");
        for (const n of ["vpc-cni", "kube-proxy"])
            assert.ok(system.dependencies.includes(addon(n).urn), `${n} before nodes`);
        for (const n of ["coredns", "aws-ebs-csi-driver"])
            assert.ok(addon(n).dependencies.includes(system.urn), `${n} after nodes`);
    });

    it("gives the EBS CSI driver its own IRSA role for ebs-csi-controller-sa with the AWS EBS CSI policy", () => {
        const role = ofType(plan, "aws:iam/role:Role").find((r) => r.name === "cluster-ebs-csi-role")!;
        assert.equal(addon("aws-ebs-csi-driver").inputs.serviceAccountRoleArn, role.outputs.arn);
        assert.match(
            String(role.inputs.assumeRolePolicy),
            new RegExp(`system:serviceaccount:${EBS_CSI_SERVICE_ACCOUNT.namespace}:${EBS_CSI_SERVICE_ACCOUNT.name}"`),
        );
        const attachment = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) =>
            a.name.startsWith("cluster-ebs-csi-"),
        );
        assert.deepEqual(
            attachment.map((a) => a.inputs.policyArn),
            ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
        );
    });

    it("makes encrypted gp3, bound when the pod is scheduled, the default StorageClass", () => {
        const sc = one(plan, "kubernetes:storage.k8s.io/v1:StorageClass").inputs;
        assert.equal((sc.metadata as { name: string }).name, DEFAULT_STORAGE_CLASS_NAME);
        assert.deepEqual((sc.metadata as { annotations: unknown }).annotations, {
            "storageclass.kubernetes.io/is-default-class": "true",
        });
        assert.equal(sc.provisioner, "ebs.csi.aws.com");
        assert.deepEqual(
            {
                type: (sc.parameters as Record<string, string>).type,
                encrypted: (sc.parameters as Record<string, string>).encrypted,
            },
            { type: "gp3", encrypted: "true" },
        );
        assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
    });

    it("hands out a Kubernetes provider only once the system nodes and every add-on exist", () => {
        const provider = one(plan, "pulumi:providers:kubernetes");
        const deps = dependsOn(plan, provider);
        for (const n of [
            "cluster-system",
            "cluster-vpc-cni",
            "cluster-kube-proxy",
            "cluster-coredns",
            "cluster-aws-ebs-csi-driver",
        ]) {
            assert.ok(deps.includes(n), `provider waits for ${n}`);
        }
        for (const r of nonEmpty(
            plan.resources.filter((x) => x.type.startsWith("kubernetes:")),
            "Kubernetes resource",
        )) {
            assert.ok(r.provider?.startsWith(`${provider.urn}::`), `${r.name} uses the cluster's provider`);
        }
    });

    it("writes AL2023 user data that stripes local NVMe into RAID0", () => {
        const text = Buffer.from(nvmeRaid0UserData(), "base64").toString("utf8");
        assert.match(text, /^MIME-Version: 1\.0\nContent-Type: multipart\/mixed; boundary="([^"]+)"/);
        assert.match(
            text,
            /Content-Type: application\/node\.eks\.aws\n\n---\napiVersion: node\.eks\.aws\/v1alpha1\nkind: NodeConfig\n/,
        );
        assert.match(text, /localStorage:\n {6}strategy: RAID0\n/);
    });
});

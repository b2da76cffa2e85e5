/**
 * What preflight checks, derived from a stack's settings alone (no AWS call): the account guard, zones, add-on
 * pins, the Karpenter AMI alias, Spot, admin principals, charts and the vCPU the Spark pools may launch.
 */
import type { ChartPin } from "../../components/charts";
import { addonVersionsFor } from "../../components/cluster";
import { type Architecture, EC2_ARCHITECTURE, dnsSuffixOf, logDomainName } from "../../components/vocabulary";
import { type Settings } from "../../stack-config";
import { type CapacityPlan, capacityPlan } from "./capacity";
import { type PermissionRequest, permissionRequests } from "./permissions";
import { type PinnedImage, pinnedImages } from "./image-check";
import { type NeededServiceLinkedRole, neededServiceLinkedRoles } from "./service-linked-roles";
import type { OpenSearchPlan } from "./services";
import type { GluePlan } from "./glue";

/** A chart as it is pulled: the registry or repository URL, the chart name and the exact version. */
export interface ChartSource {
    readonly name: string;
    /** `oci://host/path/chart` or an HTTPS chart repository URL. */
    readonly reference: string;
    /** Chart name inside an HTTPS repository (absent for OCI references, whose last path segment is the name). */
    readonly chartInRepository?: string;
    readonly version: string;
    /** A private ECR registry: preflight authenticates with an ECR token before asking it. */
    readonly ecrRegistryId?: string;
}

export interface PreflightPlan {
    readonly project: string;
    readonly stack: string;
    readonly region: string;
    readonly allowedAccountIds: readonly string[];
    readonly availabilityZones: readonly string[];
    readonly kubernetesVersion: string;
    /** Pinned add-on versions by add-on name; empty when the version has none pinned (settings refuse that). */
    readonly addonVersions: Readonly<Record<string, string>>;
    /**
     * SSM parameters of the pinned AL2023 AMI release for each architecture Karpenter launches Spark nodes of
     * (`al2023@<version>` resolves through them); empty when Cluster Autoscaler provides the pools.
     */
    readonly karpenterAmiParameters: readonly AmiParameter[];
    /** SSM parameters of the AL2023 AMI EKS gives each managed node group (system, and CAS Spark groups). */
    readonly nodeGroupAmiParameters: readonly AmiParameter[];
    /** Spot pools are configured (executors always run on Spot). */
    readonly usesSpot: boolean;
    /** The stack creates AWSServiceRoleForEC2Spot itself. */
    readonly createsSpotServiceLinkedRole: boolean;
    readonly adminPrincipalArns: readonly string[];
    /** Read-only principals; like admins, the deployer must not be one (its creator entry exists already). */
    readonly viewerPrincipalArns: readonly string[];
    readonly charts: readonly ChartSource[];
    /** What the first `pulumi up` asks AWS to do, for the deployer-permissions check. */
    readonly permissions: readonly PermissionRequest[];
    /** Every node pool with its zones, instance types and vCPU limit, and the tags of the stack's own instances. */
    readonly capacity: CapacityPlan;
    /** The EMR on EKS ECR registry of the region: account and host. */
    readonly emrRegistry: { readonly accountId: string; readonly host: string };
    /** Every pinned image the stack's pods pull. */
    readonly images: readonly PinnedImage[];
    /** Account-wide service-linked roles the stack needs before its first resources, and which it creates. */
    readonly serviceLinkedRoles: readonly NeededServiceLinkedRole[];
    /** The log domain: name, engine version, data and master instance types. */
    readonly opensearch: OpenSearchPlan;
    /** The Glue databases the stack creates. */
    readonly glue: GluePlan;
}

/** An AMI the stack's nodes boot, by the SSM parameter that names it, and which nodes do. */
export interface AmiParameter {
    readonly parameter: string;
    readonly architecture: Architecture;
    readonly usedBy: string;
}

/**
 * The SSM parameter Karpenter resolves `al2023@<version>` through for one architecture (standard variant;
 * karpenter-provider-aws pkg/providers/amifamily/al2023.go asks x86_64 and arm64 alike).
 */
export function al2023AmiParameter(
    kubernetesVersion: string,
    amiVersion: string,
    architecture: Architecture = "amd64",
): string {
    const arch = EC2_ARCHITECTURE[architecture];
    const name = `amazon-eks-node-al2023-${arch}-standard-${kubernetesVersion}-${amiVersion}`;
    return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${arch}/standard/${name}/image_id`;
}

/** The SSM parameter of the AL2023 AMI EKS recommends for an architecture (what a managed node group boots). */
export function al2023RecommendedAmiParameter(kubernetesVersion: string, architecture: Architecture): string {
    return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${EC2_ARCHITECTURE[architecture]}/standard/recommended/image_id`;
}

/** The AMIs the stack's nodes boot, per architecture: Karpenter's pinned alias, and the node groups' AMI types. */
export function amiParameters(
    settings: Settings,
): Pick<PreflightPlan, "karpenterAmiParameters" | "nodeGroupAmiParameters"> {
    const k8s = settings.cluster.kubernetesVersion;
    const { architectures, systemArchitecture } = settings.capacity;
    const spark = [...new Set([...architectures.driver, ...architectures.executor])];
    const karpenter = settings.cluster.autoscaler === "karpenter";
    const groups: AmiParameter[] = [
        {
            parameter: al2023RecommendedAmiParameter(k8s, systemArchitecture),
            architecture: systemArchitecture,
            usedBy: "the system node group",
        },
        ...(karpenter
            ? []
            : spark.map((architecture) => ({
                  parameter: al2023RecommendedAmiParameter(k8s, architecture),
                  architecture,
                  usedBy: `the ${architecture} Spark node groups`,
              }))),
    ];
    return {
        karpenterAmiParameters: karpenter
            ? spark.map((architecture) => ({
                  parameter: al2023AmiParameter(k8s, settings.capacity.karpenterAmiVersion, architecture),
                  architecture,
                  usedBy: `Karpenter's ${architecture} Spark nodes`,
              }))
            : [],
        nodeGroupAmiParameters: groups.filter((g, i) => groups.findIndex((h) => h.parameter === g.parameter) === i),
    };
}

export function chartSourceOf(pin: ChartPin): ChartSource {
    return pin.repository === undefined
        ? { name: pin.name, reference: pin.chart, version: pin.version }
        : { name: pin.name, reference: pin.repository, chartInRepository: pin.chart, version: pin.version };
}

export function preflightPlan(
    settings: Settings,
    charts: readonly ChartSource[],
    createsSpotServiceLinkedRole: boolean,
): PreflightPlan {
    const zones = settings.spark.zones.length;
    const region = settings.aws.region;
    return {
        project: settings.project,
        stack: settings.stack,
        region,
        allowedAccountIds: settings.aws.allowedAccountIds,
        availabilityZones: settings.network.availabilityZones,
        kubernetesVersion: settings.cluster.kubernetesVersion,
        addonVersions: addonVersionsFor(settings.cluster.kubernetesVersion) ?? {},
        ...amiParameters(settings),
        usesSpot: zones > 0,
        createsSpotServiceLinkedRole,
        adminPrincipalArns: settings.cluster.adminPrincipalArns,
        viewerPrincipalArns: settings.cluster.viewerPrincipalArns,
        charts,
        capacity: capacityPlan(settings),
        permissions: permissionRequests(settings),
        emrRegistry: {
            accountId: settings.aws.emrEcrAccountId,
            host: `${settings.aws.emrEcrAccountId}.dkr.ecr.${region}.${dnsSuffixOf(region)}`,
        },
        images: pinnedImages(settings),
        serviceLinkedRoles: neededServiceLinkedRoles(settings),
        opensearch: {
            domainName: logDomainName(settings.namePrefix),
            engineVersion: settings.opensearch.engineVersion,
            dataInstanceType: settings.opensearch.instanceType,
            masterInstanceType: settings.opensearch.dedicatedMasters?.instanceType,
        },
        glue: {
            namePrefix: settings.namePrefix,
            ownedDatabases: settings.teams.flatMap((t) =>
                (t.glueOwnedDatabases ?? []).map((name) => ({ name, team: t.name })),
            ),
        },
    };
}

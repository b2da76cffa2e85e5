/**
 * Resolves where EKS node groups and Auto Scaling groups run, through the `aws:ec2/subnet:Subnet` resources of the
 * stack (stack policies see outputs). In a first preview the subnets do not exist yet, so a node group's
 * `subnetIds` are unknown; the engine still records which resources each property was computed from
 * (propertyDependencies), and a subnet's `availabilityZone` is an input, known at preview. So an unknown subnet
 * list is resolved through its property dependencies when they are all subnets; otherwise the SDK's
 * UnknownValueError is rethrown and the engine reports the policy as not runnable during preview.
 * @internal
 */
import { PolicyResource } from "@pulumi/policy";
import { containsIntrinsic, templateResources } from "../lib/cfn-template";
import { isUnknownValueError } from "../lib/sdk";
import { asList, dig, isRecord, show, urnName } from "../lib/values";

export const SUBNET_TYPE = "aws:ec2/subnet:Subnet";
export const NATIVE_SUBNET_TYPE = "aws-native:ec2:Subnet";
const SUBNET_TYPES: ReadonlySet<string> = new Set([SUBNET_TYPE, NATIVE_SUBNET_TYPE]);
export const AWS_EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const NATIVE_EKS_CLUSTER = "aws-native:eks:Cluster";
export const EKS_CLUSTER_COMPONENT = "eks:index:Cluster";
const CLUSTER_TYPES: ReadonlySet<string> = new Set([AWS_EKS_CLUSTER, NATIVE_EKS_CLUSTER, EKS_CLUSTER_COMPONENT]);

export interface SubnetRefs {
    readonly subnets: readonly PolicyResource[];
    /** References that are not subnets of this stack (their AZ cannot be proven). */
    readonly missing: readonly string[];
    /** Human description of where the list came from, e.g. `subnetIds`. */
    readonly via: string;
}

/** Lookup tables over the stack, built once per stack-policy run. */
export class StackGraph {
    private readonly subnetsById = new Map<string, PolicyResource>();
    private readonly childrenByParent = new Map<string, PolicyResource[]>();
    private readonly clustersByRef = new Map<string, PolicyResource>();

    constructor(readonly resources: readonly PolicyResource[]) {
        for (const r of resources) {
            if (r.parent) {
                const siblings = this.childrenByParent.get(r.parent.urn);
                if (siblings) siblings.push(r);
                else this.childrenByParent.set(r.parent.urn, [r]);
            }
            if (SUBNET_TYPES.has(r.type))
                knownStrings(r, ["id", "subnetId"]).forEach((id) => this.subnetsById.set(id, r));
            if (CLUSTER_TYPES.has(r.type)) {
                this.clustersByRef.set(r.urn, r);
                knownStrings(r, ["id", "name", "arn"]).forEach((ref) => this.clustersByRef.set(ref, r));
            }
        }
    }

    subnet(id: string): PolicyResource | undefined {
        return this.subnetsById.get(id);
    }

    children(urn: string): readonly PolicyResource[] {
        return this.childrenByParent.get(urn) ?? [];
    }

    cluster(ref: string): PolicyResource | undefined {
        return this.clustersByRef.get(ref);
    }
}

/** Index keys are best-effort: a value unknown in preview simply is not indexed. */
function knownStrings(r: PolicyResource, keys: readonly string[]): string[] {
    return keys.flatMap((key) => {
        try {
            const value: unknown = r.props[key];
            return typeof value === "string" && value !== "" ? [value] : [];
        } catch (e) {
            if (isUnknownValueError(e)) return [];
            throw e;
        }
    });
}

/**
 * Subnets listed at `path` of `owner` (undefined when not set). Known ids are judged as they are; the property
 * dependencies stand in only for a list that is unknown (first preview), and only when they are all subnets.
 */
export function subnetsAt(owner: PolicyResource, path: readonly string[], graph: StackGraph): SubnetRefs | undefined {
    const via = path.join(".");
    let refs: unknown[];
    try {
        const value = dig(owner.props, path);
        if (value === undefined || value === null) return undefined;
        refs = asList(value).map((v: unknown) => v);
    } catch (e) {
        const deps = owner.propertyDependencies[path[0]] ?? [];
        if (isUnknownValueError(e) && deps.length > 0 && deps.every((d) => SUBNET_TYPES.has(d.type))) {
            return { subnets: deps, missing: [], via: `${via} (from its property dependencies)` };
        }
        throw e;
    }
    return resolveRefs(refs, graph, via);
}

/** Resolves subnet references (an id, or a comma-separated string as CloudFormation's VPCZoneIdentifier allows). */
export function resolveRefs(refs: readonly unknown[], graph: StackGraph, via: string): SubnetRefs {
    const subnets = new Set<PolicyResource>();
    const missing = new Set<string>();
    for (const ref of refs.flatMap((r) => (typeof r === "string" ? r.split(",").map((p) => p.trim()) : [r]))) {
        const subnet = typeof ref === "string" ? graph.subnet(ref) : undefined;
        if (subnet) subnets.add(subnet);
        else missing.add(typeof ref === "string" ? ref : show(ref));
    }
    return { subnets: [...subnets], missing: [...missing], via };
}

/** Distinct zones of the subnets: AZ names when every subnet has one, else AZ ids, else whatever each has. */
export function zonesOf(subnets: readonly PolicyResource[]): string[] {
    const names = subnets.map((s): unknown => s.props.availabilityZone);
    const ids = subnets.map((s): unknown => s.props.availabilityZoneId);
    const usable = (values: unknown[]) => values.every((v) => typeof v === "string" && v !== "");
    const labels = usable(names)
        ? names
        : usable(ids)
          ? ids
          : subnets.map((s, i) => names[i] ?? ids[i] ?? `${urnName(s.urn)} (availability zone chosen by AWS)`);
    return [...new Set(labels.map(String))].sort();
}

/** The cluster a node group names through `key` (a property dependency, or a URN, id, name or ARN). */
export function clusterOf(pool: PolicyResource, key: string, graph: StackGraph): PolicyResource | undefined {
    const dep = (pool.propertyDependencies[key] ?? []).find((d) => CLUSTER_TYPES.has(d.type));
    if (dep) return dep;
    const value: unknown = pool.props[key];
    if (typeof value === "string") return graph.cluster(value);
    // A pulumi-eks node group may be given the cluster's CoreData object instead of the cluster.
    if (isRecord(value) && pool.type.startsWith("eks:index:")) {
        return {
            ...pool,
            type: EKS_CLUSTER_COMPONENT,
            name: `${pool.name}.${key}`,
            props: value,
            propertyDependencies: {},
        };
    }
    return undefined;
}

/**
 * Which pulumi-eks node group inherits subnets: `managed` (ManagedNodeGroup), `self-managed` (NodeGroup,
 * NodeGroupV2). Plain node groups (aws, aws-native) inherit like `managed` from their cluster's VPC config.
 */
export type Inheritor = "managed" | "self-managed";

/**
 * Subnets a node group of `cluster` that sets none of its own runs in, as pulumi-eks 4.3.0 decides it
 * (nodejs/eks/nodes/nodegroup.ts, cluster/cluster.ts):
 * - ManagedNodeGroup without subnetIds: `core.subnetIds`, which is the cluster's `subnetIds`, else its public and
 *   private subnets together (public first);
 * - NodeGroup / NodeGroupV2 without nodeSubnetIds: `core.privateSubnetIds`, else `core.publicSubnetIds`, else the
 *   private ones among `core.subnetIds` (found by route table at deploy time; judged here as the whole list);
 * - the cluster's own `nodeSubnetIds` feed only its default node group, never another group.
 * A plain aws.eks.Cluster only has vpcConfig.subnetIds, an aws-native one resourcesVpcConfig.subnetIds. `cluster` may
 * be the component (whose stack-policy props are its outputs, `core`, or its inputs when only those are recorded)
 * or the CoreData object a node group was given instead of a cluster.
 */
export function clusterSubnets(
    cluster: PolicyResource,
    graph: StackGraph,
    inheritor: Inheritor,
): SubnetRefs | undefined {
    if (cluster.type === AWS_EKS_CLUSTER) return subnetsAt(cluster, ["vpcConfig", "subnetIds"], graph);
    if (cluster.type === NATIVE_EKS_CLUSTER) return subnetsAt(cluster, ["resourcesVpcConfig", "subnetIds"], graph);
    const at = (key: string) => subnetsAt(cluster, ["core", key], graph) ?? subnetsAt(cluster, [key], graph);
    const refs =
        inheritor === "managed"
            ? (at("subnetIds") ?? union(at("publicSubnetIds"), at("privateSubnetIds")))
            : (at("privateSubnetIds") ?? at("publicSubnetIds") ?? at("subnetIds"));
    if (refs) return refs;
    const child = graph.children(cluster.urn).find((c) => c.type === AWS_EKS_CLUSTER);
    return child ? clusterSubnets(child, graph, inheritor) : undefined;
}

function union(a: SubnetRefs | undefined, b: SubnetRefs | undefined): SubnetRefs | undefined {
    if (!a || !b) return a ?? b;
    return {
        subnets: [...new Set([...a.subnets, ...b.subnets])],
        missing: [...new Set([...a.missing, ...b.missing])],
        via: `${a.via} + ${b.via}`,
    };
}

/** A pool declared in a CloudFormation template: an Auto Scaling group or an EKS managed node group. */
export interface TemplatePool {
    readonly logicalId: string;
    readonly label: string;
    readonly physicalName: unknown;
    /** Subnets, or `zones` for an Auto Scaling group placed by AvailabilityZones, or `unknown` when a function computes them. */
    readonly placement:
        | SubnetRefs
        | { readonly zones: string[]; readonly via: string }
        | { readonly unknown: string }
        | undefined;
}

const TEMPLATE_POOLS = [
    {
        type: "AWS::AutoScaling::AutoScalingGroup",
        label: "Auto Scaling group",
        nameKey: "AutoScalingGroupName",
        subnetKey: "VPCZoneIdentifier",
        zoneKey: "AvailabilityZones",
    },
    {
        type: "AWS::EKS::Nodegroup",
        label: "EKS node group",
        nameKey: "NodegroupName",
        subnetKey: "Subnets",
        zoneKey: undefined,
    },
] as const;

/**
 * The pools a CloudFormation template declares (a pulumi-eks v1 NodeGroup keeps its Auto Scaling group in one).
 * Undefined when the template cannot be read but may declare pools.
 */
export function templatePools(stack: PolicyResource, graph: StackGraph): TemplatePool[] | undefined {
    const body: unknown = stack.props.templateBody;
    if (body === undefined || body === null)
        return stack.props.templateUrl === undefined || stack.props.templateUrl === null ? [] : undefined;
    const pools: TemplatePool[] = [];
    for (const kind of TEMPLATE_POOLS) {
        const resources = templateResources(body, kind.type);
        if (resources === undefined) return typeof body === "string" && !body.includes(kind.type) ? [] : undefined;
        for (const [logicalId, properties] of resources) {
            const at = (key: string) => `the ${key} of '${logicalId}' in its CloudFormation template`;
            const read = (key: string | undefined): TemplatePool["placement"] => {
                const value = key === undefined ? undefined : properties[key];
                if (key === undefined || value === undefined || value === null) return undefined;
                if (containsIntrinsic(value)) return { unknown: `${at(key)} is computed by a CloudFormation function` };
                return key === kind.zoneKey
                    ? { zones: [...new Set(asList(value).map(String))].sort(), via: at(key) }
                    : resolveRefs(asList(value), graph, at(key));
            };
            pools.push({
                logicalId,
                label: kind.label,
                physicalName: properties[kind.nameKey],
                placement: read(kind.subnetKey) ?? read(kind.zoneKey),
            });
        }
    }
    return pools;
}

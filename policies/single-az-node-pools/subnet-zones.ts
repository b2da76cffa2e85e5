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
import { parseAllDocuments } from "yaml";
import { isUnknownValueError } from "../lib/sdk";
import { asList, dig, isRecord, show, urnName } from "../lib/values";

export const SUBNET_TYPE = "aws:ec2/subnet:Subnet";
export const AWS_EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_CLUSTER_COMPONENT = "eks:index:Cluster";
const CLUSTER_TYPES: ReadonlySet<string> = new Set([AWS_EKS_CLUSTER, EKS_CLUSTER_COMPONENT]);

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
            if (r.type === SUBNET_TYPE) knownStrings(r, ["id"]).forEach((id) => this.subnetsById.set(id, r));
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

/** Subnets listed at `path` of `owner` (undefined when not set), falling back to property dependencies. */
export function subnetsAt(owner: PolicyResource, path: readonly string[], graph: StackGraph): SubnetRefs | undefined {
    const via = path.join(".");
    const deps = owner.propertyDependencies[path[0]] ?? [];
    const depSubnets = deps.length > 0 && deps.every((d) => d.type === SUBNET_TYPE) ? deps : undefined;
    let refs: unknown[];
    try {
        const value = dig(owner.props, path);
        if (value === undefined || value === null) return undefined;
        refs = asList(value).map((v: unknown) => v);
    } catch (e) {
        if (isUnknownValueError(e) && depSubnets) return { subnets: depSubnets, missing: [], via: `${via} (from its property dependencies)` };
        throw e;
    }
    const resolved = resolveRefs(refs, graph, via);
    // Ids that match no subnet's `id` output, but the property was computed from exactly that many subnets.
    if (resolved.missing.length > 0 && depSubnets && depSubnets.length === refs.length) return { subnets: depSubnets, missing: [], via };
    return resolved;
}

function resolveRefs(refs: readonly unknown[], graph: StackGraph, via: string): SubnetRefs {
    const subnets: PolicyResource[] = [];
    const missing: string[] = [];
    for (const ref of refs) {
        const subnet = typeof ref === "string" ? graph.subnet(ref) : undefined;
        if (subnet) subnets.push(subnet);
        else missing.push(typeof ref === "string" ? ref : show(ref));
    }
    return { subnets, missing, via };
}

/** Distinct zones of the subnets: AZ names when every subnet has one, else AZ ids, else whatever each has. */
export function zonesOf(subnets: readonly PolicyResource[]): string[] {
    const names = subnets.map((s): unknown => s.props.availabilityZone);
    const ids = subnets.map((s): unknown => s.props.availabilityZoneId);
    const usable = (values: unknown[]) => values.every((v) => typeof v === "string" && v !== "");
    const labels = usable(names) ? names : usable(ids) ? ids
        : subnets.map((s, i) => names[i] ?? ids[i] ?? `${urnName(s.urn)} (availability zone chosen by AWS)`);
    return [...new Set(labels.map(String))].sort();
}

/** The cluster a node group names through `key` (a property dependency, or a URN, id, name or ARN). */
export function clusterOf(pool: PolicyResource, key: string, graph: StackGraph): PolicyResource | undefined {
    const dep = (pool.propertyDependencies[key] ?? []).find((d) => CLUSTER_TYPES.has(d.type));
    if (dep) return dep;
    const value: unknown = pool.props[key];
    return typeof value === "string" ? graph.cluster(value) : undefined;
}

/**
 * Subnets worker nodes of `cluster` default to. pulumi-eks (nodes/nodegroup.ts) picks nodeSubnetIds, then
 * privateSubnetIds, then publicSubnetIds, then subnetIds; a plain aws.eks.Cluster only has vpcConfig.subnetIds.
 */
export function clusterSubnets(cluster: PolicyResource, graph: StackGraph): SubnetRefs | undefined {
    const candidates: string[][] = cluster.type === AWS_EKS_CLUSTER
        ? [["vpcConfig", "subnetIds"]]
        : [["nodeSubnetIds"], ["privateSubnetIds"], ["publicSubnetIds"], ["subnetIds"],
            ["core", "privateSubnetIds"], ["core", "publicSubnetIds"], ["core", "subnetIds"]];
    for (const path of candidates) {
        const refs = subnetsAt(cluster, path, graph);
        if (refs) return refs;
    }
    const child = graph.children(cluster.urn).find((c) => c.type === AWS_EKS_CLUSTER);
    return child ? clusterSubnets(child, graph) : undefined;
}

/**
 * A pulumi-eks v1 NodeGroup keeps its Auto Scaling group inside a CloudFormation stack; the template's
 * VPCZoneIdentifier holds the subnets.
 */
export function cloudFormationSubnets(stack: PolicyResource, graph: StackGraph): SubnetRefs | undefined {
    const body: unknown = stack.props.templateBody;
    if (typeof body !== "string") return undefined;
    for (const doc of parseAllDocuments(body)) {
        let template: unknown;
        try {
            template = doc.errors.length === 0 ? doc.toJS() : undefined;
        } catch {
            continue;
        }
        const resources = dig(template, ["Resources"]);
        if (!isRecord(resources)) continue;
        for (const resource of Object.values(resources)) {
            const ids = dig(resource, ["Properties", "VPCZoneIdentifier"]);
            if (dig(resource, ["Type"]) !== "AWS::AutoScaling::AutoScalingGroup" || !Array.isArray(ids)) continue;
            return resolveRefs(ids, graph, "the VPCZoneIdentifier of its CloudFormation template");
        }
    }
    return undefined;
}

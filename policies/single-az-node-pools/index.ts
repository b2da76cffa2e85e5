/**
 * `single-az-node-pools`: every node pool sits in exactly one availability zone, so a Spark job's shuffle traffic
 * never crosses zones (cross-AZ transfer is billed and slower). Two validations under one policy name:
 * - Karpenter pools carry their zones in their own spec, so they are judged per resource, on their inputs: the
 *   engine runs that before it creates the resource, so a widened pool is never applied.
 * - Node groups and Auto Scaling groups are placed through the stack's subnets, whose ids are only linked to the
 *   groups through the resource graph: a stack validation (the engine runs it once the whole plan is known).
 *
 * Pools: Karpenter NodePool (karpenter.sh v1, v1beta1) and Provisioner (v1alpha5) with their Patch forms; EKS node
 * groups (aws:eks/nodeGroup:NodeGroup and the pulumi-eks ManagedNodeGroup, NodeGroup, NodeGroupV2 components) and
 * Auto Scaling groups. Pools meant to span zones (the system pool) are exempted by name in policy config only.
 */
import {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { CFN_STACK_TYPES } from "../lib/cfn-template";
import { exemptName } from "../lib/exemptions";
import { configList } from "../lib/policy-config";
import { parseK8sType } from "../lib/k8s";
import { zoneRequirementProblem } from "./karpenter-zones";
import { isUnknownValueError, NotEvaluableError } from "../lib/sdk";
import {
    clusterOf,
    clusterSubnets,
    Inheritor,
    StackGraph,
    SubnetRefs,
    subnetsAt,
    TemplatePool,
    templatePools,
    zonesOf,
} from "./subnet-zones";
import { asList, cosmetic, dig } from "../lib/values";

export const SINGLE_AZ_NODE_POOLS = "single-az-node-pools";

interface GroupKind {
    readonly label: string;
    /** Physical-name property, matched against exemptPools. */
    readonly nameProp?: string;
    readonly subnetKey: string;
    /** Plain AZ-name list used when no subnets are given (Auto Scaling groups). */
    readonly zoneListKey?: string;
    /** Property naming the cluster whose subnets a group without subnets inherits. */
    readonly clusterKey?: string;
    /** How pulumi-eks picks the inherited subnets (see clusterSubnets). */
    readonly inheritor?: Inheritor;
    /** Child types that carry the same placement; when present the child is judged instead of the component. */
    readonly delegatesTo?: readonly string[];
}

const ASG = "aws:autoscaling/group:Group";
const AWS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const GROUP_KIND_TABLE: Readonly<Record<string, GroupKind>> = {
    [AWS_NODE_GROUP]: {
        label: "EKS node group",
        nameProp: "nodeGroupName",
        subnetKey: "subnetIds",
        clusterKey: "clusterName",
    },
    [ASG]: {
        label: "Auto Scaling group",
        nameProp: "name",
        subnetKey: "vpcZoneIdentifiers",
        zoneListKey: "availabilityZones",
    },
    "eks:index:ManagedNodeGroup": {
        label: "EKS managed node group",
        nameProp: "nodeGroupName",
        subnetKey: "subnetIds",
        clusterKey: "cluster",
        inheritor: "managed",
        delegatesTo: [AWS_NODE_GROUP],
    },
    "eks:index:NodeGroup": {
        label: "EKS node group",
        subnetKey: "nodeSubnetIds",
        clusterKey: "cluster",
        inheritor: "self-managed",
        delegatesTo: [ASG, ...CFN_STACK_TYPES],
    },
    "eks:index:NodeGroupV2": {
        label: "EKS node group",
        subnetKey: "nodeSubnetIds",
        clusterKey: "cluster",
        inheritor: "self-managed",
        delegatesTo: [ASG, ...CFN_STACK_TYPES],
    },
    // The Cloud Control provider (CloudFormation resource schemas): AWS::EKS::Nodegroup, AWS::AutoScaling::AutoScalingGroup.
    "aws-native:eks:Nodegroup": {
        label: "EKS node group",
        nameProp: "nodegroupName",
        subnetKey: "subnets",
        clusterKey: "clusterName",
    },
    "aws-native:autoscaling:AutoScalingGroup": {
        label: "Auto Scaling group",
        nameProp: "autoScalingGroupName",
        subnetKey: "vpcZoneIdentifier",
        zoneListKey: "availabilityZones",
    },
};

/** A Map, so that a type token like "constructor" cannot reach Object.prototype. */
const GROUP_KINDS: ReadonlyMap<string, GroupKind> = new Map(Object.entries(GROUP_KIND_TABLE));

const EXEMPT_HINT = `or list it in ${SINGLE_AZ_NODE_POOLS}.exemptPools if it is meant to span zones (the system pool)`;

export const singleAzNodePools: ResourceValidationPolicy & StackValidationPolicy = {
    name: SINGLE_AZ_NODE_POOLS,
    description:
        "Every Karpenter NodePool, EKS node group and Auto Scaling group must sit in exactly one availability zone (exempt pools are named in config).",
    configSchema: {
        properties: {
            exemptPools: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "Pools allowed to span zones, matched against nodeGroupName, NodePool metadata.name, Auto Scaling group name, or the Pulumi resource name.",
            },
        },
    },
    validateResource: validateKarpenterPool,
    validateStack: validateNodeGroups,
};

/** The subset of a resource a Karpenter pool check reads, the same for resource and stack arguments. */
interface PoolResource {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
}

function validateKarpenterPool(args: ResourceValidationArgs, report: ReportViolation): void {
    // Read first, so a config with an unknown property stops the run on any resource.
    const exempt = configList(singleAzNodePools, args.getConfig(), "exemptPools");
    if (!isKarpenterPool(args.type))
        args.notApplicable(
            "Policy only applies to Karpenter NodePools and Provisioners here; node groups and Auto Scaling groups are judged across the stack",
        );
    checkKarpenterPool(args, exempt, report);
}

function validateNodeGroups(args: StackValidationArgs, report: ReportViolation): void {
    const exempt = configList(singleAzNodePools, args.getConfig(), "exemptPools");
    const graph = new StackGraph(args.resources);
    const unresolved: string[] = [];
    let pools = 0;
    for (const resource of args.resources) {
        const isTemplate = CFN_STACK_TYPES.has(resource.type);
        if (!GROUP_KINDS.has(resource.type) && !isTemplate) continue;
        pools++;
        try {
            if (isTemplate) checkTemplate(resource, graph, exempt, report);
            else checkGroup(resource, graph, exempt, report);
        } catch (e) {
            // Judge every other pool first, then let the unknown surface (the engine reports it as advisory).
            if (!isUnknownValueError(e)) throw e;
            unresolved.push(`[${resource.urn}] ${e.message}`);
        }
    }
    if (unresolved.length > 0) {
        throw new NotEvaluableError(`${unresolved.length} node pool(s) cannot be placed yet: ${unresolved.join("; ")}`);
    }
    if (pools === 0)
        args.notApplicable("The stack has no EKS node groups, Auto Scaling groups or CloudFormation stacks");
}

function isKarpenterPool(type: string): boolean {
    const k8s = parseK8sType(type);
    if (!k8s || k8s.group !== "karpenter.sh") return false;
    return (
        (k8s.kind === "NodePool" && (k8s.version === "v1" || k8s.version === "v1beta1")) ||
        (k8s.kind === "Provisioner" && k8s.version === "v1alpha5")
    );
}

function checkKarpenterPool(pool: PoolResource, exempt: readonly string[], report: ReportViolation): void {
    const k8s = parseK8sType(pool.type);
    if (!k8s || exemptName(exempt, [() => pool.name, () => dig(pool.props, ["metadata", "name"])]) !== undefined)
        return;
    const path = k8s.kind === "Provisioner" ? ["spec", "requirements"] : ["spec", "template", "spec", "requirements"];
    const requirements = dig(pool.props, path);
    if (k8s.patch && requirements === undefined) return; // a patch that leaves requirements alone changes no zone
    const problem = zoneRequirementProblem(requirements, path.join("."));
    if (!problem) return;
    const name = cosmetic(() => dig(pool.props, ["metadata", "name"]), pool.name);
    report(`Karpenter ${k8s.kind} '${name}' ${problem}; ${EXEMPT_HINT}`);
}

function checkGroup(pool: PolicyResource, graph: StackGraph, exempt: readonly string[], report: ReportViolation): void {
    const kind = GROUP_KINDS.get(pool.type);
    if (!kind) return;
    if (kind.delegatesTo && graph.children(pool.urn).some((c) => kind.delegatesTo?.includes(c.type))) return;
    if (isExemptGroup(pool, kind, exempt)) return;
    const subject = `${kind.label} '${kind.nameProp ? cosmetic(() => pool.props[kind.nameProp ?? ""], pool.name) : pool.name}'`;
    const placement = placementOf(pool, kind, graph);
    if ("problem" in placement) return report(`${subject} ${placement.problem}`, pool.urn);
    const { zones, via } = placement;
    if (zones.length === 1) return;
    const fix = `Spark node pools must sit in exactly one AZ — give it the subnets of a single zone, ${EXEMPT_HINT}`;
    const where =
        zones.length === 0
            ? "has no subnets or availability zones"
            : `spans ${zones.length} availability zones (${zones.join(", ")})`;
    report(`${subject} ${where} through ${via}; ${fix}`, pool.urn);
}

/** Exempt by its own names, or by its parent's when the parent is a node-group component. */
function isExemptGroup(pool: PolicyResource, kind: GroupKind, exempt: readonly string[]): boolean {
    const candidates = [
        (): unknown => pool.name,
        (): unknown => (kind.nameProp ? pool.props[kind.nameProp] : undefined),
    ];
    const parent = pool.parent;
    const parentKind = parent ? GROUP_KINDS.get(parent.type) : undefined;
    if (parent && parentKind) {
        candidates.push(
            (): unknown => parent.name,
            (): unknown => (parentKind.nameProp ? parent.props[parentKind.nameProp] : undefined),
        );
    }
    return exemptName(exempt, candidates) !== undefined;
}

type Placement = { readonly zones: string[]; readonly via: string } | { readonly problem: string };

function placementOf(pool: PolicyResource, kind: GroupKind, graph: StackGraph): Placement {
    // An empty list counts as unset: an Auto Scaling group placed by availabilityZones reports vpcZoneIdentifiers: [].
    const own = subnetsAt(pool, [kind.subnetKey], graph);
    const refs = own && own.subnets.length + own.missing.length > 0 ? own : inheritedSubnets(pool, kind, graph);
    if (refs) return fromSubnets(refs);
    if (kind.zoneListKey) {
        const zones: unknown = pool.props[kind.zoneListKey];
        if (zones !== undefined && zones !== null) {
            const names = asList(zones).map(String);
            return { zones: [...new Set(names)].sort(), via: kind.zoneListKey };
        }
        return {
            problem: `sets neither ${kind.subnetKey} nor ${kind.zoneListKey}; give it the subnet of exactly one AZ`,
        };
    }
    return {
        problem:
            `sets no ${kind.subnetKey} and its cluster's subnets are not in this stack, so its availability zones cannot ` +
            `be proven; set ${kind.subnetKey} to the subnets of a single zone`,
    };
}

function inheritedSubnets(pool: PolicyResource, kind: GroupKind, graph: StackGraph): SubnetRefs | undefined {
    const cluster = kind.clusterKey ? clusterOf(pool, kind.clusterKey, graph) : undefined;
    const refs = cluster ? clusterSubnets(cluster, graph, kind.inheritor ?? "managed") : undefined;
    return refs && cluster
        ? { ...refs, via: `the subnets it inherits from cluster '${cluster.name}' (${refs.via})` }
        : undefined;
}

function fromSubnets(refs: SubnetRefs): Placement {
    // One subnet is one zone, wherever that subnet is managed.
    if (refs.subnets.length + refs.missing.length === 1) {
        return { zones: [refs.missing[0] ?? `the zone of subnet '${refs.subnets[0]?.name}'`], via: refs.via };
    }
    if (refs.missing.length > 0) {
        return {
            problem:
                `uses ${refs.missing.map((m) => `'${m}'`).join(", ")} through ${refs.via}, which is not an ` +
                "aws:ec2/subnet:Subnet of this stack, so its availability zone cannot be proven; use subnets managed in " +
                `this stack, all in one zone, ${EXEMPT_HINT}`,
        };
    }
    return { zones: zonesOf(refs.subnets), via: refs.via };
}

/** The pools of a CloudFormation template; unreadable templates or computed placements surface as unknown. */
function checkTemplate(
    stack: PolicyResource,
    graph: StackGraph,
    exempt: readonly string[],
    report: ReportViolation,
): void {
    const pools = templatePools(stack, graph);
    if (pools === undefined) {
        throw new NotEvaluableError(
            `CloudFormation stack '${stack.name}' has a template the pack cannot read (templateUrl, duplicate ` +
                "keys or a syntax error) that may declare Auto Scaling groups or node groups",
        );
    }
    const unknown: string[] = [];
    for (const pool of pools) {
        if (isExemptTemplatePool(stack, pool, exempt)) continue;
        const subject = `${pool.label} '${typeof pool.physicalName === "string" ? pool.physicalName : pool.logicalId}' of CloudFormation stack '${stack.name}'`;
        const placement = pool.placement;
        if (placement === undefined) {
            report(
                `${subject} sets no subnets or availability zones in its template; give it the subnet of exactly one AZ`,
                stack.urn,
            );
            continue;
        }
        if ("unknown" in placement) {
            unknown.push(placement.unknown);
            continue;
        }
        const judged: Placement = "zones" in placement ? placement : fromSubnets(placement);
        if ("problem" in judged) {
            report(`${subject} ${judged.problem}`, stack.urn);
        } else if (judged.zones.length !== 1) {
            const where =
                judged.zones.length === 0
                    ? "has no subnets or availability zones"
                    : `spans ${judged.zones.length} availability zones (${judged.zones.join(", ")})`;
            report(
                `${subject} ${where} through ${judged.via}; Spark node pools must sit in exactly one AZ — give it the subnets of a single zone, ${EXEMPT_HINT}`,
                stack.urn,
            );
        }
    }
    if (unknown.length > 0) throw new NotEvaluableError(unknown.join("; "));
}

function isExemptTemplatePool(stack: PolicyResource, pool: TemplatePool, exempt: readonly string[]): boolean {
    const parent = stack.parent;
    const parentKind = parent ? GROUP_KINDS.get(parent.type) : undefined;
    const candidates = [() => stack.name, () => pool.logicalId, () => pool.physicalName];
    if (parent && parentKind) {
        candidates.push(
            (): unknown => parent.name,
            (): unknown => (parentKind.nameProp ? parent.props[parentKind.nameProp] : undefined),
        );
    }
    return exemptName(exempt, candidates) !== undefined;
}

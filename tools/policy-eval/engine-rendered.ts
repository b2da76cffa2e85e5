/**
 * What the offline check cannot see because only the engine renders it: the children of remote components. Under
 * `pulumi preview|up` a component provider (pulumi-kubernetes for Helm charts, YAML and kustomize; pulumi-eks for a
 * cluster's default node group) registers the resources it creates as children, and the engine analyzes each like
 * any other. A stack export made offline (or from a preview) holds the component without those children, so the
 * pack never saw them: each such component is listed by URN as not evaluated, never passed in silence. A real
 * `pulumi stack export` after `up` holds the children, which are judged, and the component is not listed.
 */
import type { ValidatedResource } from "../stack-export";
import type { NotEvaluated } from "./verdicts";

/** Policy name of entries that concern every policy of the pack (the config file's name for all of them). */
export const ALL_POLICIES = "all";

interface RemoteComponent {
    /** What was not checked. */
    readonly unseen: string;
    /** How the engine run covers it. */
    readonly coverage: string;
    /** True when the engine never registers the rendered objects either (helm.v3.Release). */
    readonly neverRendered?: boolean;
}

const ANALYZED_AT_ENGINE =
    "the provider registers each rendered object as a child of this resource at `pulumi preview`/`up`, and the " +
    "engine analyzes it with every policy (a preview whose inputs are still unknown renders them at `up`)";

const REMOTE_COMPONENTS: ReadonlyMap<string, RemoteComponent> = new Map([
    [
        "kubernetes:helm.sh/v4:Chart",
        {
            unseen: "the Kubernetes objects the chart renders (pods' securityContext, Karpenter NodePools…)",
            coverage: ANALYZED_AT_ENGINE,
        },
    ],
    [
        "kubernetes:yaml/v2:ConfigGroup",
        {
            unseen: "the Kubernetes objects of its YAML (pods' securityContext, Karpenter NodePools…)",
            coverage: ANALYZED_AT_ENGINE,
        },
    ],
    [
        "kubernetes:yaml/v2:ConfigFile",
        {
            unseen: "the Kubernetes objects of its YAML file (pods' securityContext, Karpenter NodePools…)",
            coverage: ANALYZED_AT_ENGINE,
        },
    ],
    [
        "kubernetes:kustomize/v2:Directory",
        {
            unseen: "the Kubernetes objects the kustomization builds (pods' securityContext, Karpenter NodePools…)",
            coverage: ANALYZED_AT_ENGINE,
        },
    ],
    [
        "kubernetes:helm.sh/v3:Release",
        {
            unseen: "the Kubernetes objects the release installs (pods' securityContext, Karpenter NodePools…)",
            coverage:
                "not covered — the Helm provider renders and installs the chart in its own process and the engine " +
                "analyzes only the Release; deploy the chart with kubernetes.helm.v4.Chart to have its objects judged",
            neverRendered: true,
        },
    ],
]);

const EKS_CLUSTER = "eks:index:Cluster";
/** What pulumi-eks creates a default node group from (v1: a CloudFormation stack; v2 and later: an Auto Scaling group). */
const DEFAULT_NODE_GROUP_TYPES: ReadonlySet<string> = new Set([
    "aws:autoscaling/group:Group",
    "aws:cloudformation/stack:Stack",
]);

/** Not-evaluated entries for the remote components of `resources` whose children the export does not hold. */
export function engineRenderedGaps(resources: readonly ValidatedResource[]): NotEvaluated[] {
    const parents = new Map<string, ValidatedResource[]>();
    for (const r of resources) {
        if (!r.parent) continue;
        const siblings = parents.get(r.parent);
        if (siblings) siblings.push(r);
        else parents.set(r.parent, [r]);
    }
    const gaps: NotEvaluated[] = [];
    for (const r of resources) {
        const children = parents.get(r.urn) ?? [];
        const component = REMOTE_COMPONENTS.get(r.type);
        if (component && (component.neverRendered || children.length === 0)) {
            gaps.push({
                policy: ALL_POLICIES,
                urn: r.urn,
                reason: `${component.unseen} are rendered by the provider, not in this export, so no policy saw them`,
                coverage: component.coverage,
            });
        }
        if (
            r.type === EKS_CLUSTER &&
            hasDefaultNodeGroup(r) &&
            !children.some((c) => DEFAULT_NODE_GROUP_TYPES.has(c.type))
        ) {
            gaps.push({
                policy: ALL_POLICIES,
                urn: r.urn,
                reason:
                    "the cluster's default node group (skipDefaultNodeGroup is not true) is rendered by the pulumi-eks " +
                    "provider, not in this export: its zones (the cluster's nodeSubnetIds, else its private subnets) and " +
                    "its instance role were not checked",
                coverage:
                    "pulumi-eks registers the default node group's Auto Scaling group as a child of the cluster at " +
                    "`pulumi preview`/`up`, and the engine judges its zones there; to judge node groups offline, set " +
                    "skipDefaultNodeGroup: true and declare them as ManagedNodeGroup/NodeGroupV2",
            });
        }
    }
    return gaps;
}

/** pulumi-eks skips the default node group for skipDefaultNodeGroup, Fargate or Auto Mode (cluster/cluster.ts). */
function hasDefaultNodeGroup(cluster: ValidatedResource): boolean {
    const inputs = Object.keys(cluster.inputs).length > 0 ? cluster.inputs : cluster.outputs;
    const autoMode = inputs.autoMode;
    const autoModeEnabled =
        typeof autoMode === "object" && autoMode !== null && (autoMode as { enabled?: unknown }).enabled === true;
    return !(inputs.skipDefaultNodeGroup === true || isSet(inputs.fargate) || autoModeEnabled);
}

function isSet(value: unknown): boolean {
    return value !== undefined && value !== null && value !== false;
}

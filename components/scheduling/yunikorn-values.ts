/** YuniKorn chart values computed from the stack; the static part lives in charts/yunikorn/values.yaml. */
import type { Values } from "../charts";
import type { TeamSettings } from "../vocabulary";
import { teamQueuesYaml } from "./yunikorn-queues";

/**
 * Image of gang scheduling's placeholder pods (`service.placeholderImage`; YuniKorn 1.8.0 defaults to pause:3.7).
 * Listed in charts/yunikorn/pin.yaml `images`, which preflight checks.
 */
export const PLACEHOLDER_IMAGE = "registry.k8s.io/pause:3.10";

/**
 * The admission controller's scope (`admissionController.filtering.processNamespaces`, comma-separated regular
 * expressions): exactly the team namespaces, anchored. Only their pods are sent to YuniKorn; everything else
 * (kube-system, the autoscaler, the operator, Kubecost, YuniKorn itself) stays with the default scheduler.
 */
export function processNamespacesPattern(teams: readonly Pick<TeamSettings, "namespace">[]): string {
    // Namespaces are DNS labels: lowercase letters, digits and '-', none of them special in a regular expression.
    return teams.map((t) => `^${t.namespace}$`).join(",");
}

export interface YuniKornValuesOptions {
    readonly teams: readonly TeamSettings[];
    /** Node selector of the system nodes; the scheduler and admission controller never run on Spark nodes. */
    readonly nodeSelector: Readonly<Record<string, string>>;
}

export function yunikornValues(o: YuniKornValuesOptions): Values {
    return {
        nodeSelector: { ...o.nodeSelector },
        admissionController: { nodeSelector: { ...o.nodeSelector } },
        // Rendered into the yunikorn-defaults ConfigMap, key by key (templates/yunikorn-defaults.yaml).
        yunikornDefaults: {
            "queues.yaml": teamQueuesYaml(o.teams),
            "service.placeholderImage": PLACEHOLDER_IMAGE,
            "admissionController.filtering.processNamespaces": processNamespacesPattern(o.teams),
            // YuniKorn's own default, said out loud: kube-system never goes through the admission controller.
            "admissionController.filtering.bypassNamespaces": "^kube-system$",
        },
    };
}

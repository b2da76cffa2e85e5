import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installPinnedChart, readChartPin } from "../charts";
import type { ClusterContext } from "../cluster";
import { podSecurityLabels } from "../spark";
import { type TeamSettings, YUNIKORN_SCHEDULER_NAME } from "../vocabulary";
import { yunikornValues } from "./yunikorn-values";

export interface YuniKornArgs {
    /** The cluster YuniKorn schedules the team pods of. */
    cluster: ClusterContext;
    /** Every team of the stack: one queue each, and the namespaces the admission controller processes. */
    teams: readonly TeamSettings[];
}

/** Rules of the chart's hook ClusterRoles and Roles (templates/rbac.yaml, admission-controller-rbac.yaml, v1.8.0). */
const READ = ["get", "watch", "list"];
const SCHEDULER_CLUSTER_RULES = [
    { apiGroups: [""], resources: ["namespaces"], verbs: READ },
    { apiGroups: ["scheduling.k8s.io"], resources: ["priorityclasses"], verbs: READ },
    { apiGroups: ["storage.k8s.io"], resources: ["volumeattachments"], verbs: READ },
    { apiGroups: [""], resources: ["pods"], verbs: [...READ, "create", "patch", "update", "delete"] },
];
const NAMESPACE_RULES = [
    { apiGroups: [""], resources: ["secrets"], verbs: [...READ, "update"] },
    { apiGroups: [""], resources: ["configmaps"], verbs: READ },
];
const WEBHOOK_VERBS = [...READ, "create", "patch", "update", "delete"];
const ADMISSION_CLUSTER_RULES = [
    {
        apiGroups: ["admissionregistration.k8s.io"],
        resources: ["validatingwebhookconfigurations"],
        verbs: WEBHOOK_VERBS,
    },
    { apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations"], verbs: WEBHOOK_VERBS },
    { apiGroups: [""], resources: ["namespaces"], verbs: READ },
    { apiGroups: ["scheduling.k8s.io"], resources: ["priorityclasses"], verbs: READ },
];

/** Service accounts the chart's Deployments run as (values.yaml `serviceAccount`, `admissionController.serviceAccount`). */
export const YUNIKORN_SERVICE_ACCOUNTS = {
    scheduler: "yunikorn-admin",
    admission: "yunikorn-admission-controller",
} as const;

/**
 * The ServiceAccounts and RBAC the chart renders only as hooks, per Deployment, under the chart's names; each
 * object replaces the pin.yaml hook `<hookPrefix>-<kind>`.
 */
const HOOK_RBAC = [
    {
        hookPrefix: "scheduler",
        account: YUNIKORN_SERVICE_ACCOUNTS.scheduler,
        clusterRole: "yunikorn-scheduler",
        clusterRules: SCHEDULER_CLUSTER_RULES,
        clusterRoleBinding: "yunikorn-rbac",
        role: "yunikorn-scheduler",
        roleBinding: "yunikorn-rbac",
        // The scheduler also holds kube-scheduler's and the volume scheduler's rights.
        systemBindings: [
            {
                hook: "scheduler-kube-scheduler-binding",
                id: "kube-scheduler-binding",
                binding: "yunikorn-rbac-kube-scheduler",
                clusterRole: "system:kube-scheduler",
            },
            {
                hook: "scheduler-volume-scheduler-binding",
                id: "volume-scheduler-binding",
                binding: "yunikorn-rbac-volume-scheduler",
                clusterRole: "system:volume-scheduler",
            },
        ],
    },
    {
        hookPrefix: "admission",
        account: YUNIKORN_SERVICE_ACCOUNTS.admission,
        clusterRole: "yunikorn-admission-controller-cluster-role",
        clusterRules: ADMISSION_CLUSTER_RULES,
        clusterRoleBinding: "yunikorn-admission-controller-cluster-rbac",
        role: "yunikorn-admission-controller-role",
        roleBinding: "yunikorn-admission-controller-rbac",
        systemBindings: [],
    },
] as const;

/**
 * Apache YuniKorn in its own namespace (Pod Security `restricted`), on the system nodes: the scheduler with its web
 * UI, and the admission controller, which sends the pods of the team namespaces (and only those) to YuniKorn. The
 * partition has one queue per team under `root.teams` (yunikorn-queues.ts). The chart's ServiceAccounts and RBAC are
 * Helm hooks, which Chart v4 never creates: this component creates them under the chart's names.
 */
export class YuniKorn extends pulumi.ComponentResource {
    readonly namespace: string;
    /** The `schedulerName` of the pods YuniKorn places. */
    readonly schedulerName: string;

    constructor(name: string, args: YuniKornArgs, opts?: pulumi.ComponentResourceOptions) {
        const pin = readChartPin("yunikorn");
        super("spark:scheduling:YuniKorn", name, {}, opts);
        const { cluster } = args;
        const k8sOpts = { parent: this, provider: cluster.provider };

        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: pin.namespace, labels: podSecurityLabels("restricted", cluster.kubernetesVersion) } },
            k8sOpts,
        );
        const inNamespace = { ...k8sOpts, dependsOn: [namespace] };
        const meta = (objectName: string) => ({ name: objectName, namespace: pin.namespace });
        const clusterBinding = (id: string, bindingName: string, account: string, clusterRole: string) =>
            new k8s.rbac.v1.ClusterRoleBinding(
                id,
                {
                    metadata: { name: bindingName },
                    subjects: [{ kind: "ServiceAccount", name: account, namespace: pin.namespace }],
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
                },
                k8sOpts,
            );

        const replacements: Record<string, pulumi.Resource> = {};
        for (const rbac of HOOK_RBAC) {
            const id = `${name}-${rbac.hookPrefix}`;
            const sa = new k8s.core.v1.ServiceAccount(`${id}-sa`, { metadata: meta(rbac.account) }, inNamespace);
            const role = new k8s.rbac.v1.Role(
                `${id}-role`,
                { metadata: meta(rbac.role), rules: NAMESPACE_RULES },
                inNamespace,
            );
            replacements[`${rbac.hookPrefix}-service-account`] = sa;
            replacements[`${rbac.hookPrefix}-cluster-role`] = new k8s.rbac.v1.ClusterRole(
                id,
                { metadata: { name: rbac.clusterRole }, rules: rbac.clusterRules },
                k8sOpts,
            );
            replacements[`${rbac.hookPrefix}-role`] = role;
            replacements[`${rbac.hookPrefix}-cluster-role-binding`] = clusterBinding(
                `${id}-binding`,
                rbac.clusterRoleBinding,
                rbac.account,
                rbac.clusterRole,
            );
            replacements[`${rbac.hookPrefix}-role-binding`] = new k8s.rbac.v1.RoleBinding(
                `${id}-role-binding`,
                {
                    metadata: meta(rbac.roleBinding),
                    subjects: [{ kind: "ServiceAccount", name: rbac.account, namespace: pin.namespace }],
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: rbac.role },
                },
                inNamespace,
            );
            for (const extra of rbac.systemBindings) {
                replacements[extra.hook] = clusterBinding(
                    `${name}-${extra.id}`,
                    extra.binding,
                    rbac.account,
                    extra.clusterRole,
                );
            }
        }

        installPinnedChart(
            name,
            {
                pin,
                cluster,
                values: yunikornValues({ teams: args.teams, nodeSelector: cluster.systemNodeSelector }),
                hookReplacements: replacements,
            },
            { parent: this, dependsOn: [namespace] },
        );

        this.namespace = pin.namespace;
        this.schedulerName = YUNIKORN_SCHEDULER_NAME;
        this.registerOutputs({ namespace: this.namespace, schedulerName: this.schedulerName });
    }
}

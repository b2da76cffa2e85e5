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
        const subject = (sa: string) => [{ kind: "ServiceAccount", name: sa, namespace: pin.namespace }];
        const roleRef = (kind: "Role" | "ClusterRole", roleName: string) => ({
            apiGroup: "rbac.authorization.k8s.io",
            kind,
            name: roleName,
        });
        const { scheduler, admission } = YUNIKORN_SERVICE_ACCOUNTS;

        const replacements: Record<string, pulumi.Resource> = {
            "scheduler-service-account": new k8s.core.v1.ServiceAccount(
                `${name}-scheduler-sa`,
                { metadata: meta(scheduler) },
                inNamespace,
            ),
            "scheduler-cluster-role": new k8s.rbac.v1.ClusterRole(
                `${name}-scheduler`,
                { metadata: { name: "yunikorn-scheduler" }, rules: SCHEDULER_CLUSTER_RULES },
                k8sOpts,
            ),
            "scheduler-role": new k8s.rbac.v1.Role(
                `${name}-scheduler-role`,
                { metadata: meta("yunikorn-scheduler"), rules: NAMESPACE_RULES },
                inNamespace,
            ),
            "scheduler-cluster-role-binding": new k8s.rbac.v1.ClusterRoleBinding(
                `${name}-scheduler-binding`,
                {
                    metadata: { name: "yunikorn-rbac" },
                    subjects: subject(scheduler),
                    roleRef: roleRef("ClusterRole", "yunikorn-scheduler"),
                },
                k8sOpts,
            ),
            "scheduler-kube-scheduler-binding": new k8s.rbac.v1.ClusterRoleBinding(
                `${name}-kube-scheduler-binding`,
                {
                    metadata: { name: "yunikorn-rbac-kube-scheduler" },
                    subjects: subject(scheduler),
                    roleRef: roleRef("ClusterRole", "system:kube-scheduler"),
                },
                k8sOpts,
            ),
            "scheduler-volume-scheduler-binding": new k8s.rbac.v1.ClusterRoleBinding(
                `${name}-volume-scheduler-binding`,
                {
                    metadata: { name: "yunikorn-rbac-volume-scheduler" },
                    subjects: subject(scheduler),
                    roleRef: roleRef("ClusterRole", "system:volume-scheduler"),
                },
                k8sOpts,
            ),
            "scheduler-role-binding": new k8s.rbac.v1.RoleBinding(
                `${name}-scheduler-role-binding`,
                {
                    metadata: meta("yunikorn-rbac"),
                    subjects: subject(scheduler),
                    roleRef: roleRef("Role", "yunikorn-scheduler"),
                },
                inNamespace,
            ),
            "admission-service-account": new k8s.core.v1.ServiceAccount(
                `${name}-admission-sa`,
                { metadata: meta(admission) },
                inNamespace,
            ),
            "admission-cluster-role": new k8s.rbac.v1.ClusterRole(
                `${name}-admission`,
                { metadata: { name: "yunikorn-admission-controller-cluster-role" }, rules: ADMISSION_CLUSTER_RULES },
                k8sOpts,
            ),
            "admission-role": new k8s.rbac.v1.Role(
                `${name}-admission-role`,
                { metadata: meta("yunikorn-admission-controller-role"), rules: NAMESPACE_RULES },
                inNamespace,
            ),
            "admission-cluster-role-binding": new k8s.rbac.v1.ClusterRoleBinding(
                `${name}-admission-binding`,
                {
                    metadata: { name: "yunikorn-admission-controller-cluster-rbac" },
                    subjects: subject(admission),
                    roleRef: roleRef("ClusterRole", "yunikorn-admission-controller-cluster-role"),
                },
                k8sOpts,
            ),
            "admission-role-binding": new k8s.rbac.v1.RoleBinding(
                `${name}-admission-role-binding`,
                {
                    metadata: meta("yunikorn-admission-controller-rbac"),
                    subjects: subject(admission),
                    roleRef: roleRef("Role", "yunikorn-admission-controller-role"),
                },
                inNamespace,
            ),
        };

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

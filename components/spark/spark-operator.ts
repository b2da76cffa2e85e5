import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RegistryCredentials, deepMerge, installPinnedChart, readBaseValues, readChartPin } from "../charts";
import type { ClusterContext } from "../cluster";
import type { EmrReleaseLabel } from "../vocabulary";
import { EmrRegistry, SparkOperatorSource, problemLine, sparkOperatorChart } from "./operator-chart";
import { sparkOperatorValues } from "./operator-values";
import { OPERATOR_PORTS, operatorNamespaceManifest, operatorNetworkPolicyManifest } from "./operator-manifests";
import {
    OperatorIdentity,
    operatorClusterRoleBindingManifest,
    operatorClusterRoleManifest,
    operatorFeatures,
    operatorServiceAccountManifest,
} from "./operator-access";
import { createWebhookCertificate } from "./webhook-certificate";

export interface SparkOperatorArgs {
    /** The cluster the operator is installed into. */
    cluster: ClusterContext;
    /** EMR release of the stack (`emrReleaseLabel`); the chart version is derived from it. */
    emrRelease: EmrReleaseLabel;
    /** Namespaces whose SparkApplications the operator runs: the team namespaces (watched by name and label). */
    jobNamespaces: readonly string[];
    /**
     * Where the chart is pulled from: the EMR on EKS registry of the stack's region, or the ECR Public Gallery.
     * @default "regional-ecr"
     */
    source?: SparkOperatorSource;
    /**
     * Resources the chart must wait for.
     * @default []
     */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

const defaults = { source: "regional-ecr" as SparkOperatorSource, dependsOn: [] as pulumi.Input<pulumi.Resource>[] };

/**
 * The EMR-flavoured Spark Operator: its namespace, a network policy that admits only the API server's webhook
 * calls and metrics scrapes, what the chart would create as Helm hooks (which `helm.v4.Chart` never creates: the
 * operator's ServiceAccount, ClusterRole and ClusterRoleBinding, and the webhook certificate Secret), and the
 * `spark-operator` chart from the region's EMR on EKS registry (logged in with an ECR token for that registry's
 * account) or the public gallery, at the version of the EMR release.
 */
export class SparkOperator extends pulumi.ComponentResource {
    /** Namespace the operator runs in. */
    readonly namespace: string;
    /** `oci://` reference of the installed chart. */
    readonly chart: string;
    /** Installed chart version (the EMR release without prefix and date). */
    readonly chartVersion: string;
    /** Port of the operator's mutating webhook, for network policies. */
    readonly webhookPort: number;

    constructor(name: string, args: SparkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:spark:SparkOperator", name, {}, opts);
        const a = { ...defaults, ...args };
        const pin = readChartPin("spark-operator");
        const chart = sparkOperatorChart(a.cluster.region, a.emrRelease, a.source);
        if (Array.isArray(chart)) {
            throw new pulumi.ResourceError(`Spark Operator: ${chart.map(problemLine).join("; ")}`, this);
        }
        if (a.jobNamespaces.length === 0) {
            throw new pulumi.ResourceError("Spark Operator: no job namespaces; configure at least one team", this);
        }
        const k8sOpts = { parent: this, provider: a.cluster.provider };

        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            operatorNamespaceManifest(pin.namespace, a.cluster.kubernetesVersion),
            k8sOpts,
        );
        const webhookPort = OPERATOR_PORTS.webhook;
        const enforcer = a.cluster.networkPolicyEnforcer;
        const policies = enforcer
            ? [
                  new k8s.networking.v1.NetworkPolicy(
                      `${name}-ingress`,
                      operatorNetworkPolicyManifest(pin.namespace, pin.release),
                      { ...k8sOpts, dependsOn: [namespace, enforcer] },
                  ),
              ]
            : [];

        const base = readBaseValues(pin.name);
        const serviceAccountName = (base.serviceAccounts as { sparkoperator?: { name?: unknown } } | undefined)
            ?.sparkoperator?.name;
        if (typeof serviceAccountName !== "string" || serviceAccountName === "") {
            throw new pulumi.ResourceError(
                "Spark Operator: charts/spark-operator/values.yaml must name serviceAccounts.sparkoperator.name",
                this,
            );
        }
        const identity: OperatorIdentity = {
            namespace: pin.namespace,
            fullname: pin.release,
            serviceAccount: serviceAccountName,
        };
        const inNamespace = { ...k8sOpts, dependsOn: [namespace] };
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-operator`,
            operatorServiceAccountManifest(identity),
            inNamespace,
        );
        const certificate = createWebhookCertificate(name, identity, inNamespace);

        const registryCredentials = chart.registry && ecrCredentials(chart.registry, this);
        const values = sparkOperatorValues({
            region: a.cluster.region,
            jobNamespaces: a.jobNamespaces,
            systemNodeSelector: a.cluster.systemNodeSelector,
            fullname: identity.fullname,
            webhookCertificateChecksum: certificate.checksum,
        });
        const clusterRole = new k8s.rbac.v1.ClusterRole(
            `${name}-operator`,
            operatorClusterRoleManifest(identity, operatorFeatures(deepMerge(base, values))),
            k8sOpts,
        );
        const clusterRoleBinding = new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-operator`,
            operatorClusterRoleBindingManifest(identity),
            { ...k8sOpts, dependsOn: [clusterRole, serviceAccount] },
        );
        installPinnedChart(
            name,
            {
                pin,
                cluster: a.cluster,
                chart: chart.chart,
                version: chart.version,
                values,
                hookReplacements: {
                    "operator-service-account": serviceAccount,
                    "operator-cluster-role": clusterRole,
                    "operator-cluster-role-binding": clusterRoleBinding,
                    "webhook-init": certificate.secret,
                },
                ...(registryCredentials ? { registryCredentials } : {}),
            },
            { parent: this, dependsOn: [namespace, ...policies, ...a.dependsOn] },
        );

        this.namespace = pin.namespace;
        this.chart = chart.chart;
        this.chartVersion = chart.version;
        this.webhookPort = webhookPort;
        this.registerOutputs({
            namespace: this.namespace,
            chart: this.chart,
            chartVersion: this.chartVersion,
            webhookPort,
        });
    }
}

/**
 * Registry login for the region's EMR registry: an ECR token for that registry's account, fetched on every run (it
 * lives 12 hours) through the parent's AWS provider, the password kept secret.
 */
function ecrCredentials(registry: EmrRegistry, parent: pulumi.Resource): RegistryCredentials {
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: registry.accountId }, { parent });
    return { username: token.userName, password: pulumi.secret(token.password) };
}

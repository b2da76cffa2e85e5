import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { installPinnedChart, issueWebhookTls, readChartPin } from "../charts";
import type { ClusterContext } from "../cluster";
import { IrsaRole } from "../iam";
import { podSecurityLabels } from "../spark";
import { CONTROLLER_CHART, controllerPolicyDocument } from "./controller-policy";

export interface LoadBalancerControllerArgs {
    /** The cluster the controller serves. */
    cluster: ClusterContext;
    /** The cluster's VPC: given, so the controller never asks instance metadata for it. */
    vpcId: pulumi.Input<string>;
}

/** The controller's service account; its IRSA role trusts exactly this one. */
export const CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";
/** The chart's webhook Service: `<namePrefix>-webhook-service`, namePrefix being the chart name without `-controller`. */
export const CONTROLLER_WEBHOOK_SERVICE = "aws-load-balancer-webhook-service";

/** The DNS names the chart's own certificate would carry (_helpers.tpl "webhookCerts" `$altNames`). */
export function controllerWebhookDnsNames(namespace: string): string[] {
    const service = CONTROLLER_WEBHOOK_SERVICE;
    return [`${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

/**
 * The AWS Load Balancer Controller (pinned chart, own namespace enforcing Pod Security restricted, system nodes),
 * with the IAM policy its release publishes for the stack's partition on an IRSA role, and its webhook certificate
 * made here: the chart would otherwise `genCA` a new one at every render (every preview), rotating the webhook's
 * CA bundle under the running controller. It serves only Ingresses of class `alb`.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
    /** IngressClass whose Ingresses it serves. */
    readonly ingressClassName: string;
    readonly namespace: string;
    readonly serviceAccount: string;
    readonly roleArn: pulumi.Output<string>;
    /** The chart: Ingresses wait for it (its validating webhook must answer). */
    readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:ingress:LoadBalancerController", name, {}, opts);
        const pin = readChartPin(CONTROLLER_CHART);
        const { cluster } = args;
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: pin.namespace, labels: podSecurityLabels("restricted", cluster.kubernetesVersion) } },
            { parent: this, provider: cluster.provider },
        );
        const role = new IrsaRole(
            name,
            {
                oidcProviderArn: cluster.oidcProviderArn,
                oidcIssuer: cluster.oidcIssuer,
                namespace: pin.namespace,
                serviceAccount: CONTROLLER_SERVICE_ACCOUNT,
                inlinePolicies: { "aws-load-balancer-controller": controllerPolicyDocument(cluster.partition) },
                description: `AWS Load Balancer Controller ${pin.version}: its published IAM policy`,
            },
            { parent: this },
        );

        const dnsNames = controllerWebhookDnsNames(pin.namespace);
        const { ca, server, serverKey } = issueWebhookTls(
            name,
            { caCommonName: "aws-load-balancer-controller-ca", serverCommonName: dnsNames[1], dnsNames },
            this,
        );

        const values = pulumi
            .all([cluster.name, args.vpcId, role.arn, ca.certPem, server.certPem, serverKey.privateKeyPem])
            .apply(([clusterName, vpcId, roleArn, caCert, cert, key]) => ({
                clusterName,
                region: cluster.region,
                vpcId,
                serviceAccount: {
                    create: true,
                    name: CONTROLLER_SERVICE_ACCOUNT,
                    annotations: { "eks.amazonaws.com/role-arn": roleArn },
                },
                nodeSelector: { "kubernetes.io/os": "linux", ...cluster.systemNodeSelector },
                webhookTLS: { caCert, cert, key },
            }));
        this.chart = installPinnedChart(name, { pin, cluster, values }, { parent: this, dependsOn: [namespace] });
        this.ingressClassName = "alb";
        this.namespace = pin.namespace;
        this.serviceAccount = CONTROLLER_SERVICE_ACCOUNT;
        this.roleArn = role.arn;
        this.registerOutputs({ namespace: this.namespace, roleArn: this.roleArn });
    }
}

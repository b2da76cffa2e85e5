/**
 * The operator's webhook certificate, in place of the chart's webhook-init hook Job (which `helm.v4.Chart` never
 * runs): a private CA and a serving certificate for the webhook Service's DNS name, in the Secret the operator's
 * Deployment mounts, with the four keys the Job's gencerts.sh writes. The operator (v1beta2-1.3.8,
 * pkg/webhook/webhook.go) reads server-cert.pem, server-key.pem and ca-cert.pem from it, reloads the serving pair
 * every 15 minutes, and puts ca-cert.pem into the webhook configurations it registers at startup; ca-key.pem is
 * kept for parity with the Job.
 *
 * Lifetime and rotation: both certificates are valid for ten years and are reissued by the first `pulumi up` in
 * their last year (`earlyRenewalHours`). To rotate now, replace the CA key (`pulumi up --replace <its URN>`): the CA,
 * the serving certificate and the Secret follow, and the checksum annotation on the operator pod restarts it, so it
 * registers the new CA bundle. The keys live in Pulumi state as secrets.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { issueWebhookTls } from "../charts";
import { OperatorIdentity, webhookSecretName, webhookServiceDnsName } from "./operator-access";

/** Pod annotation whose change restarts the operator when its certificates change. */
export const WEBHOOK_CERT_CHECKSUM_ANNOTATION = "spark-platform/webhook-certs-sha256";

export interface WebhookCertificate {
    /** The Secret the Deployment mounts. */
    readonly secret: k8s.core.v1.Secret;
    /** SHA-256 of the CA and serving certificates, for the pod annotation. */
    readonly checksum: pulumi.Output<string>;
}

export function createWebhookCertificate(
    name: string,
    id: OperatorIdentity,
    opts: { parent: pulumi.Resource; provider: k8s.Provider; dependsOn: pulumi.Resource[] },
): WebhookCertificate {
    const dnsName = webhookServiceDnsName(id);
    const { caKey, ca, serverKey, server } = issueWebhookTls(
        name,
        { caCommonName: `${id.fullname}-webhook-ca`, serverCommonName: dnsName, dnsNames: [dnsName] },
        opts.parent,
    );
    const secret = new k8s.core.v1.Secret(
        `${name}-webhook-certs`,
        {
            metadata: { name: webhookSecretName(id), namespace: id.namespace },
            type: "Opaque",
            stringData: {
                "ca-cert.pem": ca.certPem,
                "ca-key.pem": caKey.privateKeyPem,
                "server-cert.pem": server.certPem,
                "server-key.pem": serverKey.privateKeyPem,
            },
        },
        { parent: opts.parent, provider: opts.provider, dependsOn: opts.dependsOn },
    );
    const checksum = pulumi
        .all([ca.certPem, server.certPem])
        .apply(([caPem, serverPem]) => createHash("sha256").update(`${caPem}\n${serverPem}`).digest("hex"));
    return { secret, checksum };
}

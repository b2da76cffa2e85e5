/**
 * A private CA and a serving certificate it signs, for an admission webhook whose chart would generate them in a
 * hook Job or at render time (neither works under `helm.v4.Chart`: hooks never run, and a render-time certificate
 * changes on every preview). Both are valid for ten years and are reissued by the first `pulumi up` in their last
 * year (`earlyRenewalHours`); replacing the CA key rotates both. The keys live in Pulumi state as secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

const TEN_YEARS_HOURS = 10 * 365 * 24;
const ONE_YEAR_HOURS = 365 * 24;

export interface WebhookTlsArgs {
    /** The CA's subject common name. */
    readonly caCommonName: string;
    /** The serving certificate's subject common name. */
    readonly serverCommonName: string;
    /** The webhook Service's DNS names the serving certificate covers. */
    readonly dnsNames: readonly string[];
}

export interface WebhookTls {
    readonly caKey: tls.PrivateKey;
    readonly ca: tls.SelfSignedCert;
    readonly serverKey: tls.PrivateKey;
    readonly server: tls.LocallySignedCert;
}

/** Resources named `<name>-webhook-ca` and `<name>-webhook-server`, children of `parent`. */
export function issueWebhookTls(name: string, args: WebhookTlsArgs, parent: pulumi.Resource): WebhookTls {
    const opts = { parent };
    const caKey = new tls.PrivateKey(`${name}-webhook-ca`, { algorithm: "RSA", rsaBits: 2048 }, opts);
    const ca = new tls.SelfSignedCert(
        `${name}-webhook-ca`,
        {
            privateKeyPem: caKey.privateKeyPem,
            subject: { commonName: args.caCommonName },
            isCaCertificate: true,
            validityPeriodHours: TEN_YEARS_HOURS,
            earlyRenewalHours: ONE_YEAR_HOURS,
            allowedUses: ["certSigning", "crlSigning", "digitalSignature", "keyEncipherment"],
        },
        opts,
    );
    const serverKey = new tls.PrivateKey(`${name}-webhook-server`, { algorithm: "RSA", rsaBits: 2048 }, opts);
    const request = new tls.CertRequest(
        `${name}-webhook-server`,
        {
            privateKeyPem: serverKey.privateKeyPem,
            subject: { commonName: args.serverCommonName },
            dnsNames: [...args.dnsNames],
        },
        opts,
    );
    const server = new tls.LocallySignedCert(
        `${name}-webhook-server`,
        {
            certRequestPem: request.certRequestPem,
            caPrivateKeyPem: caKey.privateKeyPem,
            caCertPem: ca.certPem,
            validityPeriodHours: TEN_YEARS_HOURS,
            earlyRenewalHours: ONE_YEAR_HOURS,
            allowedUses: ["digitalSignature", "keyEncipherment", "serverAuth"],
        },
        opts,
    );
    return { caKey, ca, serverKey, server };
}

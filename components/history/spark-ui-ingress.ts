/**
 * The login-protected Spark UI: one internal Application Load Balancer (AWS Load Balancer Controller, Ingress class
 * `alb`) on HTTPS with the certificate from settings, open only to the allowed source CIDRs, authenticating every
 * request against OIDC or Cognito before it reaches a team's History Server at `https://<team>.<domain>/`.
 * Host-based, not path-based: the History Server serves from `/`, and an ALB forwards the path unchanged.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HISTORY_SERVER_PORT } from "./history-values";
import type { HistoryServerEndpoint } from "./spark-history";

/** How the ALB logs users in: an OpenID Connect provider (`sparkUiOidc*`) or a Cognito user pool (`sparkUiCognito*`). */
export type SparkUiLogin =
    | {
          readonly type: "oidc";
          readonly issuer: string;
          readonly authorizationEndpoint: string;
          readonly tokenEndpoint: string;
          readonly userInfoEndpoint: string;
          readonly clientId: string;
          /** Secret config; never printed. */
          readonly clientSecret: string;
      }
    | {
          readonly type: "cognito";
          readonly userPoolArn: string;
          readonly clientId: string;
          /** The user pool's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`) or its custom domain. */
          readonly domain: string;
      };

export interface SparkUiIngressOptions {
    /** Namespace of the History Servers (and of the Ingress and the OIDC client Secret). */
    readonly namespace: string;
    /** Per team, its server's Service. */
    readonly endpoints: Readonly<Record<string, HistoryServerEndpoint>>;
    /** Each team's UI is `<team>.<domain>`. */
    readonly domain: string;
    readonly certificateArn: string;
    readonly allowedCidrs: readonly string[];
    readonly login: SparkUiLogin;
    readonly ingressClassName: string;
}

/** Name of the Ingress, and of the Secret holding the OIDC client (`clientID`, `clientSecret`). */
export const SPARK_UI_NAME = "spark-ui";
/** TLS 1.2 and 1.3 only (an ELB predefined policy). */
export const SPARK_UI_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** The team's UI address. */
export function sparkUiHost(team: string, domain: string): string {
    return `${team}.${domain}`;
}

/**
 * The Ingress, as a manifest. Annotations are those of the controller's guide (docs/guide/ingress/annotations.md at
 * v3.5.0): authentication is only supported on HTTPS listeners, so the only listener is 443.
 */
export function sparkUiIngressManifest(o: SparkUiIngressOptions) {
    const auth: Record<string, string> =
        o.login.type === "oidc"
            ? {
                  "alb.ingress.kubernetes.io/auth-type": "oidc",
                  "alb.ingress.kubernetes.io/auth-idp-oidc": JSON.stringify({
                      issuer: o.login.issuer,
                      authorizationEndpoint: o.login.authorizationEndpoint,
                      tokenEndpoint: o.login.tokenEndpoint,
                      userInfoEndpoint: o.login.userInfoEndpoint,
                      secretName: SPARK_UI_NAME,
                  }),
              }
            : {
                  "alb.ingress.kubernetes.io/auth-type": "cognito",
                  "alb.ingress.kubernetes.io/auth-idp-cognito": JSON.stringify({
                      userPoolARN: o.login.userPoolArn,
                      userPoolClientID: o.login.clientId,
                      userPoolDomain: o.login.domain,
                  }),
              };
    return {
        apiVersion: "networking.k8s.io/v1" as const,
        kind: "Ingress" as const,
        metadata: {
            name: SPARK_UI_NAME,
            namespace: o.namespace,
            annotations: {
                "alb.ingress.kubernetes.io/scheme": "internal",
                "alb.ingress.kubernetes.io/target-type": "ip",
                "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTPS: 443 }]),
                "alb.ingress.kubernetes.io/certificate-arn": o.certificateArn,
                "alb.ingress.kubernetes.io/ssl-policy": SPARK_UI_SSL_POLICY,
                "alb.ingress.kubernetes.io/inbound-cidrs": o.allowedCidrs.join(","),
                "alb.ingress.kubernetes.io/healthcheck-port": String(HISTORY_SERVER_PORT),
                "alb.ingress.kubernetes.io/healthcheck-path": "/",
                ...auth,
                "alb.ingress.kubernetes.io/auth-on-unauthenticated-request": "authenticate",
                "alb.ingress.kubernetes.io/auth-scope": "openid",
            },
        },
        spec: {
            ingressClassName: o.ingressClassName,
            rules: Object.entries(o.endpoints).map(([team, endpoint]) => ({
                host: sparkUiHost(team, o.domain),
                http: {
                    paths: [
                        {
                            path: "/",
                            pathType: "Prefix",
                            backend: { service: { name: endpoint.service, port: { number: endpoint.port } } },
                        },
                    ],
                },
            })),
        },
    };
}

export interface SparkUiIngressArgs {
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    options: SparkUiIngressOptions;
    /** The controller: its namespace and service account (which reads the OIDC Secret), and what to wait for. */
    controller: { readonly namespace: string; readonly serviceAccount: string; readonly ready: pulumi.Resource[] };
}

/** The Ingress, and for OIDC the client Secret with a Role letting only the controller read Secrets there. */
export class SparkUiIngress extends pulumi.ComponentResource {
    /** Per team, the address of its UI. */
    readonly urls: Readonly<Record<string, string>>;

    constructor(name: string, args: SparkUiIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:history:SparkUiIngress", name, {}, opts);
        const o = args.options;
        const k8sOpts = { parent: this, provider: args.provider };
        const waits: pulumi.Resource[] = [...args.controller.ready];
        if (o.login.type === "oidc") {
            const secret = new k8s.core.v1.Secret(
                `${name}-oidc-client`,
                {
                    metadata: { name: SPARK_UI_NAME, namespace: o.namespace },
                    type: "Opaque",
                    stringData: { clientID: o.login.clientId, clientSecret: pulumi.secret(o.login.clientSecret) },
                },
                k8sOpts,
            );
            // The chart grants the controller no Secrets (clusterSecretsPermissions.allowAllSecrets false): it reads
            // the client through this Role, in this namespace only.
            const role = new k8s.rbac.v1.Role(
                `${name}-read-oidc-client`,
                {
                    metadata: { name: `${SPARK_UI_NAME}-oidc-client-reader`, namespace: o.namespace },
                    rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }],
                },
                k8sOpts,
            );
            const binding = new k8s.rbac.v1.RoleBinding(
                `${name}-read-oidc-client`,
                {
                    metadata: { name: `${SPARK_UI_NAME}-oidc-client-reader`, namespace: o.namespace },
                    roleRef: {
                        apiGroup: "rbac.authorization.k8s.io",
                        kind: "Role",
                        name: `${SPARK_UI_NAME}-oidc-client-reader`,
                    },
                    subjects: [
                        {
                            kind: "ServiceAccount",
                            name: args.controller.serviceAccount,
                            namespace: args.controller.namespace,
                        },
                    ],
                },
                { ...k8sOpts, dependsOn: [role] },
            );
            waits.push(secret, binding);
        }
        new k8s.networking.v1.Ingress(`${name}`, sparkUiIngressManifest(o), { ...k8sOpts, dependsOn: waits });
        this.urls = Object.fromEntries(
            Object.keys(o.endpoints).map((team) => [team, `https://${sparkUiHost(team, o.domain)}/`]),
        );
        this.registerOutputs({ urls: this.urls });
    }
}

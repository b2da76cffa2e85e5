import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CHARTS_DIR, deepMerge, readBaseValues, readChartPin } from "../../../components/charts";
import { SPARK_UI_NAME, sparkUiIngressManifest, type SparkUiIngressOptions } from "../../../components/history";
import {
    CONTROLLER_CHART,
    controllerPolicyDocument,
    controllerWebhookDnsNames,
    publishedControllerPolicies,
} from "../../../components/ingress";
import { parseSettings } from "../../../stack-config";
import { PROJECT_DIR, type PlanResult } from "../../../tools/plan/plan";
import { packVerdicts } from "../../../tools/policy-eval/evaluate";
import { at, keysOutsideChart, recordedChartKeys } from "../../support/chart-keys";
import { configProblems } from "../../support/config-problems";
import { fixtureStackConfigWith, planFixture } from "../../support/fixture-stacks";
import { waitsFor } from "../../support/plan-graph";
import { one, ofType } from "../../support/plan-queries";
import { withoutSecretWrappers } from "../../support/secrets";

const CERTIFICATE = "arn:aws:acm:us-west-2:111111111111:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const OIDC = {
    sparkUiAuth: "oidc",
    sparkUiDomain: "spark.example.com",
    sparkUiCertificateArn: CERTIFICATE,
    sparkUiAllowedCidrs: ["10.20.0.0/16", "192.0.2.0/24"],
    sparkUiOidcIssuer: "https://login.example.com",
    sparkUiOidcAuthorizationEndpoint: "https://login.example.com/authorize",
    sparkUiOidcTokenEndpoint: "https://login.example.com/token",
    sparkUiOidcUserInfoEndpoint: "https://login.example.com/userinfo",
    sparkUiOidcClientId: "spark-ui",
    sparkUiOidcClientSecret: "s3cr3t-value",
};
const COGNITO = {
    sparkUiAuth: "cognito",
    sparkUiDomain: "spark.example.com",
    sparkUiCertificateArn: CERTIFICATE,
    sparkUiAllowedCidrs: ["10.20.0.0/16"],
    sparkUiCognitoUserPoolArn: "arn:aws:cognito-idp:us-west-2:111111111111:userpool/us-west-2_AbCdEf123",
    sparkUiCognitoClientId: "1example23456789",
    sparkUiCognitoDomain: "spark-login",
};

/** Git's blob id of a file's bytes: what `git hash-object` prints. */
const gitBlobId = (bytes: Buffer) =>
    createHash("sha1")
        .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
        .digest("hex");

describe("AWS Load Balancer Controller pin and IAM policy", () => {
    const pin = readChartPin(CONTROLLER_CHART);

    it("pins chart 3.5.0 and its image at the same release, with no hooks", () => {
        assert.equal(pin.version, "3.5.0");
        assert.equal(pin.repository, "https://aws.github.io/eks-charts");
        assert.deepEqual(pin.images, ["public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0"]);
        assert.deepEqual(pin.hooks, []);
    });

    it("keeps each partition's policy byte for byte as the v3.5.0 release publishes it", () => {
        for (const [partition, published] of Object.entries(publishedControllerPolicies())) {
            assert.match(published.url, /\/aws-load-balancer-controller\/v3\.5\.0\/docs\/install\/iam_policy/);
            const bytes = readFileSync(path.join(CHARTS_DIR, CONTROLLER_CHART, published.file));
            assert.equal(gitBlobId(bytes), published.blob, `${partition}: ${published.file} differs from upstream`);
        }
    });

    it("grants the role the published document of the stack's partition, unchanged and within IAM's size", () => {
        const commercial = JSON.parse(controllerPolicyDocument("aws")) as { Statement: { Resource: unknown }[] };
        assert.equal(commercial.Statement.length, 16);
        for (const partition of ["aws", "aws-cn", "aws-us-gov"] as const) {
            const text = controllerPolicyDocument(partition);
            const arns = JSON.stringify(JSON.parse(text)).match(/arn:[a-z-]+:/g) ?? [];
            assert.ok(arns.length > 0 && arns.every((a) => a === `arn:${partition}:`), partition);
            // Inline role policies may hold 10,240 characters, whitespace not counted.
            assert.ok(text.replace(/\s/g, "").length < 10_240, partition);
        }
    });
});

describe("AWS Load Balancer Controller chart values", () => {
    const base = readBaseValues(CONTROLLER_CHART);

    it("sets no key outside the pinned chart's recorded values keys, and runs restricted on the system nodes", () => {
        const merged = deepMerge(base, {
            clusterName: "spark-dev",
            region: "us-west-2",
            vpcId: "vpc-0123",
            serviceAccount: { create: true, name: "aws-load-balancer-controller", annotations: {} },
            nodeSelector: { "spark-platform/pool": "system" },
            webhookTLS: { caCert: "x", cert: "y", key: "z" },
        });
        assert.deepEqual(keysOutsideChart(merged, recordedChartKeys(CONTROLLER_CHART)), []);
        assert.equal(at(merged, "enableServiceMutatorWebhook"), false);
        assert.equal(at(merged, "clusterSecretsPermissions.allowAllSecrets"), false);
        assert.equal(at(merged, "keepTLSSecret"), false);
        assert.equal(at(merged, "podSecurityContext.seccompProfile.type"), "RuntimeDefault");
        assert.equal(at(merged, "securityContext.allowPrivilegeEscalation"), false);
        assert.deepEqual(at(merged, "securityContext.capabilities.drop"), ["ALL"]);
        for (const kind of ["requests", "limits"]) assert.ok(at(merged, `resources.${kind}.memory`) !== undefined);
    });

    it("certifies the webhook Service under every name the chart's own certificate carries", () => {
        assert.deepEqual(controllerWebhookDnsNames("aws-load-balancer-controller"), [
            "aws-load-balancer-webhook-service.aws-load-balancer-controller",
            "aws-load-balancer-webhook-service.aws-load-balancer-controller.svc",
            "aws-load-balancer-webhook-service.aws-load-balancer-controller.svc.cluster.local",
        ]);
    });
});

describe("the Spark UI Ingress", () => {
    const options: SparkUiIngressOptions = {
        namespace: "spark-history",
        endpoints: {
            "team-a": { service: "spark-history-team-a", port: 80 },
            "team-b": { service: "spark-history-team-b", port: 80 },
        },
        domain: "spark.example.com",
        certificateArn: CERTIFICATE,
        allowedCidrs: ["10.20.0.0/16", "192.0.2.0/24"],
        login: {
            type: "oidc",
            issuer: OIDC.sparkUiOidcIssuer,
            authorizationEndpoint: OIDC.sparkUiOidcAuthorizationEndpoint,
            tokenEndpoint: OIDC.sparkUiOidcTokenEndpoint,
            userInfoEndpoint: OIDC.sparkUiOidcUserInfoEndpoint,
            clientId: "spark-ui",
            clientSecret: "never-in-the-manifest",
        },
        ingressClassName: "alb",
    };

    it("is an internal HTTPS-only ALB, open to the allowed CIDRs, logging in with OIDC before any team's server", () => {
        const ingress = sparkUiIngressManifest(options);
        const a = ingress.metadata.annotations as Record<string, string>;
        assert.equal(a["alb.ingress.kubernetes.io/scheme"], "internal");
        assert.equal(a["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTPS":443}]');
        assert.equal(a["alb.ingress.kubernetes.io/certificate-arn"], CERTIFICATE);
        assert.equal(a["alb.ingress.kubernetes.io/inbound-cidrs"], "10.20.0.0/16,192.0.2.0/24");
        assert.equal(a["alb.ingress.kubernetes.io/auth-type"], "oidc");
        assert.deepEqual(JSON.parse(a["alb.ingress.kubernetes.io/auth-idp-oidc"]), {
            issuer: "https://login.example.com",
            authorizationEndpoint: "https://login.example.com/authorize",
            tokenEndpoint: "https://login.example.com/token",
            userInfoEndpoint: "https://login.example.com/userinfo",
            secretName: SPARK_UI_NAME,
        });
        assert.equal(a["alb.ingress.kubernetes.io/auth-on-unauthenticated-request"], "authenticate");
        assert.doesNotMatch(JSON.stringify(ingress), /never-in-the-manifest/);
        assert.deepEqual(
            ingress.spec.rules.map((r) => [r.host, r.http.paths[0].backend.service.name]),
            [
                ["team-a.spark.example.com", "spark-history-team-a"],
                ["team-b.spark.example.com", "spark-history-team-b"],
            ],
        );
    });

    it("logs in with Cognito when configured so", () => {
        const ingress = sparkUiIngressManifest({
            ...options,
            login: { type: "cognito", userPoolArn: COGNITO.sparkUiCognitoUserPoolArn, clientId: "c", domain: "d" },
        });
        const a = ingress.metadata.annotations as Record<string, string>;
        assert.equal(a["alb.ingress.kubernetes.io/auth-type"], "cognito");
        assert.deepEqual(JSON.parse(a["alb.ingress.kubernetes.io/auth-idp-cognito"]), {
            userPoolARN: COGNITO.sparkUiCognitoUserPoolArn,
            userPoolClientID: "c",
            userPoolDomain: "d",
        });
        assert.equal(a["alb.ingress.kubernetes.io/auth-idp-oidc"], undefined);
    });

    it("validates against the Kubernetes Ingress schema", async () => {
        const { Ingress } = await import("kubernetes-models/networking.k8s.io/v1/Ingress");
        new Ingress(sparkUiIngressManifest(options) as never).validate();
        assert.throws(() =>
            new Ingress({ ...sparkUiIngressManifest(options), spec: { rules: [{ host: 1 }] } } as never).validate(),
        );
    });
});

describe("sparkUi settings", () => {
    const config = (changes: Record<string, unknown>) => fixtureStackConfigWith("dev", changes);
    const problemsOf = (changes: Record<string, unknown>) => configProblems(config(changes));

    it("are off by default", () => {
        assert.equal(parseSettings(config({}), "spark-platform", "dev").sparkUi, undefined);
    });

    it("read a complete OIDC or Cognito login", () => {
        const oidc = parseSettings(config(OIDC), "spark-platform", "dev").sparkUi;
        assert.equal(oidc?.auth.type, "oidc");
        assert.deepEqual(oidc?.allowedCidrs, OIDC.sparkUiAllowedCidrs);
        const cognito = parseSettings(config(COGNITO), "spark-platform", "dev").sparkUi;
        assert.equal(cognito?.auth.type, "cognito");
    });

    it("refuse half a configuration in one line naming what is missing", () => {
        const { sparkUiOidcTokenEndpoint: _t, sparkUiAllowedCidrs: _c, ...half } = OIDC;
        assert.deepEqual(problemsOf(half), [
            'spark-platform:sparkUiAuth: "oidc" needs sparkUiAllowedCidrs, sparkUiOidcTokenEndpoint, not set',
        ]);
        assert.deepEqual(problemsOf({ sparkUiDomain: "spark.example.com", sparkUiCertificateArn: CERTIFICATE }), [
            "spark-platform:sparkUiAuth: is not set, but sparkUiDomain, sparkUiCertificateArn are; set sparkUiAuth to oidc or cognito for the login-protected Spark UI, or unset the sparkUi keys",
        ]);
        assert.deepEqual(problemsOf({ ...COGNITO, sparkUiOidcClientId: "x" }), [
            'spark-platform:sparkUiAuth: "cognito" sparkUiOidcClientId belong to the other login type; unset them',
        ]);
    });

    it("refuse values that would open the UI or point elsewhere, never printing the client secret", () => {
        const problems = problemsOf({
            ...OIDC,
            sparkUiAllowedCidrs: ["0.0.0.0/0"],
            sparkUiCertificateArn: CERTIFICATE.replace("us-west-2", "us-east-1"),
            sparkUiOidcIssuer: "http://login.example.com",
            sparkUiAuth: "oidc",
        });
        assert.equal(problems.length, 3);
        assert.match(problems.join("\n"), /sparkUiAllowedCidrs: "0\.0\.0\.0\/0" opens the Spark UI to every address/);
        assert.match(
            problems.join("\n"),
            /sparkUiCertificateArn: .* is not an ACM certificate ARN of the stack's region/,
        );
        assert.match(problems.join("\n"), /sparkUiOidcIssuer: "http:\/\/login\.example\.com" is not an https:\/\/ URL/);
        assert.doesNotMatch(problems.join("\n"), /s3cr3t-value/);
        assert.match(
            problemsOf({ ...OIDC, sparkUiAuth: "saml" })[0],
            /sparkUiAuth: "saml" is not allowed; use one of: oidc, cognito/,
        );
    });
});

describe("plans with and without the login path", function () {
    this.timeout(120_000);
    let withLogin: PlanResult;
    let without: PlanResult;
    before(async () => {
        without = await planFixture({ stack: "dev" });
        withLogin = await planFixture({ stack: "dev", configOverrides: OIDC });
    });

    const charts = (plan: PlanResult) => ofType(plan, "kubernetes:helm.sh/v4:Chart").map((c) => String(c.inputs.name));

    it("installs neither the controller nor an Ingress by default", () => {
        assert.ok(!charts(without).includes("aws-load-balancer-controller"));
        assert.equal(ofType(without, "kubernetes:networking.k8s.io/v1:Ingress").length, 0);
        assert.deepEqual(without.outputs.sparkUiUrls, {});
    });

    it("with the login path: the controller with its published policy, the Ingress and the team URLs", () => {
        assert.ok(charts(withLogin).includes("aws-load-balancer-controller"));
        const policy = ofType(withLogin, "aws:iam/rolePolicy:RolePolicy").find(
            (p) => p.inputs.name === "aws-load-balancer-controller",
        );
        assert.ok(policy);
        assert.deepEqual(JSON.parse(String(policy.inputs.policy)), JSON.parse(controllerPolicyDocument("aws")));
        const chart = ofType(withLogin, "kubernetes:helm.sh/v4:Chart").find(
            (c) => c.inputs.name === "aws-load-balancer-controller",
        );
        const values = withoutSecretWrappers(chart!.inputs.values);
        assert.match(String(at(values, "webhookTLS.caCert")), /BEGIN CERTIFICATE/);
        assert.equal(at(values, "serviceAccount.name"), "aws-load-balancer-controller");
        const [ingress] = ofType(withLogin, "kubernetes:networking.k8s.io/v1:Ingress");
        assert.equal(at(ingress.inputs, "spec.ingressClassName"), "alb");
        const teams = Object.keys(withLogin.outputs.sparkTeamOutputs as Record<string, unknown>);
        assert.deepEqual(
            withLogin.outputs.sparkUiUrls,
            Object.fromEntries(teams.map((t) => [t, `https://${t}.spark.example.com/`])),
        );
        const secret = ofType(withLogin, "kubernetes:core/v1:Secret").find(
            (s) => at(s.inputs, "metadata.name") === SPARK_UI_NAME,
        );
        assert.ok(secret, "the OIDC client Secret");
        assert.ok(waitsFor(withLogin, ingress).has(secret.urn), "the Ingress waits for its client Secret");
    });

    it("keeps the log domain overlapping the EKS chain, and passes the policy pack", async () => {
        const domain = one(withLogin, "aws:opensearch/domain:Domain");
        assert.ok(!waitsFor(withLogin, domain).has(one(withLogin, "eks:index:Cluster").urn));
        const devPolicyConfig: unknown = JSON.parse(
            readFileSync(path.join(PROJECT_DIR, "policies", "config", "dev.json"), "utf8"),
        );
        assert.deepEqual((await packVerdicts(withLogin.stackExport, devPolicyConfig)).violations, []);
    });
});

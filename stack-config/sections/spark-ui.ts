import { parseCidr, type Partition } from "../../components/vocabulary";
import type { SparkUiLogin } from "../../components/history";
import { ConfigReader } from "../config-reader";

/** How the Spark UI's load balancer logs users in (`sparkUiAuth`). */
export const SPARK_UI_AUTH_TYPES = ["oidc", "cognito"] as const;

/** The login-protected Spark UI (the `sparkUi*` keys); absent when `sparkUiAuth` is not set. */
export interface SparkUiSettings {
    /** DNS domain under which each team's History Server is `<team>.<domain>`. */
    readonly domain: string;
    /** ACM certificate of the HTTPS listener, covering `*.<domain>`. */
    readonly certificateArn: string;
    /** Source CIDRs allowed to reach the internal load balancer. */
    readonly allowedCidrs: readonly string[];
    readonly auth: SparkUiLogin;
}

const COMMON_KEYS = ["sparkUiDomain", "sparkUiCertificateArn", "sparkUiAllowedCidrs"] as const;
const OIDC_KEYS = [
    "sparkUiOidcIssuer",
    "sparkUiOidcAuthorizationEndpoint",
    "sparkUiOidcTokenEndpoint",
    "sparkUiOidcUserInfoEndpoint",
    "sparkUiOidcClientId",
    "sparkUiOidcClientSecret",
] as const;
const COGNITO_KEYS = ["sparkUiCognitoUserPoolArn", "sparkUiCognitoClientId", "sparkUiCognitoDomain"] as const;
/** Every key of the section but `sparkUiAuth`, which switches it on. */
export const SPARK_UI_KEYS = [...COMMON_KEYS, ...OIDC_KEYS, ...COGNITO_KEYS] as const;

const DOMAIN = /^(?=.{1,200}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HTTPS_URL = /^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

/**
 * The section, or undefined when it is off (no `sparkUiAuth`). Half a configuration is one line naming what is
 * missing (or what is set without `sparkUiAuth`), never a load balancer without a login.
 */
export function readSparkUi(
    r: ConfigReader,
    where: { region?: string; partition?: Partition },
): SparkUiSettings | undefined | null {
    // Each key read once: a malformed list is reported once.
    const read = (key: string) => {
        if (key !== "sparkUiAllowedCidrs") return r.optionalString(key);
        if (!r.has(key)) return undefined;
        const list = r.stringList(key, "list the CIDRs allowed to reach the Spark UI", { allowEmpty: true });
        return list !== undefined && list.length > 0 ? list : undefined;
    };
    const values = new Map<string, string | string[] | undefined>(SPARK_UI_KEYS.map((key) => [key, read(key)]));
    const auth = r.optionalString("sparkUiAuth");
    const set = SPARK_UI_KEYS.filter((key) => values.get(key) !== undefined);
    if (auth === undefined) {
        if (set.length === 0) return undefined;
        r.reportUnknown(
            "sparkUiAuth",
            `is not set, but ${set.join(", ")} ${set.length === 1 ? "is" : "are"}; set sparkUiAuth to ${SPARK_UI_AUTH_TYPES.join(" or ")} for the login-protected Spark UI, or unset the sparkUi keys`,
        );
        return null;
    }
    if (!(SPARK_UI_AUTH_TYPES as readonly string[]).includes(auth)) {
        r.report("sparkUiAuth", auth, `is not allowed; use one of: ${SPARK_UI_AUTH_TYPES.join(", ")}`);
        return null;
    }
    const needed = [...COMMON_KEYS, ...(auth === "oidc" ? OIDC_KEYS : COGNITO_KEYS)];
    const other = (auth === "oidc" ? COGNITO_KEYS : OIDC_KEYS) as readonly string[];
    const missing = needed.filter((key) => !set.includes(key));
    const stray = set.filter((key) => other.includes(key));
    if (missing.length > 0 || stray.length > 0) {
        const parts = [
            ...(missing.length > 0 ? [`needs ${missing.join(", ")}, not set`] : []),
            ...(stray.length > 0 ? [`${stray.join(", ")} belong to the other login type; unset them`] : []),
        ];
        r.reportUnknown("sparkUiAuth", `"${auth}" ${parts.join("; ")}`);
        return null;
    }
    const value = (key: string) => values.get(key) as string;
    let ok = r.check("sparkUiDomain", value("sparkUiDomain"), (d) =>
        DOMAIN.test(d) ? undefined : "is not a DNS domain such as spark.example.com; each team's UI is <team>.<domain>",
    );
    const certificate = new RegExp(
        `^arn:${where.partition ?? "aws"}:acm:${where.region ?? "[a-z0-9-]+"}:\\d{12}:certificate/[0-9a-f-]{36}$`,
    );
    ok =
        r.check("sparkUiCertificateArn", value("sparkUiCertificateArn"), (arn) =>
            certificate.test(arn)
                ? undefined
                : `is not an ACM certificate ARN of the stack's region (arn:${where.partition ?? "aws"}:acm:${where.region ?? "<region>"}:<account>:certificate/<id>)`,
        ) && ok;
    const cidrs = values.get("sparkUiAllowedCidrs") as string[];
    ok =
        r.checkEach("sparkUiAllowedCidrs", cidrs, (cidr) => {
            const parsed = parseCidr(cidr);
            if (typeof parsed === "string") return parsed;
            return parsed.prefixLength === 0 ? "opens the Spark UI to every address; list your networks" : undefined;
        }) && ok;
    const base = {
        domain: value("sparkUiDomain"),
        certificateArn: value("sparkUiCertificateArn"),
        allowedCidrs: cidrs,
    };
    if (auth === "oidc") {
        for (const key of OIDC_KEYS.slice(0, 4)) {
            ok = r.check(key, value(key), (url) => (HTTPS_URL.test(url) ? undefined : "is not an https:// URL")) && ok;
        }
        return ok
            ? {
                  ...base,
                  auth: {
                      type: "oidc",
                      issuer: value("sparkUiOidcIssuer"),
                      authorizationEndpoint: value("sparkUiOidcAuthorizationEndpoint"),
                      tokenEndpoint: value("sparkUiOidcTokenEndpoint"),
                      userInfoEndpoint: value("sparkUiOidcUserInfoEndpoint"),
                      clientId: value("sparkUiOidcClientId"),
                      clientSecret: value("sparkUiOidcClientSecret"),
                  },
              }
            : null;
    }
    const pool = new RegExp(
        `^arn:${where.partition ?? "aws"}:cognito-idp:${where.region ?? "[a-z0-9-]+"}:\\d{12}:userpool/[\\w-]+_[0-9a-zA-Z]+$`,
    );
    ok =
        r.check("sparkUiCognitoUserPoolArn", value("sparkUiCognitoUserPoolArn"), (arn) =>
            pool.test(arn) ? undefined : "is not a Cognito user pool ARN of the stack's region",
        ) && ok;
    return ok
        ? {
              ...base,
              auth: {
                  type: "cognito",
                  userPoolArn: value("sparkUiCognitoUserPoolArn"),
                  clientId: value("sparkUiCognitoClientId"),
                  domain: value("sparkUiCognitoDomain"),
              },
          }
        : null;
}

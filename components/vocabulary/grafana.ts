/** The stack's optional Amazon Managed Grafana workspace: none, or one people sign in to in one of two ways. */

/** `grafanaWorkspace`: `none`, or how people sign in (IAM Identity Center, or a SAML identity provider). */
export const GRAFANA_WORKSPACE_OPTIONS = ["none", "aws-sso", "saml"] as const;
export type GrafanaWorkspaceOption = (typeof GRAFANA_WORKSPACE_OPTIONS)[number];

/** Amazon Managed Grafana's authentication providers (CreateWorkspace `authenticationProviders`). */
export type GrafanaAuthentication = "AWS_SSO" | "SAML";

export function grafanaAuthenticationOf(option: GrafanaWorkspaceOption): GrafanaAuthentication | undefined {
    return option === "none" ? undefined : option === "aws-sso" ? "AWS_SSO" : "SAML";
}

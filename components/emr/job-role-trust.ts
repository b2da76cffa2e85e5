/**
 * Trust policy of a team's job execution role, as a pure function.
 *
 * Two kinds of pods assume the role through IRSA: the team's own Spark service account (SparkApplications of the
 * Spark operator), pinned exactly, and the service accounts EMR on EKS creates per job run in the team's namespace,
 * `emr-containers-sa-<framework>-<component>-<account>-<base36(role name)>`. The second statement is what
 * `aws emr-containers update-role-trust-policy` would add; writing it here keeps the trust in code (the CLI edits
 * it out of band, and Pulumi then reports drift). Both statements require tokens minted for STS.
 */
import { STS_AUDIENCE, serviceAccountSubject } from "../iam";
import type { Partition } from "../vocabulary";
import { base36 } from "./base36";

export interface JobRoleTrustInput {
    readonly partition: Partition;
    /** Account of the cluster's OIDC provider and of the role; EMR embeds it in its service-account names. */
    readonly accountId: string;
    /** ARN of the cluster's IAM OIDC provider: the Federated principal. */
    readonly oidcProviderArn: string;
    /** Issuer of the cluster's tokens, with or without `https://`. */
    readonly oidcIssuer: string;
    /** The team's namespace, where its jobs run. */
    readonly namespace: string;
    /** The team's Spark service account (SparkApplications). */
    readonly serviceAccount: string;
    /** The execution role's own name: EMR's service-account names end in its base36. */
    readonly roleName: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SERVICE_ACCOUNT = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** EMR on EKS's subject pattern for the service accounts it creates in `namespace` for the role `roleName`. */
export function emrServiceAccountPattern(namespace: string, accountId: string, roleName: string): string {
    return serviceAccountSubject(namespace, `emr-containers-sa-*-*-${accountId}-${base36(roleName)}`);
}

/** ARN of the cluster's IAM OIDC provider. */
export function oidcProviderArn(partition: Partition, accountId: string, oidcIssuer: string): string {
    return `arn:${partition}:iam::${accountId}:oidc-provider/${stripScheme(oidcIssuer)}`;
}

export function jobRoleTrustPolicy(input: JobRoleTrustInput) {
    const { partition, accountId, namespace, serviceAccount, roleName } = input;
    if (!/^\d{12}$/.test(accountId)) throw new Error(`account id ${JSON.stringify(accountId)} is not 12 digits`);
    if (!DNS_LABEL.test(namespace))
        throw new Error(`namespace ${JSON.stringify(namespace)} is not a Kubernetes namespace name`);
    if (!SERVICE_ACCOUNT.test(serviceAccount) || serviceAccount.length > 253) {
        throw new Error(`service account ${JSON.stringify(serviceAccount)} is not a Kubernetes name (no wildcards)`);
    }
    if (!ROLE_NAME.test(roleName))
        throw new Error(`role name ${JSON.stringify(roleName)} is not an IAM role name of at most 64 characters`);
    const issuer = stripScheme(input.oidcIssuer);
    if (issuer === "" || issuer.includes("*"))
        throw new Error(`OIDC issuer ${JSON.stringify(input.oidcIssuer)} is not an issuer URL`);
    if (input.oidcProviderArn !== oidcProviderArn(partition, accountId, issuer)) {
        throw new Error(
            `OIDC provider ${JSON.stringify(input.oidcProviderArn)} is not the provider of issuer ${issuer} ` +
                `in account ${accountId}; EMR's service-account pattern names the role's own account`,
        );
    }
    const principal = { Federated: input.oidcProviderArn };
    const aud = { [`${issuer}:aud`]: STS_AUDIENCE };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "TeamSparkServiceAccount",
                Effect: "Allow",
                Principal: principal,
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { [`${issuer}:sub`]: serviceAccountSubject(namespace, serviceAccount), ...aud },
                },
            },
            {
                Sid: "EmrOnEksJobServiceAccounts",
                Effect: "Allow",
                Principal: principal,
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringLike: { [`${issuer}:sub`]: emrServiceAccountPattern(namespace, accountId, roleName) },
                    StringEquals: aud,
                },
            },
        ],
    };
}

function stripScheme(issuer: string): string {
    return issuer.replace(/^https:\/\//, "");
}

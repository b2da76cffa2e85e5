/**
 * The keys of the project's own namespace the program reads: a key outside this list is a typo or a setting of
 * another version, and stops the program before anything is registered (a test keeps the list equal to what
 * Pulumi.yaml declares, plus the two object-valued keys it documents). Keys of other namespaces (`aws:`,
 * `kubernetes:`, `pulumi:`, …) belong to their packages and are never judged here.
 */
import { closestName } from "../components/vocabulary";
import type { ConfigReader, RawConfig } from "./config-reader";

export const SETTING_KEYS = [
    "availabilityZones",
    "sparkZones",
    "autoscaler",
    "vpcCidr",
    "natGatewayCount",
    "vpcFlowLogs",
    "kubernetesVersion",
    "serviceCidr",
    "apiEndpointAccess",
    "apiPublicAccessCidrs",
    "apiPrivateAccessCidrs",
    "apiPrivateAccessSecurityGroupIds",
    "adminPrincipals",
    "viewerPrincipals",
    "kubernetesSupportType",
    "clusterDeletionProtection",
    "emrReleaseLabel",
    "sparkMaxVcpuPerZone",
    "sparkMaxMemoryGiBPerZone",
    "opensearchEngineVersion",
    "opensearchInstanceType",
    "opensearchInstanceCount",
    "opensearchVolumeSizeGiB",
    "systemNodeInstanceTypes",
    "systemNodeArchitectures",
    "systemNodeMinSize",
    "systemNodeMaxSize",
    "sparkDriverInstanceFamilies",
    "sparkDriverArchitectures",
    "sparkDriverInstanceSizes",
    "sparkExecutorInstanceFamilies",
    "sparkExecutorArchitectures",
    "sparkExecutorInstanceSizes",
    "karpenterAmiVersion",
    "sparkExecutorConsolidateAfter",
    "createSpotServiceLinkedRole",
    "sparkOperatorSource",
    "emrImageTag",
    "deploySparkSamples",
    "emrRetainPlatformBucket",
    "emrCreateServiceLinkedRole",
    "emrLogRetentionDays",
    "emrEventLogRetentionDays",
    "opensearchZoneCount",
    "opensearchDedicatedMasterType",
    "opensearchDedicatedMasterCount",
    "opensearchDeletionProtection",
    "opensearchLogRetentionDays",
    "opensearchAdminArns",
    "opensearchCreateServiceLinkedRole",
    "alertEmails",
    "fluentBitInitialWaitSeconds",
    "sparkUiAuth",
    "sparkUiDomain",
    "sparkUiCertificateArn",
    "sparkUiAllowedCidrs",
    "sparkUiOidcIssuer",
    "sparkUiOidcAuthorizationEndpoint",
    "sparkUiOidcTokenEndpoint",
    "sparkUiOidcUserInfoEndpoint",
    "sparkUiOidcClientId",
    "sparkUiOidcClientSecret",
    "sparkUiCognitoUserPoolArn",
    "sparkUiCognitoClientId",
    "sparkUiCognitoDomain",
    "batchScheduler",
    // Object-valued, so not declared in Pulumi.yaml (its config schema cannot type objects).
    "teams",
    "tags",
] as const;

/**
 * Reports every key of the project's namespace the program does not read, and every key whose namespace is a
 * misspelling of the project's, naming the closest known key. Values are never printed: a secret's would be.
 */
export function reportUnknownKeys(r: ConfigReader, raw: RawConfig): void {
    const known: readonly string[] = SETTING_KEYS;
    for (const qualified of raw.keys()) {
        const colon = qualified.indexOf(":");
        const namespace = qualified.slice(0, colon);
        const key = qualified.slice(colon + 1);
        if (namespace === r.namespace) {
            if (known.includes(key)) continue;
            const near = closestName(key, known);
            r.reportUnknown(
                qualified,
                `is not a setting of ${r.namespace}; ${near ? `did you mean ${near}?` : "no setting is named like it"} ` +
                    "(the settings are listed in Pulumi.yaml)",
            );
        } else if (colon > 0 && closestName(namespace, [r.namespace]) !== undefined) {
            r.reportUnknown(
                qualified,
                `is in namespace "${namespace}", which nothing reads; did you mean ${r.namespace}:${key}?`,
            );
        }
    }
}

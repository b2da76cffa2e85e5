/**
 * The stack-specific Helm values of the EMR Spark Operator, merged over charts/spark-operator/values.yaml.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Values } from "../charts";
import { WEBHOOK_CERT_CHECKSUM_ANNOTATION } from "./webhook-certificate";

/** Label the team namespaces carry so the operator's mutating webhook acts on them, and only on them. */
export const SPARK_JOBS_NAMESPACE_LABEL = { key: "spark-platform/spark-jobs", value: "enabled" } as const;

export interface OperatorValuesInput {
    /** Region of the stack: the operator looks up EMR's registry account for its images with it. */
    readonly region: string;
    /** Namespaces whose SparkApplications the operator runs: the team namespaces. */
    readonly jobNamespaces: readonly string[];
    /** Node selector of the system node group; the operator must not sit on Spark nodes an autoscaler removes. */
    readonly systemNodeSelector: Readonly<Record<string, string>>;
    /**
     * The chart's fullname, pinned (`fullnameOverride`) so the names the program gives the hook replacements (the
     * ClusterRole, the webhook Secret and the certificate's DNS name) are the ones the chart's templates use.
     */
    readonly fullname: string;
    /** Checksum of the webhook certificates: a new one restarts the operator, which registers the new CA bundle. */
    readonly webhookCertificateChecksum?: pulumi.Input<string>;
}

export function sparkOperatorValues(input: OperatorValuesInput): Values {
    if (input.jobNamespaces.length === 0) throw new RangeError("the Spark Operator needs at least one job namespace");
    const selector = `${SPARK_JOBS_NAMESPACE_LABEL.key}=${SPARK_JOBS_NAMESPACE_LABEL.value}`;
    return {
        fullnameOverride: input.fullname,
        emrContainers: { awsRegion: input.region },
        // The 1.1.x-layout chart watches one namespace (`sparkJobNamespace`, "" = all); with several teams it must
        // watch all, and the webhook's namespace selector plus per-namespace RBAC keep it to the team namespaces.
        // Charts of the newer layout read the list (`sparkJobNamespaces`), so both are set.
        sparkJobNamespace: input.jobNamespaces.length === 1 ? input.jobNamespaces[0] : "",
        sparkJobNamespaces: [...input.jobNamespaces],
        webhook: { enable: true, namespaceSelector: selector },
        nodeSelector: { ...input.systemNodeSelector },
        ...(input.webhookCertificateChecksum === undefined
            ? {}
            : { podAnnotations: { [WEBHOOK_CERT_CHECKSUM_ANNOTATION]: input.webhookCertificateChecksum } }),
    };
}

/**
 * The account-wide service-linked roles the platform relies on. An account gets each one the first time the service
 * is used (or when someone creates it); until then anything naming it fails. A stack may create one when the account
 * lacks it; the role then serves the whole account, so `pulumi destroy` leaves it in place.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export const SERVICE_LINKED_ROLES = {
    /** Spot Instance requests (Spark executors). */
    spot: { roleName: "AWSServiceRoleForEC2Spot", awsServiceName: "spot.amazonaws.com" },
    /** EMR on EKS: the principal of the EMR access entry; AWS creates it with an account's first virtual cluster. */
    emrContainers: {
        roleName: "AWSServiceRoleForAmazonEMRContainers",
        awsServiceName: "emr-containers.amazonaws.com",
    },
    /** Amazon OpenSearch Service: a VPC domain cannot be created without it. */
    openSearch: {
        roleName: "AWSServiceRoleForAmazonOpenSearchService",
        awsServiceName: "opensearchservice.amazonaws.com",
    },
} as const;

export type ServiceLinkedRoleKind = keyof typeof SERVICE_LINKED_ROLES;

/** Creates one of the roles above, retained on delete (other stacks and the account's other users rely on it). */
export function createServiceLinkedRole(
    name: string,
    kind: ServiceLinkedRoleKind,
    opts: pulumi.CustomResourceOptions,
): aws.iam.ServiceLinkedRole {
    return new aws.iam.ServiceLinkedRole(
        name,
        { awsServiceName: SERVICE_LINKED_ROLES[kind].awsServiceName },
        { ...opts, retainOnDelete: true },
    );
}

/**
 * The cluster's default StorageClass as a pure manifest, so tests validate it against the upstream schema.
 *
 * gp3 through the EBS CSI driver, always encrypted, bound only when the pod is scheduled: a Spark pool lives in
 * one zone and an EBS volume must be created in the zone of the node that mounts it.
 * EKS stopped marking the in-tree gp2 class default from Kubernetes 1.30 on, the oldest version this program
 * accepts, so no other class competes for the default.
 * https://docs.aws.amazon.com/eks/latest/userguide/create-storage-class.html
 */

export const DEFAULT_STORAGE_CLASS_NAME = "gp3-encrypted";

export function defaultStorageClassManifest() {
    return {
        apiVersion: "storage.k8s.io/v1" as const,
        kind: "StorageClass" as const,
        metadata: {
            name: DEFAULT_STORAGE_CLASS_NAME,
            annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "xfs" },
        reclaimPolicy: "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}

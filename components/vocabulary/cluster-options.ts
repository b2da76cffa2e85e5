/** The cluster-wide choices a stack makes: which autoscaler, how the API is reached, the EKS support policy. */

export const AUTOSCALERS = ["karpenter", "cluster-autoscaler"] as const;
export type Autoscaler = (typeof AUTOSCALERS)[number];

export const API_ENDPOINT_ACCESS = ["private", "public-and-private"] as const;
export type ApiEndpointAccess = (typeof API_ENDPOINT_ACCESS)[number];

/** EKS support policies: STANDARD upgrades at end of standard support; EXTENDED keeps the minor, at a per-hour fee. */
export const KUBERNETES_SUPPORT_TYPES = ["STANDARD", "EXTENDED"] as const;
export type KubernetesSupportType = (typeof KUBERNETES_SUPPORT_TYPES)[number];

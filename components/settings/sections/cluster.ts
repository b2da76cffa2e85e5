import { supportedKubernetesVersions } from "../../cluster/supported-versions";
import { ConfigReader } from "../config-reader";
import type { Partition } from "../regions";
import { Cidr, cidrsOverlap, parseCidr, parseIamPrincipalArn } from "../validators";

export const AUTOSCALERS = ["karpenter", "cluster-autoscaler"] as const;
export type Autoscaler = (typeof AUTOSCALERS)[number];

export const API_ENDPOINT_ACCESS = ["private", "public-and-private"] as const;
export type ApiEndpointAccess = (typeof API_ENDPOINT_ACCESS)[number];

export interface ClusterSettings {
    /** A minor the add-ons and every chart are pinned for (components/cluster/supported-versions.ts). */
    readonly kubernetesVersion: string;
    readonly serviceCidr: Cidr;
    readonly apiEndpointAccess: ApiEndpointAccess;
    readonly apiPublicAccessCidrs: readonly string[];
    readonly adminPrincipalArns: readonly string[];
    readonly autoscaler: Autoscaler;
}

export function readCluster(
    r: ConfigReader,
    vpcCidr: Cidr | undefined,
    partition: Partition | undefined,
): ClusterSettings | undefined {
    const kubernetesVersion = r.oneOf("kubernetesVersion", supportedKubernetesVersions());
    // EKS only accepts a service range inside RFC 1918 space, /12 to /24 (CreateCluster kubernetesNetworkConfig).
    const serviceCidr = r.cidr("serviceCidr", { minPrefix: 12, maxPrefix: 24 });
    if (serviceCidr && vpcCidr && cidrsOverlap(serviceCidr, vpcCidr)) {
        r.report("serviceCidr", serviceCidr.text, `overlaps vpcCidr ${vpcCidr.text}; pick a range outside the VPC`);
    }
    const apiEndpointAccess = r.oneOf("apiEndpointAccess", API_ENDPOINT_ACCESS);
    const publicCidrs = readPublicAccessCidrs(r, apiEndpointAccess);
    const admins = r.stringList("adminPrincipals", "list the IAM role or user ARNs that administer the cluster", {
        allowEmpty: false,
    });
    r.checkEach("adminPrincipals", admins, (arn) => {
        const parsed = parseIamPrincipalArn(arn);
        if (typeof parsed === "string") return parsed;
        if (partition !== undefined && parsed.partition !== partition) {
            return `is in partition ${parsed.partition}, but aws:region is in ${partition}`;
        }
        return undefined;
    });
    const autoscaler = r.oneOf("autoscaler", AUTOSCALERS);
    if (!kubernetesVersion || !serviceCidr || !apiEndpointAccess || !publicCidrs || !admins || !autoscaler)
        return undefined;
    return {
        kubernetesVersion,
        serviceCidr,
        apiEndpointAccess,
        apiPublicAccessCidrs: publicCidrs,
        adminPrincipalArns: admins,
        autoscaler,
    };
}

function readPublicAccessCidrs(r: ConfigReader, access: ApiEndpointAccess | undefined): string[] | undefined {
    const key = "apiPublicAccessCidrs";
    const cidrs = r.stringList(key, "list the CIDR blocks allowed to reach the public API endpoint", {
        allowEmpty: true,
    });
    if (!cidrs || !access) return undefined;
    r.checkEach(key, cidrs, (text) => {
        const cidr = parseCidr(text);
        if (typeof cidr === "string") return cidr;
        return cidr.prefixLength === 0
            ? "opens the API endpoint to the whole internet; list the networks that need it"
            : undefined;
    });
    r.check(key, cidrs, (list) => {
        if (access === "public-and-private" && list.length === 0) {
            return "is empty, but apiEndpointAccess is public-and-private; list the allowed CIDR blocks";
        }
        if (access === "private" && list.length > 0) {
            return "is set, but apiEndpointAccess is private; remove it or set apiEndpointAccess: public-and-private";
        }
        return undefined;
    });
    return cidrs;
}

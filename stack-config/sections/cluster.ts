import { supportedKubernetesVersions } from "../../components/cluster";
import {
    API_ENDPOINT_ACCESS,
    AUTOSCALERS,
    type ApiEndpointAccess,
    type Autoscaler,
    type Cidr,
    KUBERNETES_SUPPORT_TYPES,
    type KubernetesSupportType,
    type Partition,
    cidrsOverlap,
    parseCidr,
} from "../../components/vocabulary";
import { ConfigReader } from "../config-reader";
import { parseIamPrincipalArn } from "../validators";

export interface ClusterSettings {
    /** A minor the add-ons and every chart are pinned for (components/cluster/supported-versions.ts). */
    readonly kubernetesVersion: string;
    readonly serviceCidr: Cidr;
    readonly apiEndpointAccess: ApiEndpointAccess;
    readonly apiPublicAccessCidrs: readonly string[];
    /** Networks of deployers and CI runners allowed to reach the API on 443 through the cluster security group. */
    readonly apiPrivateAccessCidrs: readonly string[];
    /** Security groups of deployers and CI runners (in the VPC or a peered one) allowed to reach the API on 443. */
    readonly apiPrivateAccessSecurityGroupIds: readonly string[];
    readonly adminPrincipalArns: readonly string[];
    /** Principals that read in-cluster state (AmazonEKSAdminViewPolicy, cluster scope): preview and drift roles. */
    readonly viewerPrincipalArns: readonly string[];
    readonly autoscaler: Autoscaler;
    /** EKS upgrade policy; STANDARD unless the stack opts into paid extended support. */
    readonly supportType: KubernetesSupportType;
    /** EKS refuses to delete the cluster while this is on. */
    readonly deletionProtection: boolean;
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
    const privateAccess = readPrivateAccess(r, apiEndpointAccess);
    const principalCheck = (arn: string) => {
        const parsed = parseIamPrincipalArn(arn);
        if (typeof parsed === "string") return parsed;
        if (partition !== undefined && parsed.partition !== partition) {
            return `is in partition ${parsed.partition}, but aws:region is in ${partition}`;
        }
        return undefined;
    };
    const admins = r.stringList("adminPrincipals", "list the IAM role or user ARNs that administer the cluster", {
        allowEmpty: false,
    });
    const adminsOk = r.checkEach("adminPrincipals", admins, principalCheck);
    const viewers = r.stringList("viewerPrincipals", "list the IAM role ARNs that only read the cluster", {
        allowEmpty: true,
    });
    const viewersOk = r.checkEach("viewerPrincipals", viewers, principalCheck);
    r.checkFirst("viewerPrincipals", viewers, (arn) =>
        admins?.includes(arn)
            ? "is also in adminPrincipals; EKS allows one access entry per principal, list it in one of them"
            : undefined,
    );
    const autoscaler = r.oneOf("autoscaler", AUTOSCALERS);
    const supportType = r.oneOf("kubernetesSupportType", KUBERNETES_SUPPORT_TYPES);
    const deletionProtection = r.boolean("clusterDeletionProtection");
    if (!kubernetesVersion || !serviceCidr || !apiEndpointAccess || !publicCidrs || !privateAccess) return undefined;
    if (!admins || !adminsOk || !viewers || !viewersOk || !autoscaler || !supportType) return undefined;
    if (deletionProtection === undefined) return undefined;
    return {
        kubernetesVersion,
        serviceCidr,
        apiEndpointAccess,
        apiPublicAccessCidrs: publicCidrs,
        apiPrivateAccessCidrs: privateAccess.cidrs,
        apiPrivateAccessSecurityGroupIds: privateAccess.securityGroupIds,
        adminPrincipalArns: admins,
        viewerPrincipalArns: viewers,
        autoscaler,
        supportType,
        deletionProtection,
    };
}

/**
 * Where deployers and CI runners reach the API from. EKS puts only its own cluster security group on the control
 * plane's network interfaces, and that group admits only its members (the nodes): without a 443 rule for these
 * sources, the first Kubernetes resource of a private cluster's `pulumi up`, and every preview after, times out.
 */
function readPrivateAccess(
    r: ConfigReader,
    access: ApiEndpointAccess | undefined,
): { cidrs: string[]; securityGroupIds: string[] } | undefined {
    const cidrKey = "apiPrivateAccessCidrs";
    const groupKey = "apiPrivateAccessSecurityGroupIds";
    const cidrs = r.stringList(cidrKey, "list the CIDR blocks deployers and CI runners reach the VPC from", {
        allowEmpty: true,
    });
    const cidrsOk = r.checkEach(cidrKey, cidrs, (text) => {
        const cidr = parseCidr(text);
        if (typeof cidr === "string") return cidr;
        return cidr.prefixLength === 0 ? "opens the API to every network; list the deployers' networks" : undefined;
    });
    const groups = r.stringList(groupKey, "list the security group ids of deployers and CI runners", {
        allowEmpty: true,
    });
    const groupsOk = r.checkEach(groupKey, groups, (id) =>
        /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)
            ? undefined
            : "is not a security group id such as sg-0123456789abcdef0",
    );
    if (!cidrs || !cidrsOk || !groups || !groupsOk) return undefined;
    if (access === "private" && cidrs.length === 0 && groups.length === 0) {
        r.report(
            cidrKey,
            cidrs,
            `is empty and so is ${groupKey}, but apiEndpointAccess is private: nothing outside the cluster could ` +
                "reach the API and pulumi up would time out; list the deployers' and CI runners' networks or " +
                "security groups, or use public-and-private with apiPublicAccessCidrs until a runner in the VPC exists",
        );
        return undefined;
    }
    return { cidrs, securityGroupIds: groups };
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

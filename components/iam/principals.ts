/**
 * Who runs `pulumi up`: the caller's ARN as STS reports it, resolved to the IAM principal EKS grants cluster admin
 * to when it creates the cluster. An assumed-role session (`arn:aws:sts::1:assumed-role/Deployer/ci-run`) is the role
 * `Deployer`, whatever the session name; a role's path is not part of the session ARN, so roles are compared by name.
 */

export interface Principal {
    readonly partition: string;
    readonly accountId: string;
    readonly kind: "role" | "user" | "root" | "other";
    /** Role or user name (without path). */
    readonly name: string;
}

export function principalOf(arn: string): Principal | undefined {
    const m = /^arn:([a-z-]+):(iam|sts)::(\d{12}):(.+)$/.exec(arn);
    if (!m) return undefined;
    const [, partition, service, accountId, resource] = m;
    if (service === "sts") {
        const role = /^assumed-role\/([^/]+)\/[^/]+$/.exec(resource);
        return role
            ? { partition, accountId, kind: "role", name: role[1] }
            : { partition, accountId, kind: "other", name: resource };
    }
    if (resource === "root") return { partition, accountId, kind: "root", name: "root" };
    const typed = /^(role|user)\/(?:.*\/)?([^/]+)$/.exec(resource);
    if (!typed) return { partition, accountId, kind: "other", name: resource };
    return { partition, accountId, kind: typed[1] as "role" | "user", name: typed[2] };
}

/** Whether two ARNs name the same IAM principal (sessions resolved to their role, paths ignored). */
export function samePrincipal(a: string, b: string): boolean {
    const pa = principalOf(a);
    const pb = principalOf(b);
    if (pa === undefined || pb === undefined || pa.kind === "other" || pb.kind === "other") return a === b;
    return pa.partition === pb.partition && pa.accountId === pb.accountId && pa.kind === pb.kind && pa.name === pb.name;
}

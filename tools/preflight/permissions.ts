/**
 * Preflight's check of the deployer's own IAM permissions for what `pulumi up` does first, simulated with
 * iam:SimulatePrincipalPolicy against the caller's identity policies (permission boundaries and the organization's
 * SCPs included; resource policies are not, so the KMS key policy the stack writes, which trusts the account, is
 * what lets the caller's identity policy decide). Each context that changes the answer gets its own simulation:
 * iam:PassRole per receiving service, iam:CreateServiceLinkedRole per service whose role the stack or EKS creates.
 */
import { GetRoleCommand, SimulatePrincipalPolicyCommand, type ContextEntry } from "@aws-sdk/client-iam";
import type { Settings } from "../../components/settings";
import { principalOf } from "../../components/iam/principals";
import type { Check } from "./checks";

export interface PermissionRequest {
    readonly actions: readonly string[];
    /** One context key with one value (iam:PassedToService, iam:AWSServiceName), when the answer depends on it. */
    readonly context?: { readonly key: string; readonly value: string };
}

/** What the first `pulumi up` of the stack asks AWS to do, by context. */
export function permissionRequests(settings: Settings): PermissionRequest[] {
    const plain = [
        // The platform key, its policy (the stack writes it at creation) and alias.
        "kms:CreateKey",
        "kms:PutKeyPolicy",
        "kms:EnableKeyRotation",
        "kms:CreateAlias",
        "kms:TagResource",
        "iam:CreateRole",
        "iam:AttachRolePolicy",
        "iam:PutRolePolicy",
        "iam:TagRole",
        "iam:CreateOpenIDConnectProvider",
        "iam:CreateInstanceProfile",
        "ec2:CreateVpc",
        "ec2:CreateSubnet",
        "ec2:CreateNatGateway",
        "ec2:AllocateAddress",
        "ec2:CreateSecurityGroup",
        "ec2:CreateLaunchTemplate",
        "eks:CreateCluster",
        "eks:CreateNodegroup",
        "eks:CreateAccessEntry",
        "eks:CreateAddon",
        "es:CreateDomain",
        "aps:CreateWorkspace",
        "s3:CreateBucket",
        "logs:CreateLogGroup",
        "emr-containers:CreateVirtualCluster",
    ];
    const passTo = ["eks.amazonaws.com", ...(settings.network.flowLogs ? ["vpc-flow-logs.amazonaws.com"] : [])];
    // EKS creates its own service-linked roles on first use, with the caller's permission.
    const linked = [
        "eks.amazonaws.com",
        "eks-nodegroup.amazonaws.com",
        ...(settings.capacity.createSpotServiceLinkedRole ? ["spot.amazonaws.com"] : []),
        ...(settings.emr.createServiceLinkedRole ? ["emr-containers.amazonaws.com"] : []),
        ...(settings.opensearch.createServiceLinkedRole ? ["opensearchservice.amazonaws.com"] : []),
    ];
    return [
        { actions: plain },
        ...passTo.map((value) => ({ actions: ["iam:PassRole"], context: { key: "iam:PassedToService", value } })),
        ...linked.map((value) => ({
            actions: ["iam:CreateServiceLinkedRole"],
            context: { key: "iam:AWSServiceName", value },
        })),
    ];
}

export const PERMISSION_CHECKS: readonly Check[] = [
    {
        id: "deployer-permissions",
        title: "the deployer may do what pulumi up does first (iam:SimulatePrincipalPolicy)",
        async run(plan, clients, caller) {
            const who = principalOf(caller.arn);
            if (who?.kind === "root")
                return { status: "pass", detail: "the caller is the account's root user: every action is allowed" };
            // A session ARN has no role path; SimulatePrincipalPolicy needs the role's own ARN.
            const source =
                who?.kind === "role"
                    ? ((await clients.iam.send(new GetRoleCommand({ RoleName: who.name }))).Role?.Arn ?? caller.arn)
                    : caller.arn;
            const denied: string[] = [];
            let count = 0;
            for (const request of plan.permissions) {
                const ContextEntries: ContextEntry[] | undefined = request.context && [
                    {
                        ContextKeyName: request.context.key,
                        ContextKeyType: "string",
                        ContextKeyValues: [request.context.value],
                    },
                ];
                let Marker: string | undefined;
                do {
                    const answer = await clients.iam.send(
                        new SimulatePrincipalPolicyCommand({
                            PolicySourceArn: source,
                            ActionNames: [...request.actions],
                            ContextEntries,
                            Marker,
                        }),
                    );
                    for (const result of answer.EvaluationResults ?? []) {
                        count++;
                        if (result.EvalDecision === "allowed") continue;
                        const on = request.context ? ` (${request.context.key}=${request.context.value})` : "";
                        denied.push(`${result.EvalActionName}${on}: ${result.EvalDecision}`);
                    }
                    Marker = answer.IsTruncated ? answer.Marker : undefined;
                } while (Marker);
            }
            return denied.length === 0
                ? { status: "pass", detail: `${source} may perform all ${count} simulated actions` }
                : {
                      status: "fail",
                      detail: `${source} may not: ${denied.join("; ")}`,
                      fix: "grant the deployer these actions (an explicitDeny comes from a deny statement, a permissions boundary or an SCP), or deploy with a role that has them",
                  };
        },
    },
];

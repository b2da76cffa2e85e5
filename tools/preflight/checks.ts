/**
 * The checks preflight runs with the user's credentials, each answering pass or fail with the fix. Each check is a
 * function of the plan (what the stack will ask AWS for) and the SDK clients, so tests drive them with mocked
 * clients and no network.
 */
import { DescribeAddonVersionsCommand, type EKSClient } from "@aws-sdk/client-eks";
import { DescribeAvailabilityZonesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { AmpClient } from "@aws-sdk/client-amp";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { GlueClient } from "@aws-sdk/client-glue";
import { GetRoleCommand, type IAMClient, NoSuchEntityException, type Tag } from "@aws-sdk/client-iam";
import type { OpenSearchClient } from "@aws-sdk/client-opensearch";
import type { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { GetParameterCommand, ParameterNotFound, type SSMClient } from "@aws-sdk/client-ssm";
import { type Caller, firstLine } from "../cli";
import { SERVICE_LINKED_ROLES, principalOf, samePrincipal } from "../../components/iam";
import { EC2_ARCHITECTURE } from "../../components/vocabulary";
import { CAPACITY_CHECKS } from "./capacity";
import { PERMISSION_CHECKS } from "./permissions";
import type { AmiParameter, PreflightPlan } from "./plan";
import { IMAGE_CHECK } from "./image-check";
import { ecrBasicAuth } from "./images";
import { type Fetch, lookUpChart } from "./registries";
import { SERVICE_LINKED_ROLE_CHECKS, taggedByStack } from "./service-linked-roles";
import { SERVICE_CHECKS } from "./services";
import { GLUE_CHECKS } from "./glue";

export interface AwsClients {
    readonly ec2: EC2Client;
    readonly eks: EKSClient;
    readonly ssm: SSMClient;
    readonly iam: IAMClient;
    readonly quotas: ServiceQuotasClient;
    readonly ecr: ECRClient;
    readonly amp: AmpClient;
    readonly opensearch: OpenSearchClient;
    readonly glue: GlueClient;
    readonly fetch: Fetch;
}

export type { Caller };

export type CheckStatus = "pass" | "fail";

export interface CheckResult {
    readonly id: string;
    readonly title: string;
    readonly status: CheckStatus;
    readonly detail: string;
    /** What to do about a failure. */
    readonly fix?: string;
}

type Outcome = Omit<CheckResult, "id" | "title">;

export interface Check {
    readonly id: string;
    readonly title: string;
    /** Undefined when the check does not apply to this stack (e.g. the AMI alias with Cluster Autoscaler). */
    applies?(plan: PreflightPlan): boolean;
    run(plan: PreflightPlan, clients: AwsClients, caller: Caller): Promise<Outcome>;
}

const pass = (detail: string): Outcome => ({ status: "pass", detail });
const fail = (detail: string, fix: string): Outcome => ({ status: "fail", detail, fix });

export const SPOT_SERVICE_LINKED_ROLE = SERVICE_LINKED_ROLES.spot.roleName;

export const CHECKS: readonly Check[] = [
    {
        id: "account",
        title: "the caller's account is one the stack may deploy to",
        async run(plan, _clients, caller) {
            return plan.allowedAccountIds.includes(caller.accountId)
                ? pass(`account ${caller.accountId} is in aws:allowedAccountIds`)
                : fail(
                      `account ${caller.accountId} is not in aws:allowedAccountIds (${plan.allowedAccountIds.join(", ")})`,
                      `use credentials of an allowed account, or add ${caller.accountId} to aws:allowedAccountIds in Pulumi.${plan.stack}.yaml`,
                  );
        },
    },
    {
        id: "zones",
        title: "the configured zones exist in the region",
        async run(plan, clients) {
            const answer = await clients.ec2.send(
                new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: false }),
            );
            const available = new Set(
                (answer.AvailabilityZones ?? []).filter((z) => z.State === "available").map((z) => z.ZoneName),
            );
            const missing = plan.availabilityZones.filter((z) => !available.has(z));
            return missing.length === 0
                ? pass(`${plan.availabilityZones.join(", ")} are available in ${plan.region}`)
                : fail(
                      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not an available zone of ${plan.region} for this account (available: ${[...available].sort().join(", ")})`,
                      `pick zones from the available list in spark-platform:availabilityZones and sparkZones (zone names map differently per account)`,
                  );
        },
    },
    {
        id: "addons",
        title: "every pinned EKS add-on version is offered for the Kubernetes version",
        async run(plan, clients) {
            const problems: string[] = [];
            for (const [addon, version] of Object.entries(plan.addonVersions)) {
                const answer = await clients.eks.send(
                    new DescribeAddonVersionsCommand({ addonName: addon, kubernetesVersion: plan.kubernetesVersion }),
                );
                const offered = (answer.addons ?? []).flatMap((a) =>
                    (a.addonVersions ?? []).map((v) => v.addonVersion),
                );
                if (!offered.includes(version))
                    problems.push(`${addon} ${version} (offered: ${offered.slice(0, 3).join(", ") || "none"})`);
            }
            if (Object.keys(plan.addonVersions).length === 0) {
                return fail(
                    `no add-on versions are pinned for Kubernetes ${plan.kubernetesVersion}`,
                    "pin them in components/cluster/addon-versions.ts",
                );
            }
            return problems.length === 0
                ? pass(
                      `${Object.entries(plan.addonVersions)
                          .map(([a, v]) => `${a} ${v}`)
                          .join(", ")} are offered for ${plan.kubernetesVersion}`,
                  )
                : fail(
                      `not offered for Kubernetes ${plan.kubernetesVersion}: ${problems.join("; ")}`,
                      "pin an offered version in components/cluster/addon-versions.ts (aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>)",
                  );
        },
    },
    {
        id: "karpenter-ami",
        title: "the pinned Karpenter AMI alias resolves for every architecture of the Spark pools",
        applies: (plan) => plan.karpenterAmiParameters.length > 0,
        async run(plan, clients) {
            const { found, missing } = await resolveAmis(plan.karpenterAmiParameters, clients);
            const paths = [...new Set(missing.map((m) => EC2_ARCHITECTURE[m.architecture]))]
                .map(
                    (arch) =>
                        `/aws/service/eks/optimized-ami/${plan.kubernetesVersion}/amazon-linux-2023/${arch}/standard/`,
                )
                .join(", ");
            return missing.length === 0
                ? pass(found.join("; "))
                : fail(
                      missing.map((m) => `${m.parameter} does not exist in ${plan.region} (${m.usedBy})`).join("; "),
                      `set spark-platform:karpenterAmiVersion to an AL2023 EKS AMI version released for every architecture in use (aws ssm get-parameters-by-path --path ${paths})`,
                  );
        },
    },
    {
        id: "node-group-amis",
        title: "EKS offers an AL2023 AMI of each node group's architecture for the cluster's Kubernetes version",
        applies: (plan) => plan.nodeGroupAmiParameters.length > 0,
        async run(plan, clients) {
            const { found, missing } = await resolveAmis(plan.nodeGroupAmiParameters, clients);
            return missing.length === 0
                ? pass(found.join("; "))
                : fail(
                      missing.map((m) => `${m.parameter} does not exist in ${plan.region} (${m.usedBy})`).join("; "),
                      `choose the architectures (systemNodeArchitectures, sparkDriverArchitectures, sparkExecutorArchitectures) or a kubernetesVersion that ${plan.region} has an AL2023 AMI of`,
                  );
        },
    },
    {
        id: "spot-role",
        title: "the Spot service-linked role is there when Spot pools need it",
        applies: (plan) => plan.usesSpot,
        async run(plan, clients) {
            let tags: Tag[] = [];
            let exists: boolean;
            try {
                const answer = await clients.iam.send(new GetRoleCommand({ RoleName: SPOT_SERVICE_LINKED_ROLE }));
                tags = answer.Role?.Tags ?? [];
                exists = true;
            } catch (e) {
                // The SDK's NoSuchEntityException (name "NoSuchEntityException"; "NoSuchEntity" is only its code).
                if (!(e instanceof NoSuchEntityException)) throw e;
                exists = false;
            }
            // A role this stack created carries the stack's provider tags.
            if (exists && plan.createsSpotServiceLinkedRole && taggedByStack(tags, plan))
                return pass(
                    `${SPOT_SERVICE_LINKED_ROLE} exists, created by this stack (tagged spark-platform:stack=${plan.stack})`,
                );
            if (exists && plan.createsSpotServiceLinkedRole) {
                return fail(
                    `${SPOT_SERVICE_LINKED_ROLE} already exists, not created by this stack, and the stack would create it again (that fails)`,
                    `set spark-platform:createSpotServiceLinkedRole to false in Pulumi.${plan.stack}.yaml`,
                );
            }
            if (!exists && !plan.createsSpotServiceLinkedRole) {
                return fail(
                    `${SPOT_SERVICE_LINKED_ROLE} does not exist: Spot executors cannot launch until it does`,
                    `set spark-platform:createSpotServiceLinkedRole to true, or run: aws iam create-service-linked-role --aws-service-name spot.amazonaws.com`,
                );
            }
            return pass(
                exists
                    ? `${SPOT_SERVICE_LINKED_ROLE} exists`
                    : `${SPOT_SERVICE_LINKED_ROLE} is missing and the stack creates it`,
            );
        },
    },
    {
        id: "deployer-admin",
        title: "the deployer is not listed in adminPrincipals or viewerPrincipals (EKS makes it admin itself)",
        async run(plan, _clients, caller) {
            const who = principalOf(caller.arn);
            const deployer = who?.kind === "role" ? `role ${who.name}` : caller.arn;
            const lists = [
                ["adminPrincipals", plan.adminPrincipalArns],
                ["viewerPrincipals", plan.viewerPrincipalArns],
            ] as const;
            for (const [key, arns] of lists) {
                const listed = arns.find((arn) => samePrincipal(arn, caller.arn));
                if (listed !== undefined) {
                    return fail(
                        `the deployer (${deployer}) is listed in ${key} as ${listed}; EKS grants the cluster creator admin already, so a second access entry conflicts`,
                        `remove ${listed} from spark-platform:${key}, or deploy with another principal`,
                    );
                }
            }
            return pass(`the deployer (${deployer}) is in neither adminPrincipals nor viewerPrincipals`);
        },
    },
    {
        id: "charts",
        title: "the pinned charts resolve in their registries",
        async run(plan, clients) {
            const missing: string[] = [];
            const denied: string[] = [];
            const found: string[] = [];
            for (const chart of plan.charts) {
                const auth =
                    chart.ecrRegistryId === undefined
                        ? undefined
                        : await ecrBasicAuth(clients.ecr, chart.ecrRegistryId);
                const lookup = await lookUpChart(chart, clients.fetch, auth);
                (lookup.found ? found : lookup.denied ? denied : missing).push(`${chart.name}: ${lookup.detail}`);
            }
            if (denied.length > 0) {
                return fail(
                    [...denied, ...missing].join("; "),
                    "an access problem, not a missing version: let the caller pull from that registry (ecr:GetAuthorizationToken, ecr:BatchGetImage; for the EMR registry, a region where EMR on EKS runs), or set sparkOperatorSource: public-gallery" +
                        (missing.length > 0 ? "; for the rest, pin a published version in charts/<name>/pin.yaml" : ""),
                );
            }
            return missing.length === 0
                ? pass(found.join("; "))
                : fail(
                      missing.join("; "),
                      "pin a published version in charts/<name>/pin.yaml (or a supported emrReleaseLabel)",
                  );
        },
    },
    ...CAPACITY_CHECKS,
    ...SERVICE_CHECKS,
    ...GLUE_CHECKS,
    ...PERMISSION_CHECKS,
    {
        id: "emr-registry",
        title: "the EMR on EKS registry of the region answers",
        async run(plan, clients) {
            const auth = await ecrBasicAuth(clients.ecr, plan.emrRegistry.accountId);
            const response = await clients.fetch(`https://${plan.emrRegistry.host}/v2/`, {
                headers: { Authorization: `Basic ${auth}` },
            });
            return response.status === 200
                ? pass(`${plan.emrRegistry.host} answers`)
                : fail(
                      `${plan.emrRegistry.host} answered HTTP ${response.status}`,
                      "check that the region supports EMR on EKS and that this network reaches ECR (a VPC endpoint or NAT)",
                  );
        },
    },
    ...SERVICE_LINKED_ROLE_CHECKS,
    IMAGE_CHECK,
];

/** Runs one check; an AWS error (e.g. AccessDenied) fails it with the error, never a stack trace. */
export async function runCheck(
    check: Check,
    plan: PreflightPlan,
    clients: AwsClients,
    caller: Caller,
): Promise<CheckResult> {
    try {
        return { id: check.id, title: check.title, ...(await check.run(plan, clients, caller)) };
    } catch (e) {
        const name = (e as { name?: string }).name;
        return {
            id: check.id,
            title: check.title,
            status: "fail",
            detail: `${name && name !== "Error" ? `${name}: ` : ""}${firstLine(e)}`,
            fix:
                name === "AccessDeniedException" || name === "AccessDenied" || name === "UnauthorizedOperation"
                    ? "grant the caller the read permission named in the error, or run preflight with a role that has it"
                    : "retry; if it persists, check the error above",
        };
    }
}

/** Asks SSM for each AMI parameter: which resolve (`parameter → ami-…`) and which do not exist. */
async function resolveAmis(
    amis: readonly AmiParameter[],
    clients: AwsClients,
): Promise<{ found: string[]; missing: AmiParameter[] }> {
    const found: string[] = [];
    const missing: AmiParameter[] = [];
    for (const ami of amis) {
        try {
            const answer = await clients.ssm.send(new GetParameterCommand({ Name: ami.parameter }));
            found.push(`${ami.parameter} → ${answer.Parameter?.Value ?? "(no value)"}`);
        } catch (e) {
            if (e instanceof ParameterNotFound || (e as { name?: string }).name === "ParameterNotFound")
                missing.push(ami);
            else throw e;
        }
    }
    return { found, missing };
}

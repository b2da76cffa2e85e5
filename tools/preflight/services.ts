/**
 * Preflight's service-availability checks: every EC2 instance type the stack names exists in the region, Amazon
 * Managed Service for Prometheus answers there, and OpenSearch offers the configured engine version with the
 * configured data and master instance types (and, for a domain that already exists, that its version can move to
 * the configured one).
 */
import { DescribeInstanceTypeOfferingsCommand } from "@aws-sdk/client-ec2";
import { ListWorkspacesCommand } from "@aws-sdk/client-amp";
import {
    GetCompatibleVersionsCommand,
    type InstanceTypeDetails,
    ListInstanceTypeDetailsCommand,
    ListVersionsCommand,
    ResourceNotFoundException,
} from "@aws-sdk/client-opensearch";
import type { Check } from "./checks";

/** The log domain as the stack configures it. */
export interface OpenSearchPlan {
    readonly domainName: string;
    readonly engineVersion: string;
    readonly dataInstanceType: string;
    /** Absent without dedicated masters. */
    readonly masterInstanceType?: string;
}

/** DescribeInstanceTypeOfferings takes at most 200 filter values per call. */
const OFFERING_FILTER_LIMIT = 200;

export const SERVICE_CHECKS: readonly Check[] = [
    {
        id: "instance-types",
        title: "every EC2 instance type the stack names exists in the region",
        async run(plan, clients) {
            const wanted = [...new Set(plan.capacity.pools.flatMap((p) => p.types))].sort();
            const offered = new Set<string>();
            for (let i = 0; i < wanted.length; i += OFFERING_FILTER_LIMIT) {
                let NextToken: string | undefined;
                do {
                    const page = await clients.ec2.send(
                        new DescribeInstanceTypeOfferingsCommand({
                            LocationType: "region",
                            Filters: [{ Name: "instance-type", Values: wanted.slice(i, i + OFFERING_FILTER_LIMIT) }],
                            NextToken,
                        }),
                    );
                    for (const o of page.InstanceTypeOfferings ?? [])
                        if (o.InstanceType !== undefined) offered.add(o.InstanceType);
                    NextToken = page.NextToken;
                } while (NextToken);
            }
            const missing = wanted.filter((t) => !offered.has(t));
            return missing.length === 0
                ? { status: "pass", detail: `${wanted.length} instance types, all offered in ${plan.region}` }
                : {
                      status: "fail",
                      detail: `not an instance type EC2 offers in ${plan.region}: ${missing.join(", ")}`,
                      fix:
                          "drop them from systemNodeInstanceTypes, spark*InstanceFamilies or spark*InstanceSizes " +
                          `(aws ec2 describe-instance-type-offerings --location-type region --region ${plan.region})`,
                  };
        },
    },
    {
        id: "amp",
        title: "Amazon Managed Service for Prometheus is offered in the region",
        async run(plan, clients) {
            try {
                await clients.amp.send(new ListWorkspacesCommand({ maxResults: 1 }));
            } catch (e) {
                // A region without the service has no endpoint: the name of aps.<region> does not resolve.
                if ((e as { code?: string }).code !== "ENOTFOUND") throw e;
                return {
                    status: "fail",
                    detail: `Amazon Managed Service for Prometheus has no endpoint in ${plan.region}`,
                    fix: "deploy the stack in a region that offers Amazon Managed Service for Prometheus (Kubecost stores its metrics there)",
                };
            }
            return { status: "pass", detail: `the Prometheus workspace API answers in ${plan.region}` };
        },
    },
    {
        id: "opensearch",
        title: "OpenSearch offers the engine version and instance types of the log domain",
        async run(plan, clients) {
            const os = plan.opensearch;
            const versions: string[] = [];
            let NextToken: string | undefined;
            do {
                const page = await clients.opensearch.send(new ListVersionsCommand({ MaxResults: 100, NextToken }));
                versions.push(...(page.Versions ?? []));
                NextToken = page.NextToken;
            } while (NextToken);
            if (!versions.includes(os.engineVersion)) {
                const offered = versions.filter((v) => v.startsWith("OpenSearch_")).slice(0, 4);
                return {
                    status: "fail",
                    detail: `${os.engineVersion} is not an engine version OpenSearch offers in ${plan.region} (newest: ${offered.join(", ") || "none"})`,
                    fix: "set spark-platform:opensearchEngineVersion to an offered version",
                };
            }
            const details: InstanceTypeDetails[] = [];
            do {
                const page = await clients.opensearch.send(
                    new ListInstanceTypeDetailsCommand({ EngineVersion: os.engineVersion, MaxResults: 100, NextToken }),
                );
                details.push(...(page.InstanceTypeDetails ?? []));
                NextToken = page.NextToken;
            } while (NextToken);
            const problems = [
                ["opensearchInstanceType", os.dataInstanceType, "Data"],
                ["opensearchDedicatedMasterType", os.masterInstanceType, "Master"],
            ].flatMap(([key, type, role]) => {
                if (type === undefined) return [];
                const detail = details.find((d) => d.InstanceType === type);
                if (detail === undefined) return [`${key} ${type} is not offered for ${os.engineVersion}`];
                // InstanceRole is absent in older answers: then the type is taken to serve every role.
                return detail.InstanceRole === undefined || detail.InstanceRole.includes(role as string)
                    ? []
                    : [`${key} ${type} cannot be a ${role} node (roles: ${detail.InstanceRole.join(", ")})`];
            });
            if (problems.length > 0)
                return {
                    status: "fail",
                    detail: problems.join("; "),
                    fix: `pick types listed by: aws opensearch list-instance-type-details --engine-version ${os.engineVersion} --region ${plan.region}`,
                };
            const upgrade = await upgradeProblem(plan.opensearch, clients.opensearch);
            if (upgrade !== undefined) return upgrade;
            return {
                status: "pass",
                detail: `${os.engineVersion} with ${[os.dataInstanceType, os.masterInstanceType].filter(Boolean).join(" and ")} is offered in ${plan.region}`,
            };
        },
    },
];

/** For a domain that already exists: whether its engine version may move to the configured one. */
async function upgradeProblem(
    os: OpenSearchPlan,
    client: Parameters<Check["run"]>[1]["opensearch"],
): Promise<Awaited<ReturnType<Check["run"]>> | undefined> {
    let answer;
    try {
        answer = await client.send(new GetCompatibleVersionsCommand({ DomainName: os.domainName }));
    } catch (e) {
        // The SDK's ResourceNotFoundException: the domain is not there yet, the stack creates it.
        if (e instanceof ResourceNotFoundException) return undefined;
        throw e;
    }
    const map = answer.CompatibleVersions?.[0];
    if (map?.SourceVersion === undefined || map.SourceVersion === os.engineVersion) return undefined;
    const targets = map.TargetVersions ?? [];
    return targets.includes(os.engineVersion)
        ? undefined
        : {
              status: "fail",
              detail: `domain ${os.domainName} runs ${map.SourceVersion}, which cannot be upgraded to ${os.engineVersion} in place (targets: ${targets.join(", ") || "none"})`,
              fix: `set spark-platform:opensearchEngineVersion to ${map.SourceVersion} or one of its targets (upgrade one step at a time)`,
          };
}

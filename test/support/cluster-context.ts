/**
 * A ClusterContext as the cluster component hands it over, made by hand so a component can be planned alone under
 * the plan's mocks (planProgram) without an EKS cluster. Must be called inside a program.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { VPC_CNI_CONFIGURATION } from "../../components/cluster/addons";
import type { ClusterContext } from "../../components/cluster/cluster-context";
import { dnsSuffixOf, partitionOf } from "../../components/vocabulary";

export const TEST_ACCOUNT = "123456789012";

/** The node selector of the hand-made cluster's system node group. */
export const SYSTEM_NODE_SELECTOR: Readonly<Record<string, string>> = { "spark-platform/pool": "system" };

/** Issuer of the hand-made cluster's service-account tokens (without `https://`). */
export function issuerOf(region: string): string {
    return `oidc.eks.${region}.${dnsSuffixOf(region)}/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
}

/** The hand-made cluster's IAM OIDC provider. */
export function oidcProviderArnOf(region: string, accountId = TEST_ACCOUNT): string {
    return `arn:${partitionOf(region)}:iam::${accountId}:oidc-provider/${issuerOf(region)}`;
}

export interface HandMadeClusterOptions {
    /** @default "us-west-2" */
    region?: string;
    /** @default TEST_ACCOUNT */
    accountId?: string;
    /** The EKS cluster's name. @default "spark-test" */
    name?: string;
    /** Whether the cluster's VPC CNI enforces NetworkPolicies (sets `networkPolicyEnforcer`). @default false */
    networkPolicies?: boolean;
}

export function handMadeCluster(options: HandMadeClusterOptions = {}): ClusterContext {
    const region = options.region ?? "us-west-2";
    const accountId = options.accountId ?? TEST_ACCOUNT;
    const name = options.name ?? "spark-test";
    return {
        name: pulumi.output(name),
        kubernetesVersion: "1.34",
        partition: partitionOf(region),
        region,
        accountId,
        oidcProviderArn: pulumi.output(oidcProviderArnOf(region, accountId)),
        oidcIssuer: pulumi.output(issuerOf(region)),
        provider: new k8s.Provider("cluster", { kubeconfig: "{}" }),
        systemNodeSelector: SYSTEM_NODE_SELECTOR,
        instanceTags: {},
        ...(options.networkPolicies
            ? {
                  networkPolicyEnforcer: new aws.eks.Addon("vpc-cni", {
                      clusterName: name,
                      addonName: "vpc-cni",
                      configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
                  }),
              }
            : {}),
    };
}

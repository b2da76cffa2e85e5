/**
 * The pack's contents and defaults, in one place. `index.ts` serves them to the Pulumi CLI; the offline evaluator
 * (offline/evaluate.ts) feeds the same list to the SDK's analyzer handlers. Importing this module has no side
 * effects, unlike constructing a PolicyPack (which starts a gRPC server).
 */
import { EnforcementLevel, Policies } from "@pulumi/policy";
import { irsaScopedRoles } from "./irsa-scoped-roles";
import { nonRootPods } from "./non-root-pods";
import { singleAzNodePools } from "./single-az-node-pools";

export const PACK_NAME = "spark-platform";

export const PACK_DESCRIPTION =
    "Guardrails for the spark-platform stacks: single-AZ Spark node pools, non-root pods, IRSA roles scoped to named service accounts.";

/**
 * The one place the enforcement level is set. These policies exist to block unsafe changes, so every one is
 * mandatory; a stack's policy config (policies/config/<stack>.json) may relax a policy, or all of them with "all".
 */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const PACK_POLICIES: Policies = [singleAzNodePools, nonRootPods, irsaScopedRoles];

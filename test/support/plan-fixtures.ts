/**
 * Offline plans of the shipped stacks in both autoscaler modes, made once per test process and shared by the
 * tests of every component and of the whole program, plus small helpers to read them.
 */
import type { CapturedResource } from "../../tools/plan/capture";
import type { PlanResult } from "../../tools/plan/plan";
import { planFixture } from "./fixture-stacks";
import { ofType } from "./plan-queries";

export const STACKS = ["dev", "prod"] as const;
export const MODES = ["karpenter", "cluster-autoscaler"] as const;
export type Stack = (typeof STACKS)[number];
export type Mode = (typeof MODES)[number];

/** The plan of `stack` with `autoscaler` set to `mode`, made on first use and shared (read-only). */
export function planOf(stack: Stack, mode: Mode): Promise<PlanResult> {
    return planFixture({ stack, configOverrides: { autoscaler: mode } });
}

/** Every stack × mode plan. */
export async function allPlans(): Promise<{ stack: Stack; mode: Mode; plan: PlanResult }[]> {
    const out = [];
    for (const stack of STACKS) for (const mode of MODES) out.push({ stack, mode, plan: await planOf(stack, mode) });
    return out;
}

/** The component types on the path from a resource up to the stack (nearest first). */
export function ancestorTypes(plan: PlanResult, r: CapturedResource): string[] {
    const byUrn = new Map(plan.resources.map((x) => [x.urn, x]));
    const types: string[] = [];
    for (let p = r.parent && byUrn.get(r.parent); p; p = p.parent ? byUrn.get(p.parent) : undefined) types.push(p.type);
    return types;
}

export const AUTOSCALER_COMPONENTS = ["spark:autoscaling:Karpenter", "spark:autoscaling:ClusterAutoscaler"];

/** Whether a resource is an autoscaler component or lives inside one. */
export function belongsToAutoscaler(plan: PlanResult, r: CapturedResource): boolean {
    return (
        AUTOSCALER_COMPONENTS.includes(r.type) || ancestorTypes(plan, r).some((t) => AUTOSCALER_COMPONENTS.includes(t))
    );
}

/** Zone of each subnet id, from the captured subnets. */
export function subnetZones(plan: PlanResult): Map<string, string> {
    return new Map(ofType(plan, "aws:ec2/subnet:Subnet").map((s) => [String(s.id), String(s.inputs.availabilityZone)]));
}

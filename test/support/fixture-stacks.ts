/**
 * The stacks tests plan: fixture stack files under test/fixtures/stacks, never the shipped Pulumi.<stack>.yaml,
 * which users fill with their own account, roles and networks.
 */
import * as path from "node:path";
import { PlanOptions, PlanResult, planStack } from "../../tools/plan/plan";
import { readProject, readStackConfig } from "../../tools/plan/stack-config";
import { PROJECT_DIR } from "../../tools/plan/plan";

export const FIXTURE_STACKS_DIR = path.resolve(__dirname, "..", "fixtures", "stacks");

/** Plans the program for a fixture stack (`dev` or `prod` under test/fixtures/stacks). */
export function planFixture(options: Omit<PlanOptions, "stackDir" | "projectDir">): Promise<PlanResult> {
    return planStack({ ...options, stackDir: FIXTURE_STACKS_DIR });
}

/** A fixture stack's raw config as the engine hands it to the program (Pulumi.yaml defaults applied). */
export function fixtureStackConfig(stack: string): Map<string, string> {
    return readStackConfig(FIXTURE_STACKS_DIR, readProject(PROJECT_DIR), stack);
}

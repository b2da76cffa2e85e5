/**
 * The stacks tests plan: fixture stack files under test/fixtures/stacks, never the shipped Pulumi.<stack>.yaml,
 * which users fill with their own account, roles and networks.
 */
import * as path from "node:path";
import { PROJECT_DIR, PlanOptions, PlanResult, planStack } from "../../tools/plan/plan";
import { readProject, readStackConfig } from "../../tools/plan/stack-config";

export const FIXTURE_STACKS_DIR = path.resolve(__dirname, "..", "fixtures", "stacks");

export interface FixturePlanOptions extends Omit<PlanOptions, "stackDir" | "projectDir"> {
    /** Plan anew instead of sharing an identical earlier plan (tests of the planner itself). @default false */
    fresh?: boolean;
}

/** Plans made in this test process, by stack and overrides; shared across test files, so READ-ONLY for callers. */
const plans = new Map<string, Promise<PlanResult>>();
/** The Pulumi runtime (mocks, config) is process-global: plans run one after another. */
let queue: Promise<unknown> = Promise.resolve();

function enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
}

/**
 * Runs `work` while no fixture plan runs, for tests that drive the Pulumi runtime themselves (a plan expected to
 * fail asynchronously). `work` must settle on its own: everything queued after it waits for it.
 */
export function exclusively<T>(work: () => Promise<T>): Promise<T> {
    return enqueue(work);
}

/**
 * Plans the program for a fixture stack (`dev` or `prod` under test/fixtures/stacks). The same stack and overrides
 * are planned once per process and the result shared (never mutate it); a plan with `registrations` or `fresh` is
 * always made anew.
 */
export function planFixture(options: FixturePlanOptions): Promise<PlanResult> {
    const { fresh, ...planOptions } = options;
    const plan = () => planStack({ ...planOptions, stackDir: FIXTURE_STACKS_DIR });
    if (fresh || planOptions.registrations) return enqueue(plan);
    const key = planKey(planOptions.stack, planOptions.configOverrides ?? {});
    let shared = plans.get(key);
    if (!shared) {
        shared = enqueue(plan);
        plans.set(key, shared);
    }
    return shared;
}

/** Overrides repeating the stack file's value are dropped: dev's `{autoscaler: "karpenter"}` shares dev's plan. */
function planKey(stack: string, overrides: Record<string, unknown>): string {
    let config: Map<string, string> | undefined;
    try {
        config = fixtureStackConfig(stack);
    } catch {
        // A stack file that does not parse: planStack reports it; the key only needs to be stable.
    }
    const effective = Object.entries(overrides)
        .filter(([key, value]) => {
            const qualified = key.includes(":") ? key : `${readProject(PROJECT_DIR).name}:${key}`;
            return config?.get(qualified) !== (typeof value === "string" ? value : JSON.stringify(value));
        })
        .sort(([a], [b]) => a.localeCompare(b));
    return JSON.stringify([stack, effective]);
}

/** A fixture stack's raw config as the engine hands it to the program (Pulumi.yaml defaults applied). */
export function fixtureStackConfig(stack: string): Map<string, string> {
    return readStackConfig(FIXTURE_STACKS_DIR, readProject(PROJECT_DIR), stack);
}

/** As a value of fixtureStackConfigWith: the key as if the stack file did not set it (Pulumi.yaml's default, if any). */
export const PROJECT_DEFAULT = Symbol("Pulumi.yaml's default");

/**
 * A fixture stack's raw config with some keys replaced: a key without a namespace is the project's; a string is set
 * as is, any other value as JSON; `undefined` removes the key (the program sees it unset); PROJECT_DEFAULT gives it
 * Pulumi.yaml's default, as the engine does for a key the stack file leaves out.
 */
export function fixtureStackConfigWith(stack: string, changes: Record<string, unknown>): Map<string, string> {
    const project = readProject(PROJECT_DIR);
    const raw = fixtureStackConfig(stack);
    for (const [key, value] of Object.entries(changes)) {
        const qualified = key.includes(":") ? key : `${project.name}:${key}`;
        const declared = value === PROJECT_DEFAULT ? project.declarations[key]?.default : value;
        if (declared === undefined) raw.delete(qualified);
        else raw.set(qualified, typeof declared === "string" ? declared : JSON.stringify(declared));
    }
    return raw;
}

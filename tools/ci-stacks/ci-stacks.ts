/**
 * The one list of the stacks CI works on: `.github/ci-stacks.yaml` names, per stack, the runner its jobs run on and
 * the IAM roles (in the stack's own account) they assume. Both workflows read it through this module, which checks
 * every entry against the stack's own config and decides, per workflow, which stacks run where and which are
 * reported as not checked, with the reason (a cluster CI cannot reach is reported as such, never as a failed
 * preview).
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { InputError, isRecord, readYamlFile } from "../cli";
import { closestName, cidrContains, parseCidr } from "../../components/vocabulary";
import { parseIamPrincipalArn } from "../../stack-config";
import { readProject, readStackConfig, StackConfigError } from "../plan/stack-config";
import { stackRegion } from "../drift-report/stack-region";

export const CI_STACKS_FILE = path.join(".github", "ci-stacks.yaml");

/** What one entry of ci-stacks.yaml may say. */
const ENTRY_KEYS = ["runner", "runnerCidrs", "previewRole", "driftRole", "smokeRole"] as const;

/**
 * GitHub-hosted runner labels (docs "GitHub-hosted runners reference"). Anything else is treated as a self-hosted
 * runner, which may sit inside a stack's network: pull-request code never runs there.
 */
const GITHUB_HOSTED = /^(ubuntu|windows|macos)-[\w.-]+$/;

export interface CiStack {
    stack: string;
    /** runs-on label; undefined: no runner yet, offline checks only. */
    runner?: string;
    selfHosted: boolean;
    /** Where the runner's requests reach the cluster API from; undefined: no fixed address (GitHub-hosted). */
    runnerCidrs?: string[];
    previewRole?: string;
    driftRole?: string;
    /** The role of the on-demand smoke test: it runs jobs, so it is a cluster admin (adminPrincipals). */
    smokeRole?: string;
    region: string;
}

export type Workflow = "pull-request" | "drift" | "smoke";

/** What each workflow does with the stack, which decides its role and the access entry that role needs. */
const WORKFLOW_ROLES: Readonly<
    Record<
        Workflow,
        { role: "previewRole" | "driftRole" | "smokeRole"; access: "viewerPrincipals" | "adminPrincipals" }
    >
> = {
    "pull-request": { role: "previewRole", access: "viewerPrincipals" },
    drift: { role: "driftRole", access: "viewerPrincipals" },
    // Smoke creates job runs, SparkApplications and a query Job in the team namespaces: read-only access is not enough.
    smoke: { role: "smokeRole", access: "adminPrincipals" },
};

/** One matrix leg of a workflow. */
export interface MatrixEntry {
    stack: string;
    runner: string;
    role: string;
    region: string;
    /**
     * The stack's `--policy-pack-config`, relative to the project: `policies/config/<stack>.json`, or for a stack
     * without one `policies/config/pack-defaults.json` (`{}`: the pack's documented defaults, nothing exempt).
     */
    policyConfig: string;
}

/** The `--policy-pack-config` a workflow passes for `stack`. */
export function policyConfigOf(projectDir: string, stack: string): string {
    const own = `policies/config/${stack}.json`;
    return existsSync(path.join(projectDir, own)) ? own : "policies/config/pack-defaults.json";
}

export interface WorkflowPlan {
    /** Every stack CI knows, for the offline checks. */
    stacks: string[];
    matrix: MatrixEntry[];
    /** Stacks this workflow does not preview, each with the reason. */
    skipped: { stack: string; reason: string }[];
}

/** Reads and checks ci-stacks.yaml against the stack files in `projectDir`; InputError (one line) on any mistake. */
export function readCiStacks(projectDir: string, file = path.join(projectDir, CI_STACKS_FILE)): CiStack[] {
    const doc = readYamlFile(file, "CI stack list");
    const where = path.relative(projectDir, file) || file;
    if (!isRecord(doc) || !isRecord(doc.stacks) || Object.keys(doc.stacks).length === 0)
        throw new InputError(`${where}: needs a map "stacks:" with at least one stack (e.g. dev:)`);
    for (const key of Object.keys(doc).filter((k) => k !== "stacks"))
        throw new InputError(`${where}: unknown key "${key}"; the file holds only "stacks:"`);
    return Object.entries(doc.stacks).map(([stack, entry]) => readEntry(projectDir, where, stack, entry));
}

function readEntry(projectDir: string, where: string, stack: string, entry: unknown): CiStack {
    const at = `${where}: stacks.${stack}`;
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!existsSync(stackFile)) throw new InputError(`${at}: there is no Pulumi.${stack}.yaml in the project`);
    if (!isRecord(entry)) throw new InputError(`${at}: must be a map with runner, previewRole and driftRole`);
    for (const key of Object.keys(entry)) {
        if ((ENTRY_KEYS as readonly string[]).includes(key)) continue;
        const near = closestName(key, ENTRY_KEYS);
        throw new InputError(
            `${at}: unknown key "${key}"${near ? `; did you mean "${near}"?` : ""} (known: ${ENTRY_KEYS.join(", ")})`,
        );
    }
    const text = (key: (typeof ENTRY_KEYS)[number]): string | undefined => {
        const value = entry[key];
        if (value === undefined || value === null) return undefined;
        if (typeof value !== "string" || value.trim() === "")
            throw new InputError(`${at}.${key}: ${JSON.stringify(value)} must be a non-empty string`);
        return value;
    };
    const runner = text("runner");
    if (runner !== undefined && !/^[\w.-]+$/.test(runner))
        throw new InputError(`${at}.runner: "${runner}" is not a runner label (letters, digits, . _ -)`);
    const account = stackAccount(projectDir, stack);
    const role = (key: "previewRole" | "driftRole" | "smokeRole") => {
        const arn = text(key);
        if (arn === undefined) {
            // The smoke role is optional: a stack without one is not smoke-tested from CI.
            if (runner !== undefined && key !== "smokeRole")
                throw new InputError(
                    `${at}.${key}: required with a runner: the role CI assumes in the stack's account`,
                );
            return undefined;
        }
        const parsed = parseIamPrincipalArn(arn);
        if (typeof parsed === "string" || !arn.includes(":role/"))
            throw new InputError(`${at}.${key}: "${arn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
        if (account !== undefined && parsed.accountId !== account) {
            throw new InputError(
                `${at}.${key}: "${arn}" is in account ${parsed.accountId}, but Pulumi.${stack}.yaml deploys to ${account}; ` +
                    `each stack's roles live in its own account`,
            );
        }
        return arn;
    };
    let runnerCidrs: string[] | undefined;
    if (entry.runnerCidrs !== undefined) {
        if (!Array.isArray(entry.runnerCidrs) || entry.runnerCidrs.length === 0)
            throw new InputError(`${at}.runnerCidrs: must be a non-empty list of CIDR blocks`);
        runnerCidrs = entry.runnerCidrs.map((c: unknown) => {
            const parsed = typeof c === "string" ? parseCidr(c) : "is not a string";
            if (typeof parsed === "string") throw new InputError(`${at}.runnerCidrs: ${JSON.stringify(c)} ${parsed}`);
            return parsed.text;
        });
    }
    return {
        stack,
        runner,
        selfHosted: runner !== undefined && !GITHUB_HOSTED.test(runner),
        runnerCidrs,
        previewRole: role("previewRole"),
        driftRole: role("driftRole"),
        smokeRole: role("smokeRole"),
        region: stackRegion(readYamlFile(stackFile, "stack config"), `Pulumi.${stack}.yaml`),
    };
}

function stackAccount(projectDir: string, stack: string): string | undefined {
    const config = stackValues(projectDir, stack);
    const accounts = jsonList(config.get("aws:allowedAccountIds"));
    return accounts[0];
}

/** The stack's config as the engine hands it to the program (defaults of Pulumi.yaml applied). */
function stackValues(projectDir: string, stack: string): Map<string, string> {
    try {
        return readStackConfig(projectDir, readProject(projectDir), stack);
    } catch (e) {
        if (e instanceof StackConfigError) throw new InputError(e.message);
        throw e;
    }
}

function jsonList(value: string | undefined): string[] {
    if (value === undefined) return [];
    try {
        const parsed: unknown = JSON.parse(value);
        return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
        return [];
    }
}

/**
 * Why a runner cannot read the stack's cluster, or undefined when it can: its network must be admitted by the API
 * endpoint (apiPublicAccessCidrs for the public side, apiPrivateAccessCidrs for the VPC side) and its role must hold
 * the access entry the workflow needs (viewerPrincipals to read, adminPrincipals to run jobs). Reads the stack file
 * only; whether routing and DNS work is the runner's.
 */
export function unreachableReason(
    projectDir: string,
    ci: CiStack,
    role: string,
    accessEntry: "viewerPrincipals" | "adminPrincipals" = "viewerPrincipals",
): string | undefined {
    const config = stackValues(projectDir, ci.stack);
    const project = readProject(projectDir).name;
    const get = (key: string) => config.get(`${project}:${key}`);
    const reasons: string[] = [];
    const access = get("apiEndpointAccess") ?? "private";
    const admitted = [
        ...(access === "public-and-private" ? jsonList(get("apiPublicAccessCidrs")) : []),
        ...jsonList(get("apiPrivateAccessCidrs")),
    ]
        .map(parseCidr)
        .filter((c) => typeof c !== "string");
    if (ci.runnerCidrs === undefined) {
        reasons.push(
            `runner ${ci.runner} has no fixed address (GitHub-hosted) and the API endpoint admits only listed networks; ` +
                `use a runner whose addresses you list in runnerCidrs and in the stack's ` +
                (access === "private" ? "apiPrivateAccessCidrs" : "apiPublicAccessCidrs or apiPrivateAccessCidrs"),
        );
    } else {
        const outside = ci.runnerCidrs.filter((text) => {
            const cidr = parseCidr(text);
            return typeof cidr === "string" || !admitted.some((a) => cidrContains(a, cidr));
        });
        if (outside.length > 0) {
            reasons.push(
                `runner network ${outside.join(", ")} is not admitted by the ${access} API endpoint ` +
                    `(${access === "private" ? "apiPrivateAccessCidrs" : "apiPublicAccessCidrs/apiPrivateAccessCidrs"}: ` +
                    `${admitted.map((a) => a.text).join(", ") || "none"})`,
            );
        }
    }
    if (!jsonList(get(accessEntry)).includes(role))
        reasons.push(
            `role ${role} has no ${accessEntry === "adminPrincipals" ? "admin " : ""}access entry: list it in ${project}:${accessEntry}`,
        );
    return reasons.length > 0 ? `CI cannot reach the cluster: ${reasons.join("; ")}` : undefined;
}

/** Which stacks a workflow previews, on which runner with which role, and which it reports as not previewed. */
export function planWorkflow(projectDir: string, stacks: CiStack[], workflow: Workflow): WorkflowPlan {
    const plan: WorkflowPlan = { stacks: stacks.map((s) => s.stack), matrix: [], skipped: [] };
    const { role: roleKey, access } = WORKFLOW_ROLES[workflow];
    for (const ci of stacks) {
        const role = ci[roleKey];
        if (ci.runner === undefined) {
            const reason = "no runner in ci-stacks.yaml yet";
            plan.skipped.push({
                stack: ci.stack,
                reason: workflow === "smoke" ? reason : `${reason}: offline checks only`,
            });
            continue;
        }
        if (role === undefined) {
            plan.skipped.push({ stack: ci.stack, reason: `no ${roleKey} in ci-stacks.yaml for it` });
            continue;
        }
        if (workflow === "pull-request" && ci.selfHosted) {
            plan.skipped.push({
                stack: ci.stack,
                reason:
                    `its runner ${ci.runner} is self-hosted (inside or next to the stack's network): pull-request code ` +
                    `never runs there; the scheduled drift check previews it from main`,
            });
            continue;
        }
        const unreachable = unreachableReason(projectDir, ci, role, access);
        if (unreachable !== undefined) {
            plan.skipped.push({ stack: ci.stack, reason: unreachable });
            continue;
        }
        plan.matrix.push({
            stack: ci.stack,
            runner: ci.runner,
            role,
            region: ci.region,
            policyConfig: policyConfigOf(projectDir, ci.stack),
        });
    }
    return plan;
}

/**
 * Offline policy check: evaluates the pack against a `pulumi stack export` through the SDK's analyzer handlers,
 * the way `pulumi preview --policy-pack policies --policy-pack-config <file>` would on that state — resource
 * policies see each resource's `inputs`, the stack policy sees every resource's `outputs` with its parent,
 * dependencies and propertyDependencies. No CLI, credentials or network.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, PACK_POLICIES } from "../../policies/pack";
import { analyzerHandlers, StructEncoding } from "./analyzer";
import { resolvePolicyConfig } from "./policy-config";
import { analyzerRequests } from "./requests";
import { readStackExport } from "../stack-export";
import { engineRenderedGaps } from "./engine-rendered";
import { PolicyVerdicts, VerdictCollector } from "./verdicts";

export { InputError } from "../cli";
export type { NotEvaluated, PolicyVerdicts, Violation } from "./verdicts";

export interface EvaluateOptions {
    /**
     * List the remote components whose children the export does not hold (engine-rendered.ts); default true. Off
     * only where the caller knows those children are out of reach by design (program tests planned under mocks).
     */
    readonly listUnseen?: boolean;
    /** See analyzer.ts; "plain" unless checking equivalence with real protobuf Structs. */
    readonly structEncoding?: StructEncoding;
    /** Receives non-fatal remarks (e.g. config entries naming no policy). */
    readonly onWarning?: (message: string) => void;
}

export const PACK_VERSION: string = readPackVersion();

function readPackVersion(): string {
    const manifest: unknown = JSON.parse(
        fs.readFileSync(path.join(__dirname, "..", "..", "policies", "package.json"), "utf8"),
    );
    const version =
        typeof manifest === "object" && manifest !== null ? (manifest as { version?: unknown }).version : undefined;
    return typeof version === "string" ? version : "0.0.0";
}

/**
 * The pack's own verdicts on a plan made under mocks, where no component provider runs, so no remote component
 * has children: what the policies judged and what they could not, without the list of what only the engine renders.
 */
export function packVerdicts(exportJson: unknown, policyConfig?: unknown): Promise<PolicyVerdicts> {
    return evaluateStackExport(exportJson, policyConfig, { listUnseen: false });
}

/**
 * Evaluates `exportJson` (a parsed stack export) with `policyConfig` (a parsed --policy-pack-config file, or
 * undefined for the pack defaults). Throws InputError for a malformed export or config.
 */
export async function evaluateStackExport(
    exportJson: unknown,
    policyConfig?: unknown,
    options: EvaluateOptions = {},
): Promise<PolicyVerdicts> {
    const resources = readStackExport(exportJson).filter((r) => !r.pendingDelete);
    const config = resolvePolicyConfig(
        PACK_POLICIES,
        PACK_ENFORCEMENT_LEVEL,
        policyConfig,
        `${PACK_NAME} ${PACK_VERSION}`,
    );
    config.warnings.forEach((w) => options.onWarning?.(w));
    const handlers = analyzerHandlers(PACK_NAME, PACK_VERSION, PACK_ENFORCEMENT_LEVEL, PACK_POLICIES, config.policies);
    const requests = analyzerRequests(resources, options.structEncoding ?? "plain");
    const collector = new VerdictCollector();
    // Every policy that does not apply to a resource throws (args.notApplicable), and V8 captures a stack trace per
    // Error: for thousands of resources that costs more than the policies themselves. Nothing here reads stacks.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        for (const { urn, request, notes } of requests.resources)
            await collector.run(() => handlers.analyze(request), urn, notes);
        await collector.run(() => handlers.analyzeStack(requests.stack), "", requests.stackNotes);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
    if (options.listUnseen !== false) collector.addUnseen(engineRenderedGaps(resources));
    return collector.verdicts();
}

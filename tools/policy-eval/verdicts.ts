/**
 * Verdicts as `policy:check --json` prints them, collected from analyzer responses. The SDK turns an unknown
 * value (or a NotEvaluableError) into an advisory "can't run policy … during preview" diagnostic; here those become
 * `notEvaluated` entries, everything else a violation at the level the analyzer reported.
 */
import { EnforcementLevel } from "@pulumi/policy";
import { AnalyzeResponse, EnforcementLevel as WireLevel } from "@pulumi/pulumi/proto/analyzer_pb";
import { PACK_POLICIES } from "../../policies/pack";
import { ENGINE_COVERAGE_MARK } from "../../policies/lib/sdk";
import { ConversionNotes } from "./property-values";

export interface Violation {
    readonly policy: string;
    readonly urn: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
}

/** A resource (or a part of one) no policy could judge offline: what was not checked, and what covers it. */
export interface NotEvaluated {
    /** The policy that could not run, or "all" for what no policy saw (the children of a remote component). */
    readonly policy: string;
    readonly urn: string;
    /** What was not checked, and why. */
    readonly reason: string;
    /** How the engine run (`pulumi preview`/`up` with the pack) covers it, or "not covered — …". */
    readonly coverage: string;
}

/** Exactly what `policy:check --json` prints. */
export interface PolicyVerdicts {
    readonly violations: Violation[];
    readonly notEvaluated: NotEvaluated[];
}

const WIRE_LEVELS: Readonly<Record<number, EnforcementLevel>> = {
    [WireLevel.ADVISORY]: "advisory",
    [WireLevel.MANDATORY]: "mandatory",
    [WireLevel.DISABLED]: "disabled",
    [WireLevel.REMEDIATE]: "remediate",
};

/** A value unknown offline (or at preview) that the engine knows once it runs the resource's step. */
const RESOURCE_UNKNOWN_COVERAGE =
    "`pulumi up` resolves the resource's inputs before the engine analyzes it, so the policy runs on the known " +
    "values and blocks the resource if it violates (a preview reports it as advisory)";
const STACK_UNKNOWN_COVERAGE =
    "the engine runs the stack policy again on the known outputs at `pulumi up` and fails the update if it violates";

const SECRETS_HINT =
    " (the export holds encrypted secrets; export with `pulumi stack export --show-secrets` to let the policies read them)";

export class VerdictCollector {
    private readonly violations: Violation[] = [];
    private readonly notEvaluated: NotEvaluated[] = [];
    private readonly descriptions = new Map(PACK_POLICIES.map((p) => [p.name, p.description]));

    /** Runs one analyzer call; `urn` is the analyzed resource ("" for the stack call). */
    async run(analyze: () => Promise<AnalyzeResponse>, urn: string, notes: ConversionNotes): Promise<void> {
        let response: AnalyzeResponse;
        try {
            response = await analyze();
        } catch (e) {
            // The CLI would fail the update on a policy error; keep the other verdicts and fail closed.
            const text = e instanceof Error ? e.message : String(e);
            const policy = /policy '([^']+)'/.exec(text)?.[1] ?? "unknown";
            this.violations.push({
                policy,
                urn,
                enforcementLevel: "mandatory",
                message: `the policy failed on this resource: ${text.split("\n")[0]}`,
            });
            return;
        }
        this.addResponse(response, urn, notes);
    }

    addResponse(response: AnalyzeResponse, urn: string, notes: ConversionNotes): void {
        for (const d of response.getDiagnosticsList())
            this.add(d.getPolicyname(), d.getUrn() || urn, d.getMessage(), d.getEnforcementlevel(), notes);
    }

    private add(policy: string, urn: string, message: string, level: WireLevel, notes: ConversionNotes): void {
        if (message.startsWith(`can't run policy '${policy}' from policy pack `)) {
            // A NotEvaluableError names its own coverage after ENGINE_COVERAGE_MARK; a plain unknown is known at up.
            const mark = message.lastIndexOf(ENGINE_COVERAGE_MARK);
            const coverage =
                mark >= 0
                    ? message.slice(mark + ENGINE_COVERAGE_MARK.length)
                    : urn
                      ? RESOURCE_UNKNOWN_COVERAGE
                      : STACK_UNKNOWN_COVERAGE;
            const reason =
                (mark >= 0 ? message.slice(0, mark) : message) + (notes.encryptedSecrets ? SECRETS_HINT : "");
            // A stack policy names the pools it could not place as [urn] in its message.
            const urns = urn ? [urn] : [...message.matchAll(/\[(urn:pulumi:[^\]]+)\]/g)].map((m) => m[1]);
            for (const u of urns.length > 0 ? urns : [""]) this.notEvaluated.push({ policy, urn: u, reason, coverage });
            return;
        }
        // The analyzer prefixes every message with the policy's description; the JSON keeps only the finding.
        const description = this.descriptions.get(policy);
        const text =
            description && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
        this.violations.push({ policy, urn, message: text, enforcementLevel: WIRE_LEVELS[level] ?? "advisory" });
    }

    /**
     * Adds what the pack could not see (engine-rendered.ts), except for resources a policy already listed: the
     * pack's own entry (a helm.v3.Release's) says more.
     */
    addUnseen(entries: readonly NotEvaluated[]): void {
        const listed = new Set(this.notEvaluated.map((n) => n.urn));
        this.notEvaluated.push(...entries.filter((e) => !listed.has(e.urn)));
    }

    verdicts(): PolicyVerdicts {
        return { violations: this.violations, notEvaluated: this.notEvaluated };
    }
}

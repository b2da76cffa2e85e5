/**
 * Verdicts as `policy:check --json` prints them, collected from analyzer responses. The SDK turns an unknown
 * value (or a NotEvaluableError) into an advisory "can't run policy … during preview" diagnostic; here those become
 * `notEvaluated` entries, everything else a violation at the level the analyzer reported.
 */
import { EnforcementLevel } from "@pulumi/policy";
import { AnalyzeResponse, EnforcementLevel as WireLevel } from "@pulumi/pulumi/proto/analyzer_pb";
import { PACK_POLICIES } from "../../policies/pack";
import { ConversionNotes } from "./property-values";

export interface Violation {
    readonly policy: string;
    readonly urn: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
}

export interface NotEvaluated {
    readonly policy: string;
    readonly urn: string;
    readonly reason: string;
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
            const reason = message + (notes.encryptedSecrets ? SECRETS_HINT : "");
            // A stack policy names the pools it could not place as [urn] in its message.
            const urns = urn ? [urn] : [...message.matchAll(/\[(urn:pulumi:[^\]]+)\]/g)].map((m) => m[1]);
            for (const u of urns.length > 0 ? urns : [""]) this.notEvaluated.push({ policy, urn: u, reason });
            return;
        }
        // The analyzer prefixes every message with the policy's description; the JSON keeps only the finding.
        const description = this.descriptions.get(policy);
        const text =
            description && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
        this.violations.push({ policy, urn, message: text, enforcementLevel: WIRE_LEVELS[level] ?? "advisory" });
    }

    verdicts(): PolicyVerdicts {
        return { violations: this.violations, notEvaluated: this.notEvaluated };
    }
}

/**
 * Analyzer requests for a stack export, as the engine would send them: one AnalyzeRequest per resource with its
 * inputs, and one AnalyzeStackRequest with every resource's outputs, parent, dependencies and propertyDependencies.
 */
import { AnalyzeRequest, AnalyzerProviderResource, AnalyzeStackRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import { analyzeRequest, providerResource, RequestResource, stackResource, StructEncoding, toStruct } from "./analyzer";
import { ConversionNotes, toAnalyzerProperties } from "./property-values";
import type { ValidatedResource } from "../stack-export";

export interface ResourceRequest {
    readonly urn: string;
    readonly request: AnalyzeRequest;
    readonly notes: ConversionNotes;
}

export interface AnalyzerRequests {
    readonly resources: readonly ResourceRequest[];
    readonly stack: AnalyzeStackRequest;
    readonly stackNotes: ConversionNotes;
}

export function analyzerRequests(resources: readonly ValidatedResource[], encoding: StructEncoding): AnalyzerRequests {
    const builder = new RequestBuilder(resources, encoding);
    const perResource = resources.map((r) => {
        const notes: ConversionNotes = { encryptedSecrets: false };
        return {
            urn: r.urn,
            request: analyzeRequest(builder.resource(r, propsOrOther(r.inputs, r.outputs), notes)),
            notes,
        };
    });
    const stackNotes: ConversionNotes = { encryptedSecrets: false };
    const stack = new AnalyzeStackRequest();
    stack.setResourcesList(
        resources.map((r) => {
            const recorded = propsOrOther(r.outputs, r.inputs);
            // Bridged AWS resources carry `id` among their outputs; keep it for subnet lookups when an export omits it.
            const outputs = r.custom && r.id && recorded.id === undefined ? { ...recorded, id: r.id } : recorded;
            return stackResource(builder.resource(r, outputs, stackNotes), r.dependencies, r.propertyDependencies);
        }),
    );
    return { resources: perResource, stack, stackNotes };
}

/**
 * A state entry that records only one of inputs and outputs is analyzed with the one it has: in a preview the
 * engine's planned outputs of a resource to be created are its inputs, and a hand-written export often carries
 * only one set. Judging an empty bag instead would pass anything.
 */
function propsOrOther(props: Record<string, unknown>, other: Record<string, unknown>): Record<string, unknown> {
    return Object.keys(props).length === 0 ? other : props;
}

/** Builds request resources; each provider's request object is built once and shared. */
class RequestBuilder {
    private readonly byUrn: ReadonlyMap<string, ValidatedResource>;
    private readonly providers = new Map<string, AnalyzerProviderResource | undefined>();

    constructor(
        resources: readonly ValidatedResource[],
        private readonly encoding: StructEncoding,
    ) {
        this.byUrn = new Map(resources.map((r) => [r.urn, r]));
    }

    resource(r: ValidatedResource, props: Record<string, unknown>, notes: ConversionNotes): RequestResource {
        return {
            urn: r.urn,
            type: r.type,
            properties: toStruct(toAnalyzerProperties(props, notes), this.encoding),
            parent: r.parent,
            protect: r.protect,
            aliases: r.aliases,
            additionalSecretOutputs: r.additionalSecretOutputs,
            provider: r.provider ? this.provider(r.provider) : undefined,
        };
    }

    /** `reference` is "<provider URN>::<provider id>". */
    private provider(reference: string): AnalyzerProviderResource | undefined {
        if (this.providers.has(reference)) return this.providers.get(reference);
        const provider = this.byUrn.get(reference.slice(0, reference.lastIndexOf("::")));
        const built = provider
            ? providerResource(
                  provider.urn,
                  provider.type,
                  toStruct(toAnalyzerProperties(provider.inputs, { encryptedSecrets: false }), this.encoding),
              )
            : undefined;
        this.providers.set(reference, built);
        return built;
    }
}

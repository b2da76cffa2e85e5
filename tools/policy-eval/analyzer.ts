/**
 * Drives `@pulumi/policy`'s own analyzer RPC handlers — `makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun` from
 * `@pulumi/policy/server`, the code the Pulumi CLI's analyzer plugin runs — with `analyzer_pb` request messages
 * built from a stack export. Enforcement levels, `disabled`, `notApplicable`, the type fast-path, unknown values
 * and the stack graph (parent, dependencies, propertyDependencies) are therefore the SDK's, not a re-implementation.
 *
 * Two things the handlers cannot take from a request are supplied around them:
 * - policy config: the engine delivers it through the `configure` RPC, whose handler the SDK does not export, so
 *   each policy is passed with its resolved level and a `getConfig` returning its resolved properties;
 * - the property bag: by default a Struct whose `toJavaScript()` returns the converted JSON as is. Building a
 *   real protobuf Struct costs ~0.5 ms per resource (google-protobuf's `fromJavaScript`) and round-trips JSON to
 *   the same value; `structEncoding: "protobuf"` builds real ones (a test checks both give the same verdicts).
 */
import {
    EnforcementLevel,
    Policies,
    Policy,
    ResourceValidation,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import {
    AnalyzeRequest,
    AnalyzeResponse,
    AnalyzerPropertyDependencies,
    AnalyzerProviderResource,
    AnalyzerResource,
    AnalyzerResourceOptions,
    AnalyzeStackRequest,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { urnName } from "../../policies/lib/values";
import { ResolvedPolicyConfig } from "./policy-config";
import { AnalyzerValue } from "./property-values";

type RpcHandler<Request> = (
    call: { request: Request },
    callback: (error: unknown, response?: AnalyzeResponse) => void,
) => Promise<void>;

interface AnalyzerServerModule {
    makeAnalyzeRpcFun(
        pack: string,
        version: string,
        level: EnforcementLevel,
        policies: Policies,
    ): RpcHandler<AnalyzeRequest>;
    makeAnalyzeStackRpcFun(
        pack: string,
        version: string,
        level: EnforcementLevel,
        policies: Policies,
    ): RpcHandler<AnalyzeStackRequest>;
}

// Exported JavaScript, typed `@internal` (absent from server.d.ts); pinned with the SDK version.
const server = require("@pulumi/policy/server") as AnalyzerServerModule;

export type StructEncoding = "plain" | "protobuf";

/** A Struct that hands the analyzer already-converted JSON (see the module comment). */
class PlainStruct extends Struct {
    constructor(private readonly plain: { [key: string]: JavaScriptValue }) {
        super();
    }

    override toJavaScript(): { [key: string]: JavaScriptValue } {
        return this.plain;
    }
}

export function toStruct(props: Record<string, AnalyzerValue>, encoding: StructEncoding): Struct {
    return encoding === "protobuf" ? Struct.fromJavaScript(props) : new PlainStruct(props);
}

export interface AnalyzerHandlers {
    readonly analyze: (request: AnalyzeRequest) => Promise<AnalyzeResponse>;
    readonly analyzeStack: (request: AnalyzeStackRequest) => Promise<AnalyzeResponse>;
}

export function analyzerHandlers(
    pack: string,
    version: string,
    packLevel: EnforcementLevel,
    policies: Policies,
    config: ReadonlyMap<string, ResolvedPolicyConfig>,
): AnalyzerHandlers {
    const configured = policies.map((p) => configurePolicy(p, config.get(p.name)));
    const analyze = server.makeAnalyzeRpcFun(pack, version, packLevel, configured);
    const analyzeStack = server.makeAnalyzeStackRpcFun(pack, version, packLevel, configured);
    return { analyze: (request) => call(analyze, request), analyzeStack: (request) => call(analyzeStack, request) };
}

function call<Request>(handler: RpcHandler<Request>, request: Request): Promise<AnalyzeResponse> {
    return new Promise((resolve, reject) => {
        void handler({ request }, (error, response) => {
            if (response && !error) resolve(response);
            else
                reject(
                    error instanceof Error
                        ? error
                        : new Error(
                              error ? `analyzer call failed: ${JSON.stringify(error)}` : "empty analyzer response",
                          ),
                );
        });
    });
}

/**
 * The policy as the analyzer would see it after `configure`: resolved level, and every half — the resource
 * validations and the stack validation alike — reading its resolved config through `getConfig`, as the engine's
 * Configure hands one config to the whole policy.
 */
function configurePolicy(policy: Policy, config: ResolvedPolicyConfig | undefined): Policy {
    if (!config) return policy;
    const properties = config.properties;
    const getConfig = <T extends object>(): T => structuredClone(properties) as T;
    const configured: Record<string, unknown> = { ...policy, enforcementLevel: config.enforcementLevel };
    const validateStack: unknown = (policy as Partial<StackValidationPolicy>).validateStack;
    if (typeof validateStack === "function") {
        const stack = validateStack as StackValidationPolicy["validateStack"];
        configured.validateStack = ((args, report) =>
            stack({ ...args, getConfig }, report)) satisfies StackValidationPolicy["validateStack"];
    }
    const validations = (policy as Partial<ResourceValidationPolicy>).validateResource;
    if (validations) {
        const wrap = (validate: ResourceValidation): ResourceValidation =>
            // Keep the type tag so the analyzer's fast path still skips other resource types.
            Object.assign<ResourceValidation, object>(
                (args, report) => validate({ ...args, getConfig }, report),
                pulumiTypeTag(validate),
            );
        configured.validateResource = Array.isArray(validations) ? validations.map(wrap) : wrap(validations);
    }
    return configured as unknown as Policy;
}

function pulumiTypeTag(fn: ResourceValidation): { __pulumiType?: string } {
    const tag: unknown = (fn as { __pulumiType?: unknown }).__pulumiType;
    return typeof tag === "string" ? { __pulumiType: tag } : {};
}

export interface RequestResource {
    readonly urn: string;
    readonly type: string;
    readonly properties: Struct;
    readonly parent: string;
    readonly protect: boolean;
    readonly aliases: readonly string[];
    readonly additionalSecretOutputs: readonly string[];
    readonly provider: AnalyzerProviderResource | undefined;
}

export function resourceOptions(r: RequestResource): AnalyzerResourceOptions {
    const options = new AnalyzerResourceOptions();
    options.setProtect(r.protect);
    options.setAliasesList([...r.aliases]);
    options.setAdditionalsecretoutputsList([...r.additionalSecretOutputs]);
    options.setCustomtimeouts(new AnalyzerResourceOptions.CustomTimeouts());
    if (r.parent) options.setParent(r.parent);
    return options;
}

export function analyzeRequest(r: RequestResource): AnalyzeRequest {
    const request = new AnalyzeRequest();
    request.setType(r.type);
    request.setUrn(r.urn);
    request.setName(urnName(r.urn));
    request.setProperties(r.properties);
    request.setOptions(resourceOptions(r));
    if (r.provider) request.setProvider(r.provider);
    return request;
}

export function stackResource(
    r: RequestResource,
    dependencies: readonly string[],
    propertyDependencies: Readonly<Record<string, readonly string[]>>,
): AnalyzerResource {
    const resource = new AnalyzerResource();
    resource.setType(r.type);
    resource.setUrn(r.urn);
    resource.setName(urnName(r.urn));
    resource.setProperties(r.properties);
    resource.setOptions(resourceOptions(r));
    if (r.provider) resource.setProvider(r.provider);
    if (r.parent) resource.setParent(r.parent);
    resource.setDependenciesList([...dependencies]);
    const map = resource.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(propertyDependencies)) {
        const deps = new AnalyzerPropertyDependencies();
        deps.setUrnsList([...urns]);
        map.set(key, deps);
    }
    return resource;
}

export function providerResource(urn: string, type: string, properties: Struct): AnalyzerProviderResource {
    const provider = new AnalyzerProviderResource();
    provider.setUrn(urn);
    provider.setType(type);
    provider.setName(urnName(urn));
    provider.setProperties(properties);
    return provider;
}

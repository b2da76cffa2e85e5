/**
 * Records every resource the program registers with the (mocked) engine, with what the public Mocks API leaves
 * out: URN, parent, dependencies, property dependencies, provider reference, protect, retain-on-delete and remote
 * flags, and the outputs a component registers at the end of its constructor.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
    RegisterResourceOutputsRequest,
    RegisterResourceRequest,
    RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { getMonitor, getProject, getStack } from "@pulumi/pulumi/runtime/settings";

/** JSON as the engine stores it: secrets and resource references keep their signature objects. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface CapturedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** Registered through a multi-language component provider: its children exist only under the real engine. */
    remote: boolean;
    id?: string;
    parent?: string;
    provider?: string;
    protect: boolean;
    /** Kept in the cloud when the stack deletes it (`retainOnDelete`); not part of a stack export. */
    retainOnDelete: boolean;
    /** Input paths whose changes the engine ignores (`ignoreChanges`); not part of a stack export. */
    ignoreChanges: string[];
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Inputs as the program passed them (what resource policies see). */
    inputs: Record<string, unknown>;
    /** Engine-serialized inputs (secrets and resource references as signature objects). */
    serializedInputs: Record<string, Json>;
    /** Engine-serialized outputs (what stack policies and `pulumi stack export` see). */
    outputs: Record<string, Json>;
}

type Callback<T> = (err: unknown, response: T) => void;

/**
 * Wraps the monitor installed by `pulumi.runtime.setMocks` so that every registration lands in the returned
 * array. Call it right after `setMocks` and before the program registers anything.
 */
export function captureRegistrations(sink: CapturedResource[] = []): CapturedResource[] {
    const installed: unknown = getMonitor();
    if (!(installed instanceof MockMonitor)) {
        throw new Error("captureRegistrations() needs the mock monitor: call pulumi.runtime.setMocks() first");
    }
    const monitor: MockMonitor = installed;
    // newUrn is private in the SDK's typings; replacing it on this one instance is the narrowest change.
    Object.defineProperty(monitor, "newUrn", { value: engineUrn });
    const captured = sink;
    const byUrn = new Map<string, CapturedResource>();
    const registerResource = monitor.registerResource.bind(monitor);
    const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);

    monitor.registerResource = (
        req: RegisterResourceRequest,
        callback: Callback<RegisterResourceResponse | undefined>,
    ) =>
        registerResource(req, (err: unknown, response: RegisterResourceResponse | undefined) => {
            if (!err && response) {
                const resource = fromRequest(req, response);
                captured.push(resource);
                byUrn.set(resource.urn, resource);
            }
            callback(err, response);
        });
    monitor.registerResourceOutputs = (req: RegisterResourceOutputsRequest, callback: Callback<unknown>) =>
        registerResourceOutputs(req, (err: unknown, response: unknown) => {
            const resource = byUrn.get(req.getUrn());
            if (!err && resource) {
                resource.outputs = req.getOutputs()?.toJavaScript() ?? {};
            }
            callback(err, response);
        });
    return captured;
}

/**
 * URNs as the engine writes them: the type part is the chain of ancestor types joined by `$`, without the root
 * Stack's type (the mock monitor keeps only the direct parent's type, so nested URNs would not match real state).
 */
export function engineUrn(parent: string, type: string, name: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualifiedType = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${getStack()}::${getProject()}::${qualifiedType}::${name}`;
}

function fromRequest(req: RegisterResourceRequest, response: RegisterResourceResponse): CapturedResource {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
        propertyDependencies[key] = deps.getUrnsList();
    });
    const object = req.getObject();
    const serializedInputs = (object?.toJavaScript() ?? {}) as Record<string, Json>;
    return {
        urn: response.getUrn(),
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        remote: req.getRemote(),
        id: req.getCustom() ? response.getId() : undefined,
        parent: req.getParent() || undefined,
        provider: req.getProvider() || undefined,
        protect: req.getProtect() ?? false,
        retainOnDelete: req.getRetainondelete() ?? false,
        ignoreChanges: req.getIgnorechangesList(),
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        inputs: object ? deserializeProperties(object) : {},
        serializedInputs,
        outputs: response.getObject()?.toJavaScript() ?? {},
    };
}

/** Resolves an Output in a test, as `await` would resolve a promise. */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/**
 * Records every resource the program registers with the (mocked) engine, with what the public Mocks API leaves
 * out: URN, parent, dependencies, property dependencies, provider reference, protect, retain-on-delete and remote
 * flags, aliases (as the engine resolves them), and the outputs a component registers at the end of its constructor.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Alias } from "@pulumi/pulumi/proto/alias_pb";
import type {
    RegisterResourceOutputsRequest,
    RegisterResourceRequest,
    RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { getMonitor, getProject, getStack } from "@pulumi/pulumi/runtime/settings";
import type { Json, RegisteredResource } from "../stack-export";

export type { Json };

/** A registration as the offline plan records it: what a stack export holds, and what the Mocks API leaves out. */
export interface CapturedResource extends RegisteredResource {
    name: string;
    /** Registered through a multi-language component provider: its children exist only under the real engine. */
    remote: boolean;
    /** Kept in the cloud when the stack deletes it (`retainOnDelete`); not part of a stack export. */
    retainOnDelete: boolean;
    /** Input paths whose changes the engine ignores (`ignoreChanges`); not part of a stack export. */
    ignoreChanges: string[];
    /** Deleted before its replacement is created (`deleteBeforeReplace`); not part of a stack export. */
    deleteBeforeReplace: boolean;
    /** Outputs the engine stores as secrets whatever the provider returns (`additionalSecretOutputs`). */
    additionalSecretOutputs: string[];
    /** Inputs as the program passed them (what resource policies see). */
    inputs: Record<string, unknown>;
    /**
     * URNs the engine would take this resource to have had before (its `aliases`, and its parent's aliases carried
     * down to it): a deployed resource at one of them is updated in place, not replaced.
     */
    aliases: string[];
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
                const resource = fromRequest(req, response, byUrn);
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

function fromRequest(
    req: RegisterResourceRequest,
    response: RegisterResourceResponse,
    registered: ReadonlyMap<string, CapturedResource>,
): CapturedResource {
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
        deleteBeforeReplace: req.getDeletebeforereplace() ?? false,
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        inputs: object ? deserializeProperties(object) : {},
        serializedInputs,
        outputs: response.getObject()?.toJavaScript() ?? {},
        aliases: resolveAliases(req, registered),
    };
}

/**
 * The alias URNs of a registration, as the engine computes them (step_generator's generateAliases): each alias
 * spec filled in from the resource (name, type, parent unless `noParent`), plus, for every alias of its parent,
 * the URN it would have had under that parent, with its own name and type and with each of its specs'.
 */
function resolveAliases(req: RegisterResourceRequest, registered: ReadonlyMap<string, CapturedResource>): string[] {
    const name = req.getName();
    const type = req.getType();
    const parent = req.getParent();
    const specs = req.getAliasesList().map((alias: Alias) => alias.getSpec());
    const urns = req
        .getAliasesList()
        .map((alias: Alias) => alias.getUrn())
        .filter((urn) => urn !== "");
    for (const spec of specs) {
        if (!spec) continue;
        const aliasParent = spec.getNoparent() ? "" : spec.getParenturn() || parent;
        urns.push(urnUnder(aliasParent, spec.getType() || type, spec.getName() || name, spec));
    }
    for (const parentAlias of registered.get(parent)?.aliases ?? []) {
        urns.push(urnUnder(parentAlias, type, name));
        for (const spec of specs) {
            // The SDK fills a spec's parent with the resource's own; only a spec naming another parent stays put.
            if (spec && !spec.getNoparent() && (!spec.getParenturn() || spec.getParenturn() === parent)) {
                urns.push(urnUnder(parentAlias, spec.getType() || type, spec.getName() || name, spec));
            }
        }
    }
    const own = engineUrn(parent, type, name);
    return [...new Set(urns)].filter((urn) => urn !== own);
}

function urnUnder(parent: string, type: string, name: string, spec?: Alias.Spec): string {
    const urn = engineUrn(parent, type, name);
    const stack = spec?.getStack();
    const project = spec?.getProject();
    if (!stack && !project) return urn;
    const rest = urn.split("::").slice(2).join("::");
    return `urn:pulumi:${stack || getStack()}::${project || getProject()}::${rest}`;
}

/** Resolves an Output in a test, as `await` would resolve a promise. */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/**
 * Kubernetes type tokens and names. Every Kubernetes resource, built-in or CustomResource, is registered as
 * `kubernetes:<apiVersion>:<Kind>` (pulumi-kubernetes sdk/nodejs/apiextensions/customResource.ts), with the core
 * group spelled `core/v1`; `*Patch` resources append "Patch" to the kind.
 * @internal
 */
import { cosmetic, dig, Props } from "./values";

export interface K8sType {
    readonly group: string;
    readonly version: string;
    /** Kind without the `Patch` suffix. */
    readonly kind: string;
    readonly patch: boolean;
}

export function parseK8sType(type: string): K8sType | undefined {
    const match = /^kubernetes:([^:]+):([A-Za-z][A-Za-z0-9]*)$/.exec(type);
    if (!match) return undefined;
    const apiVersion = match[1];
    const slash = apiVersion.lastIndexOf("/");
    const group = slash < 0 ? "core" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const rawKind = match[2];
    const patch = rawKind.length > "Patch".length && rawKind.endsWith("Patch");
    return { group, version, kind: patch ? rawKind.slice(0, -"Patch".length) : rawKind, patch };
}

/** `metadata.name` for messages, falling back to the Pulumi resource name. */
export function objectName(props: Props, resourceName: string): string {
    return cosmetic(() => dig(props, ["metadata", "name"]), resourceName);
}

/** `namespace/name` when the namespace is set, for exemption matching and messages. */
export function qualifiedName(props: Props, resourceName: string): string {
    const name = objectName(props, resourceName);
    const namespace = cosmetic(() => dig(props, ["metadata", "namespace"]), "");
    return namespace ? `${namespace}/${name}` : name;
}

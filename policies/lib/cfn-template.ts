/**
 * CloudFormation templates as the policies read them: JSON or YAML with CloudFormation's short tags (`!Sub`,
 * `!Ref`…), which are read as their long forms (`{"Fn::Sub": …}`) so a value built by a function is recognized as
 * one rather than taken for a literal. A template may also arrive as an object (aws-native's `templateBody`). A template with duplicate keys or a syntax error reads as undefined: readers
 * disagree on it, so nothing in it can be relied on.
 * @internal
 */
import { parseDocument } from "yaml";
import { isRecord } from "./values";

const CFN_TAGS = [
    "Ref",
    "Sub",
    "GetAtt",
    "Join",
    "If",
    "Select",
    "Split",
    "FindInMap",
    "ImportValue",
    "Base64",
    "Cidr",
    "GetAZs",
    "Equals",
    "Not",
    "And",
    "Or",
    "Condition",
    "Transform",
    "ToJsonString",
    "Length",
];

export const CFN_STACK_TYPES: ReadonlySet<string> = new Set([
    "aws:cloudformation/stack:Stack",
    "aws:cloudformation/stackSet:StackSet",
    "aws-native:cloudformation:Stack",
    "aws-native:cloudformation:StackSet",
]);

/**
 * The template's `Resources` entries of `type` as [logicalId, Properties]; undefined when the body is unreadable.
 * The body is template text, or the template object itself (aws-native's `templateBody` accepts either).
 */
export function templateResources(body: unknown, type: string): Array<[string, Record<string, unknown>]> | undefined {
    const template = typeof body === "string" ? readTemplate(body) : body;
    if (template === undefined) return undefined;
    const resources = isRecord(template) ? template.Resources : undefined;
    if (!isRecord(resources)) return [];
    return Object.entries(resources).flatMap(([id, resource]): Array<[string, Record<string, unknown>]> =>
        isRecord(resource) && resource.Type === type
            ? [[id, isRecord(resource.Properties) ? resource.Properties : {}]]
            : [],
    );
}

export function readTemplate(body: string): unknown {
    const customTags = CFN_TAGS.flatMap((name) =>
        (["scalar", "seq", "map"] as const).map((kind) => ({
            tag: `!${name}`,
            ...(kind === "scalar" ? {} : { collection: kind }),
            resolve: (value: unknown) => ({ [name === "Ref" || name === "Condition" ? name : `Fn::${name}`]: value }),
        })),
    );
    try {
        const document = parseDocument(body, { uniqueKeys: true, customTags, version: "1.2" });
        if (document.errors.length > 0) return undefined;
        return document.toJS({ maxAliasCount: 100 }) as unknown;
    } catch {
        return undefined;
    }
}

/** True when a CloudFormation function computes `value` or a part of it. */
export function containsIntrinsic(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(containsIntrinsic);
    if (!isRecord(value)) return false;
    const keys = Object.keys(value);
    // A function is a one-key object ({"Ref": …}, {"Condition": …}); no IAM element starts with "Fn::".
    if (keys.some((k) => k.startsWith("Fn::")) || (keys.length === 1 && (keys[0] === "Ref" || keys[0] === "Condition")))
        return true;
    return keys.some((k) => containsIntrinsic(value[k]));
}

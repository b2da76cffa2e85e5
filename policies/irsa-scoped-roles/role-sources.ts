/**
 * Every resource type that can create an IAM role with a trust policy, and where each keeps the trust document
 * and the role name: the classic provider's `aws:iam/role:Role`, the Cloud Control provider's `aws-native:iam:Role`,
 * and `AWS::IAM::Role` resources inside CloudFormation templates (`aws:cloudformation/stack:Stack`,
 * `aws:cloudformation/stackSet:StackSet`, `aws-native:cloudformation:Stack`). Components of other packages
 * (pulumi-eks, aws-iam) create their roles as child `aws:iam/role:Role` resources, which the engine analyzes.
 * @internal
 */
import { containsIntrinsic, templateResources } from "../lib/cfn-template";
import { NotEvaluableError } from "../lib/sdk";
import { Props, show } from "../lib/values";

export interface RoleUnderTest {
    /** e.g. `IAM role 'spark-dev-karpenter'` or `CloudFormation stack 'x' role 'Exec'`. */
    readonly label: string;
    /** Names matched against exemptRoles (read lazily). */
    readonly names: ReadonlyArray<() => unknown>;
    /** Where the trust document is, e.g. `assumeRolePolicy`. */
    readonly prop: string;
    readonly document: () => unknown;
    /** The role's own name; the EMR on EKS pattern embeds it. Throws when it cannot be known. */
    readonly roleName: () => string;
}

interface RoleType {
    readonly documentProp: string;
    readonly nameProp: string;
    /** A prefix the provider completes with a random suffix when it creates the role. */
    readonly prefixProp?: string;
}

/** Resource types that are an IAM role (a Map, so a type token like "constructor" cannot reach Object.prototype). */
export const ROLE_TYPES: ReadonlyMap<string, RoleType> = new Map(
    Object.entries({
        "aws:iam/role:Role": { documentProp: "assumeRolePolicy", nameProp: "name", prefixProp: "namePrefix" },
        "aws-native:iam:Role": { documentProp: "assumeRolePolicyDocument", nameProp: "roleName" },
    }),
);

export function directRole(type: RoleType, props: Props, resourceName: string): RoleUnderTest {
    const nameOf = () => {
        const name: unknown = props[type.nameProp];
        return typeof name === "string" && name !== "" ? name : undefined;
    };
    return {
        label: "IAM role",
        names: [() => resourceName, nameOf],
        prop: type.documentProp,
        document: () => props[type.documentProp],
        roleName: () => {
            const name = nameOf();
            if (name !== undefined) return name;
            const prefix: unknown = type.prefixProp === undefined ? undefined : props[type.prefixProp];
            if (typeof prefix === "string" && prefix !== "") {
                throw new NotEvaluableError(
                    `IAM role '${resourceName}' takes its name from ${type.prefixProp} ('${prefix}' and a suffix the ` +
                        "provider picks when it creates the role), which the EMR on EKS pattern must embed, so its " +
                        "trust cannot be checked; set name",
                    "not covered — the provider picks the name when it creates the role, after the policy ran",
                );
            }
            // Without a name or prefix the provider derives the name from the resource name.
            return resourceName;
        },
    };
}

const ROLE_RESOURCE = "AWS::IAM::Role";

/**
 * The AWS::IAM::Role resources of a template (JSON or YAML with CloudFormation's short tags). A template the pack
 * cannot read — `templateUrl`, a body that does not parse — that may declare roles is not evaluated, never passed.
 */
export function templateRoles(props: Props, stackLabel: string): RoleUnderTest[] {
    const body: unknown = props.templateBody;
    if (body === undefined || body === null) {
        if (props.templateUrl !== undefined && props.templateUrl !== null) {
            throw new NotEvaluableError(
                `${stackLabel} deploys a template from templateUrl, which the pack cannot read, so IAM roles ` +
                    "it may declare cannot be checked; pass the template as templateBody",
                "not covered — CloudFormation fetches the template only when it deploys the stack",
            );
        }
        return [];
    }
    const resources = templateResources(body, ROLE_RESOURCE);
    if (resources === undefined) {
        if (typeof body === "string" && !body.includes(ROLE_RESOURCE)) return [];
        throw new NotEvaluableError(
            `${stackLabel} has a templateBody that does not parse unambiguously (duplicate keys or a syntax ` +
                "error), so the IAM roles it declares cannot be checked; fix the template",
            "not covered — the engine passes the policy the same text",
        );
    }
    const roles: RoleUnderTest[] = [];
    for (const [logicalId, properties] of resources) {
        const label = `${stackLabel} role '${logicalId}'`;
        const document: unknown = properties.AssumeRolePolicyDocument;
        if (containsIntrinsic(document)) {
            throw new NotEvaluableError(
                `${label} builds its AssumeRolePolicyDocument with CloudFormation functions, which only ` +
                    "CloudFormation resolves, so its trust cannot be checked; write the document with literal values",
                "not covered — CloudFormation resolves the functions after the policy ran",
            );
        }
        const roleName: unknown = properties.RoleName;
        roles.push({
            label,
            names: [() => logicalId, () => roleName],
            prop: `templateBody.Resources.${logicalId}.Properties.AssumeRolePolicyDocument`,
            document: () => document,
            roleName: () => {
                if (typeof roleName === "string" && roleName !== "") return roleName;
                throw new NotEvaluableError(
                    `${label} has no literal RoleName (${show(roleName)}), which the EMR on EKS pattern ` +
                        "must embed; set RoleName",
                    "not covered — CloudFormation names the role when it creates it, after the policy ran",
                );
            },
        });
    }
    return roles;
}

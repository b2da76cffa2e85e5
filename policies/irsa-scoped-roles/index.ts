/**
 * `irsa-scoped-roles`: an IAM role trusted through an OIDC provider (IRSA) is assumable only by the Kubernetes
 * service accounts it names. Every Allow statement with a Federated OIDC principal or the
 * sts:AssumeRoleWithWebIdentity action must pin `<issuer>:sub` to concrete system:serviceaccount:<ns>:<name>
 * values (or the exact EMR on EKS pattern for this role) and `<issuer>:aud` to sts.amazonaws.com, using condition
 * keys of the principal's own issuer. Wildcard principals and wildcard actions in such statements are violations.
 * Roles trusted only by AWS services or accounts are not applicable.
 */
import { ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configList, exemptName } from "../lib/exemptions";
import { judgeStatement, parseTrustDocument } from "./iam-trust";
import { cosmetic } from "../lib/values";

export const IRSA_SCOPED_ROLES = "irsa-scoped-roles";
export const IAM_ROLE_TYPE = "aws:iam/role:Role";

export const irsaScopedRoles: ResourceValidationPolicy = {
    name: IRSA_SCOPED_ROLES,
    description: "IAM roles trusted through an OIDC provider must pin <issuer>:sub to named Kubernetes service accounts and <issuer>:aud to sts.amazonaws.com.",
    configSchema: {
        properties: {
            exemptRoles: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Roles not checked, matched against the role name or the Pulumi resource name.",
            },
        },
    },
    validateResource: withPulumiType(validateIrsaRole, IAM_ROLE_TYPE),
};

function validateIrsaRole(args: ResourceValidationArgs, report: ReportViolation): void {
    if (args.type !== IAM_ROLE_TYPE) return args.notApplicable(`Policy only applies to resources of type '${IAM_ROLE_TYPE}'`);
    const props = args.props;
    const exempt = exemptName(configList(args.getConfig(), "exemptRoles"), [() => args.name, () => props.name]);
    if (exempt !== undefined) return args.notApplicable(`'${exempt}' is listed in ${IRSA_SCOPED_ROLES}.exemptRoles`);
    const raw: unknown = props.assumeRolePolicy;
    if (raw === undefined || raw === null) return args.notApplicable("The role has no assumeRolePolicy");
    const role = `IAM role '${cosmetic(() => props.name, args.name)}'`;
    const trust = parseTrustDocument(raw);
    if ("problem" in trust) {
        // An unreadable trust document cannot be shown to be anything but open.
        return report(`${role} assumeRolePolicy ${trust.problem}; write a JSON policy document whose statements pin the service account`);
    }
    // The role's own name feeds the EMR on EKS pattern; fall back to the resource name when `name` is not set.
    const roleName = () => {
        const name: unknown = props.name;
        return typeof name === "string" && name !== "" ? name : args.name;
    };
    const verdicts = trust.statements.map((statement) => judgeStatement(statement, roleName));
    if (!verdicts.some((v) => v.relevant)) {
        return args.notApplicable("The trust policy trusts no OIDC provider or web identity (AWS services/accounts only)");
    }
    for (const finding of verdicts.flatMap((v) => v.findings)) report(`${role} trust policy ${finding}`);
}

/**
 * Tags the validator with the resource type, as `validateResourceOfType` does, so the analyzer skips other types
 * without deserializing them — without importing @pulumi/aws into the pack just for `aws.iam.Role.__pulumiType`.
 */
function withPulumiType(validate: ResourceValidation, type: string): ResourceValidation {
    return Object.assign(validate, { __pulumiType: type });
}

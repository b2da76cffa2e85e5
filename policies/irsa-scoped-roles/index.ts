/**
 * `irsa-scoped-roles`: an IAM role trusted through an OIDC provider (IRSA) is assumable only by the Kubernetes
 * service accounts it names. Every Allow statement with a Federated OIDC principal or the
 * sts:AssumeRoleWithWebIdentity action must pin `<issuer>:sub` to concrete system:serviceaccount:<ns>:<name>
 * values (or the exact EMR on EKS pattern for this role) and `<issuer>:aud` to sts.amazonaws.com, using condition
 * keys of the principal's own issuer. Wildcard principals and wildcard actions in such statements are violations.
 * Roles trusted only by AWS services or accounts are not applicable.
 */
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { CFN_STACK_TYPES } from "../lib/cfn-template";
import { exemptName } from "../lib/exemptions";
import { configList } from "../lib/policy-config";
import { isUnknownValueError, NotEvaluableError } from "../lib/sdk";
import { cosmetic } from "../lib/values";
import { judgeStatement, parseTrustDocument } from "./iam-trust";
import { directRole, ROLE_TYPES, RoleUnderTest, templateRoles } from "./role-sources";

/** How the policy expects the EMR on EKS service-account pattern to end, for exports made to exercise it. */
export { base36 } from "./base36";

export const IRSA_SCOPED_ROLES = "irsa-scoped-roles";
export const IAM_ROLE_TYPE = "aws:iam/role:Role";

export const irsaScopedRoles: ResourceValidationPolicy = {
    name: IRSA_SCOPED_ROLES,
    description:
        "IAM roles trusted through an OIDC provider must pin <issuer>:sub to named Kubernetes service accounts and <issuer>:aud to sts.amazonaws.com.",
    configSchema: {
        properties: {
            exemptRoles: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "Roles not checked, matched against the role name (a template role's logical id) or the Pulumi resource name.",
            },
        },
    },
    validateResource: validateIrsaRoles,
};

function validateIrsaRoles(args: ResourceValidationArgs, report: ReportViolation): void {
    // Read first, so a config with an unknown property stops the run on any resource.
    const exempt = configList(irsaScopedRoles, args.getConfig(), "exemptRoles");
    const roleType = ROLE_TYPES.get(args.type);
    if (!roleType && !CFN_STACK_TYPES.has(args.type)) {
        return args.notApplicable(
            `Policy only applies to IAM roles (${[...ROLE_TYPES.keys(), ...CFN_STACK_TYPES].join(", ")})`,
        );
    }
    const roles = roleType
        ? [directRole(roleType, args.props, args.name)]
        : templateRoles(args.props, `CloudFormation stack '${args.name}'`);
    const exemptRole = (role: RoleUnderTest) =>
        exemptName(exempt, roleType ? role.names : [() => args.name, ...role.names]);
    const skipped = roles.length === 1 ? exemptRole(roles[0]) : undefined;
    if (skipped !== undefined) return args.notApplicable(`'${skipped}' is listed in ${IRSA_SCOPED_ROLES}.exemptRoles`);
    let relevant = false;
    const unknowns: string[] = [];
    for (const role of roles) {
        if (exemptRole(role) !== undefined) continue;
        try {
            relevant = judgeRole(role, report) || relevant;
        } catch (e) {
            // Judge every other role of a template first, then let the unknown surface (advisory "not evaluated").
            if (!isUnknownValueError(e) || roles.length === 1) throw e;
            unknowns.push(e.message);
        }
    }
    if (unknowns.length > 0) throw new NotEvaluableError(unknowns.join("; "));
    if (!relevant)
        return args.notApplicable(
            "The trust policy trusts no OIDC provider or web identity (AWS services/accounts only)",
        );
}

/** Reports the role's findings; true when its trust is an OIDC/web-identity trust (or unreadable). */
function judgeRole(role: RoleUnderTest, report: ReportViolation): boolean {
    const raw = role.document();
    if (raw === undefined || raw === null) return false;
    const subject = `${role.label} '${cosmetic(
        () => role.names[1]?.(),
        cosmetic(() => role.names[0]?.(), "?"),
    )}'`;
    const label = role.label === "IAM role" ? subject : role.label;
    const trust = parseTrustDocument(raw, role.prop);
    if ("problem" in trust) {
        // An unreadable trust document cannot be shown to be anything but open.
        report(
            `${label} ${role.prop} ${trust.problem}; write a JSON policy document whose statements pin the service account`,
        );
        return true;
    }
    const verdicts = trust.statements.map((statement) => judgeStatement(statement, role.roleName));
    for (const finding of verdicts.flatMap((v) => v.findings)) report(`${label} trust policy ${finding}`);
    return verdicts.some((v) => v.relevant);
}

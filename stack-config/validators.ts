/**
 * Pure checks over configuration values. Each returns a parsed value or a description of what is
 * wrong, so the settings parser can collect every problem before anything is registered.
 */

/** RFC 1123 label: what Kubernetes requires of namespace names. */
export function isDnsLabel(value: string): boolean {
    return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** A positive Kubernetes resource quantity such as "64", "500m" or "256Gi". */
export function isPositiveQuantity(value: string): boolean {
    return QUANTITY.test(value) && Number.parseFloat(value) > 0;
}

const IAM_PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(role|user)\/[\w+=,.@\-/]+$/;

export interface IamPrincipalArn {
    readonly arn: string;
    readonly partition: string;
    readonly accountId: string;
}

export function parseIamPrincipalArn(arn: string): IamPrincipalArn | string {
    const m = IAM_PRINCIPAL_ARN.exec(arn);
    if (!m) return "is not an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admin";
    return { arn, partition: m[1], accountId: m[2] };
}

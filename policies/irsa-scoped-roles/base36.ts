/**
 * Base36 exactly as the AWS CLI's `emr-containers update-role-trust-policy` computes it for the EMR on EKS
 * service-account pattern (awscli/customizations/emrcontainers/base36.py): each character of the role name is a
 * base-256 digit of one big number, written in base 36 with the digits 0-9a-z; an empty name encodes as "0".
 * IAM role names are ASCII ([\w+=,.@-]), so the UTF-8 bytes used here are the same digits.
 * Example: base36("spark-dev-emr-exec") === "9llejrtts23j51ds6pams1oilysj".
 * @internal
 */
export function base36(text: string): string {
    const bytes = Buffer.from(text, "utf8");
    if (bytes.length === 0) return "0";
    return BigInt(`0x${bytes.toString("hex")}`).toString(36);
}

/**
 * Base36 of an IAM role name exactly as the AWS CLI computes it for EMR on EKS
 * (awscli/customizations/emrcontainers/base36.py): the name's bytes are the base-256 digits of one big number,
 * written in base 36 with the digits 0-9a-z; an empty name encodes as "0". EMR names the service accounts it
 * creates for a job `emr-containers-sa-<component>-<account>-<base36(role name)>`, so the execution role's trust
 * must embed the same encoding. Role names are ASCII ([\w+=,.@-]), so UTF-8 bytes are the CLI's `ord(c)` digits.
 */
export function base36(text: string): string {
    const bytes = Buffer.from(text, "utf8");
    if (bytes.length === 0) return "0";
    return BigInt(`0x${bytes.toString("hex")}`).toString(36);
}

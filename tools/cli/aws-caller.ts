/**
 * Who the AWS credentials of this shell belong to, asked of STS before a tool does anything else with AWS: a tool
 * that needs credentials says "log in" in one line (exit 2) instead of failing each check with the same error.
 */
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { InputError, firstLine } from "./plumbing";

export interface Caller {
    readonly accountId: string;
    readonly arn: string;
}

/** Errors of the SDK's credential chain, or of credentials STS refuses: the user has to log in, not fix a check. */
const CREDENTIAL_ERRORS = new Set([
    "CredentialsProviderError",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "TokenRefreshRequired",
]);

/** The caller's account and ARN; an InputError naming the way to log in when there are no usable credentials. */
export async function callerIdentity(sts: STSClient, tool: string): Promise<Caller> {
    try {
        const answer = await sts.send(new GetCallerIdentityCommand({}));
        if (!answer.Account || !answer.Arn) throw new Error("STS returned no account");
        return { accountId: answer.Account, arn: answer.Arn };
    } catch (e) {
        const name = (e as { name?: string }).name ?? "";
        if (CREDENTIAL_ERRORS.has(name)) {
            throw new InputError(
                `no usable AWS credentials (${firstLine(e)}); log in (aws sso login, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and run ${tool} again`,
            );
        }
        throw new InputError(`cannot ask STS who the caller is: ${firstLine(e)}`);
    }
}

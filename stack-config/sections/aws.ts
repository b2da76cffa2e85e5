import { ConfigReader, matches } from "../config-reader";
import { EMR_ON_EKS_ECR_ACCOUNTS, Partition, partitionOf } from "../../components/vocabulary";

export interface AwsSettings {
    readonly region: string;
    readonly partition: Partition;
    /** Accounts the AWS provider may act in (`aws:allowedAccountIds`); the first is the stack's account. */
    readonly allowedAccountIds: readonly string[];
    /** Account of the EMR on EKS ECR registry in this region. */
    readonly emrEcrAccountId: string;
}

export function readAws(r: ConfigReader): AwsSettings | undefined {
    const regions = Object.keys(EMR_ON_EKS_ECR_ACCOUNTS);
    const region = r.string("aws:region", `set it to a region that hosts EMR on EKS images (${regions.join(", ")})`);
    const regionOk = r.check("aws:region", region, (value) =>
        value in EMR_ON_EKS_ECR_ACCOUNTS
            ? undefined
            : `is not a region that hosts EMR on EKS images; use one of: ${regions.join(", ")}`,
    );
    const accounts = r.stringList(
        "aws:allowedAccountIds",
        "list the 12-digit AWS account ids this stack may deploy to",
        {
            allowEmpty: false,
        },
    );
    const accountsOk = r.checkFirst(
        "aws:allowedAccountIds",
        accounts,
        matches(/^\d{12}$/, "is not an AWS account id; use the 12-digit id as a quoted string"),
    );
    if (region === undefined || !regionOk || accounts === undefined || !accountsOk) return undefined;
    return {
        region,
        partition: partitionOf(region),
        allowedAccountIds: accounts,
        emrEcrAccountId: EMR_ON_EKS_ECR_ACCOUNTS[region],
    };
}

/**
 * Regions the platform can be deployed to, with the account that hosts the EMR on EKS images and the
 * EMR-flavoured Spark Operator chart in that region's ECR.
 *
 * Source: "Details for selecting a base image URI" in the EMR on EKS Development Guide
 * (https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/docker-custom-images-tag.html).
 * Account ids keep their leading zeros, so they are strings.
 */
export const EMR_ON_EKS_ECR_ACCOUNTS: Readonly<Record<string, string>> = {
    "af-south-1": "358491847878",
    "ap-east-1": "736135916053",
    "ap-northeast-1": "059004520145",
    "ap-northeast-2": "996579266876",
    "ap-northeast-3": "705689932349",
    "ap-south-1": "235914868574",
    "ap-south-2": "691480105545",
    "ap-southeast-1": "671219180197",
    "ap-southeast-2": "038297999601",
    "ap-southeast-3": "946962994502",
    "ca-central-1": "351826393999",
    "cn-north-1": "068337069695",
    "cn-northwest-1": "068420816659",
    "eu-central-1": "107292555468",
    "eu-central-2": "314408114945",
    "eu-north-1": "830386416364",
    "eu-south-1": "238014973495",
    "eu-south-2": "350796622945",
    "eu-west-1": "483788554619",
    "eu-west-2": "118780647275",
    "eu-west-3": "307523725174",
    "il-central-1": "395734710648",
    "me-central-1": "818935616732",
    "me-south-1": "008085056818",
    "sa-east-1": "052806832358",
    "us-east-1": "755674844232",
    "us-east-2": "711395599931",
    "us-gov-east-1": "299393998622",
    "us-gov-west-1": "299385240661",
    "us-west-1": "608033475327",
    "us-west-2": "895885662937",
};

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

export function partitionOf(region: string): Partition {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** DNS suffix of service endpoints (ECR registries, OIDC issuers) in the region's partition. */
export function dnsSuffixOf(region: string): string {
    return partitionOf(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

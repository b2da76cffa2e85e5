/** The AWS SDK clients a smoke run uses, for the stack's region; tests hand in mocked ones. */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EMRContainersClient } from "@aws-sdk/client-emr-containers";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";

export interface SmokeAwsClients {
    readonly sts: STSClient;
    readonly emr: EMRContainersClient;
    readonly s3: S3Client;
    readonly logs: CloudWatchLogsClient;
}

export function defaultAwsClients(region: string): SmokeAwsClients {
    return {
        sts: new STSClient({ region }),
        emr: new EMRContainersClient({ region }),
        s3: new S3Client({ region }),
        logs: new CloudWatchLogsClient({ region }),
    };
}

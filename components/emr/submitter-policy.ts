/**
 * Trust and permissions of a team's submitter role, as pure functions: the role the team's people (or CI) assume to
 * run the team's EMR jobs, and nothing else.
 *
 * What EMR checks (Service Authorization Reference, emr-containers): `StartJobRun` is authorized on the virtual
 * cluster (its only resource type; a job template is not a resource of it) with the condition keys
 * `emr-containers:ExecutionRoleArn` and `emr-containers:JobTemplateArn` (both of type ARN, so `ArnEquals`);
 * `DescribeJobRun` and `CancelJobRun` on job runs, which are sub-resources of the virtual cluster's ARN
 * (`…/virtualclusters/<id>/jobruns/<jobRunId>`); `ListJobRuns` on the virtual cluster; `DescribeJobTemplate` on a
 * template's ARN, which EMR also requires of whoever starts a job from it ("Controlling access to job templates").
 * `ListJobTemplates` has no resource type, so it cannot be limited to the team's templates and is not granted: the
 * team's outputs name its templates. StartJobRun needs no `iam:PassRole`: EMR does not list it as a dependent action,
 * and the execution role is guarded by the ExecutionRoleArn condition instead.
 *
 * StartJobRun has two statements, one per way of starting a job, because EMR's documents do not say whether the
 * ExecutionRoleArn key is in the request context when a job starts from a template and the request names no role
 * (the template holds it): "Controlling access to job templates" (EMR on EKS Development Guide) restricts template
 * starts with `emr-containers:JobTemplateArn` alone and notes that a template can let the caller choose the role only
 * when its role field is a template parameter; the program's templates never have parameters (the provider has no
 * parameterConfiguration) and each is built with the team's own role. So:
 * - a start from a template (StartFromTeamTemplates) needs `JobTemplateArn` ∈ the team's templates (ArnEquals, so a
 *   request without a template never matches) and, should EMR report a role at all, that role to be the team's
 *   (ArnEqualsIfExists): it is allowed whether or not EMR sets ExecutionRoleArn, and a request that names another
 *   role next to the template is refused;
 * - a direct start (StartWithTeamRole, only without `requireJobTemplate`) needs `ExecutionRoleArn` = the team's role
 *   outright (ArnEquals: a request naming no role is refused, not let through unchecked) and no template at all
 *   (`Null`), so another team's template cannot be started here either.
 */
import { dnsSuffixOf, type Partition } from "../vocabulary";

/** IAM role or user ARN, named exactly (a trust policy takes no wildcard in an AWS principal of this kind). */
const PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:(role|user)\/[\w+=,.@\-/]+$/;
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@\-/]+$/;
const VIRTUAL_CLUSTER_ID = /^[0-9a-z]{1,64}$/;
const JOB_TEMPLATE_ARN = /^arn:(aws|aws-cn|aws-us-gov):emr-containers:[a-z0-9-]+:\d{12}:\/jobtemplates\/[0-9a-zA-Z]+$/;

export interface SubmitterTrustInput {
    readonly partition: Partition;
    /** Who may assume the role (`teams[].submitters`). */
    readonly submitters: readonly string[];
}

/** Only the listed principals may assume the role, each by its exact ARN. */
export function submitterTrustPolicy(input: SubmitterTrustInput) {
    if (input.submitters.length === 0) throw new Error("a submitter role needs at least one submitter");
    for (const arn of input.submitters) {
        const m = PRINCIPAL_ARN.exec(arn);
        if (!m) throw new Error(`submitter ${JSON.stringify(arn)} is not an IAM role or user ARN (no wildcards)`);
        if (m[1] !== input.partition)
            throw new Error(`submitter ${arn} is in partition ${m[1]}, not the stack's ${input.partition}`);
    }
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "TeamSubmitters",
                Effect: "Allow",
                Principal: { AWS: [...input.submitters] },
                Action: "sts:AssumeRole",
            },
        ],
    };
}

export interface SubmitterPolicyInput {
    readonly partition: Partition;
    readonly region: string;
    readonly accountId: string;
    /** The team's virtual cluster. */
    readonly virtualClusterId: string;
    /** The team's job execution role: the only role its jobs may run as. */
    readonly executionRoleArn: string;
    /** ARNs of the team's job templates. */
    readonly jobTemplateArns: readonly string[];
    /** Start jobs only from the team's templates (`teams[].requireJobTemplate`). */
    readonly requireJobTemplate: boolean;
    /** ARN of the platform bucket. */
    readonly bucketArn: string;
    /** The team's code prefix of the bucket (`code/<team>/`). */
    readonly codePrefix: string;
    /** ARN of the KMS key the bucket encrypts every object with. */
    readonly kmsKeyArn: string;
}

export function submitterPolicy(input: SubmitterPolicyInput) {
    const { partition, region, accountId, virtualClusterId, executionRoleArn, jobTemplateArns } = input;
    if (!VIRTUAL_CLUSTER_ID.test(virtualClusterId))
        throw new Error(`virtual cluster id ${JSON.stringify(virtualClusterId)} is not an EMR virtual cluster id`);
    if (!ROLE_ARN.test(executionRoleArn))
        throw new Error(`execution role ${JSON.stringify(executionRoleArn)} is not an IAM role ARN (no wildcards)`);
    const badTemplate = jobTemplateArns.find((arn) => !JOB_TEMPLATE_ARN.test(arn));
    if (badTemplate !== undefined)
        throw new Error(`job template ${JSON.stringify(badTemplate)} is not an EMR job template ARN (no wildcards)`);
    if (input.requireJobTemplate && jobTemplateArns.length === 0)
        throw new Error("requireJobTemplate needs at least one job template of the team");
    if (!/^code\/[a-z0-9-]+\/$/.test(input.codePrefix))
        throw new Error(`code prefix ${JSON.stringify(input.codePrefix)} is not a team's code/<team>/ prefix`);

    const virtualClusterArn = `arn:${partition}:emr-containers:${region}:${accountId}:/virtualclusters/${virtualClusterId}`;
    const startFromTemplates = {
        Sid: "StartFromTeamTemplates",
        Effect: "Allow",
        Action: "emr-containers:StartJobRun",
        Resource: virtualClusterArn,
        Condition: {
            ArnEquals: { "emr-containers:JobTemplateArn": [...jobTemplateArns] },
            ArnEqualsIfExists: { "emr-containers:ExecutionRoleArn": executionRoleArn },
        },
    };
    const startWithRole = {
        Sid: "StartWithTeamRole",
        Effect: "Allow",
        Action: "emr-containers:StartJobRun",
        Resource: virtualClusterArn,
        Condition: {
            ArnEquals: { "emr-containers:ExecutionRoleArn": executionRoleArn },
            Null: { "emr-containers:JobTemplateArn": "true" },
        },
    };
    const statements: object[] = [
        ...(jobTemplateArns.length > 0 ? [startFromTemplates] : []),
        ...(input.requireJobTemplate ? [] : [startWithRole]),
        {
            Sid: "ListTeamJobRuns",
            Effect: "Allow",
            Action: "emr-containers:ListJobRuns",
            Resource: virtualClusterArn,
        },
        {
            Sid: "WatchAndCancelTeamJobRuns",
            Effect: "Allow",
            Action: ["emr-containers:DescribeJobRun", "emr-containers:CancelJobRun"],
            Resource: `${virtualClusterArn}/jobruns/*`,
        },
        {
            Sid: "UploadTeamCode",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: `${input.bucketArn}/${input.codePrefix}*`,
        },
        {
            // The bucket encrypts every object with the stack key: an upload needs a data key, a multipart one
            // also Decrypt. Only through S3.
            Sid: "EncryptUploadsThroughS3",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: input.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `s3.${region}.${dnsSuffixOf(region)}` } },
        },
    ];
    if (jobTemplateArns.length > 0) {
        statements.splice(statements.indexOf(startFromTemplates) + 1, 0, {
            Sid: "ReadTeamJobTemplates",
            Effect: "Allow",
            Action: "emr-containers:DescribeJobTemplate",
            Resource: [...jobTemplateArns],
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

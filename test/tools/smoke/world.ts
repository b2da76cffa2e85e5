/**
 * A deployed stack as the smoke tests see it: the stack outputs of one team, mocked AWS clients answering as a
 * healthy platform would, and a fake Kubernetes API server. Each test breaks one thing.
 */
import { CloudWatchLogsClient, DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
    CancelJobRunCommand,
    type CancelJobRunCommandInput,
    type CancelJobRunCommandOutput,
    DescribeJobRunCommand,
    type DescribeJobRunCommandInput,
    type DescribeJobRunCommandOutput,
    EMRContainersClient,
    StartJobRunCommand,
    type StartJobRunCommandInput,
    type StartJobRunCommandOutput,
} from "@aws-sdk/client-emr-containers";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { MetadataBearer } from "@aws-sdk/types";
import { type AwsStub, type CommandBehavior, mockClient } from "aws-sdk-client-mock";
import { startJobRunRequest } from "../../../components/emr/start-job-run";
import { platformSparkConf } from "../../../components/spark-conf";
import { buildPoolContract, findPool } from "../../../components/vocabulary";
import { type CommandIo, invokeCommand } from "../../../tools/cli";
import { type SmokeDeps, USAGE, smokeCommand } from "../../../tools/smoke/command";
import { kubeApiFromKubeconfig } from "../../../tools/smoke/kube";
import { FakeKube } from "./fake-kube";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const TEAM = "data-eng";
export const NAMESPACE = "spark-data-eng";
export const JOB_ID = "000000036ab1cdefg2h";
export const RUN_ID = "r1smoke0";
export const VIRTUAL_CLUSTER = "vc7abcdefghijklmnopqrstuv";
export const ROLE_ARN = "arn:aws:iam::111111111111:role/spark-dev-data-eng-emr-job";
export const BUCKET = "spark-dev-platform-111111111111";
export const CALLER = "arn:aws:sts::111111111111:assumed-role/platform-admin/smoke";
export const EMR_IMAGE = "895885662937.dkr.ecr.us-west-2.amazonaws.com/spark/emr-7.12.0:20251119";

export function stackOutputs(kubeconfig: string): Record<string, unknown> {
    return {
        region: "us-west-2",
        clusterName: "spark-dev",
        kubeconfig,
        logDomainEndpoint: "vpc-spark-dev-logs-abc123.us-west-2.es.amazonaws.com",
        sparkOperatorChart: { namespace: "spark-operator", chart: "spark-operator", chartVersion: "7.12.0" },
        kubecostPortForward: "kubectl port-forward --namespace kubecost deployment/kubecost-cost-analyzer 9090",
        sparkTeamOutputs: {
            [TEAM]: {
                namespace: NAMESPACE,
                serviceAccount: `${TEAM}-spark`,
                virtualClusterId: VIRTUAL_CLUSTER,
                executionRoleArn: ROLE_ARN,
                logGroupName: `/spark-dev/emr/${TEAM}`,
                logIndex: `spark-logs-${TEAM}`,
                startJobRunRequest: startJobRunRequest({
                    name: `${TEAM}-spark-pi`,
                    virtualClusterId: VIRTUAL_CLUSTER,
                    executionRoleArn: ROLE_ARN,
                    releaseLabel: "emr-7.12.0-latest",
                    driverPodTemplateUri: `s3://${BUCKET}/pod-templates/${TEAM}/us-west-2a/driver.yaml`,
                    executorPodTemplateUri: `s3://${BUCKET}/pod-templates/${TEAM}/us-west-2a/executor.yaml`,
                    logUri: `s3://${BUCKET}/logs/${TEAM}/`,
                    logGroupName: `/spark-dev/emr/${TEAM}`,
                    logStreamNamePrefix: TEAM,
                    submitterPool: findPool(buildPoolContract(["us-west-2a"]), "us-west-2a", "driver"),
                    sparkConf: platformSparkConf({
                        team: TEAM,
                        eventLogDir: `s3://${BUCKET}/spark-events/${TEAM}/`,
                        fallbackStorageDir: `s3://${BUCKET}/shuffle-fallback/${TEAM}/`,
                    }),
                }),
                sampleSparkApplication: {
                    apiVersion: "sparkoperator.k8s.io/v1beta2",
                    kind: "SparkApplication",
                    metadata: { name: `${TEAM}-spark-pi`, namespace: NAMESPACE },
                    spec: {
                        type: "Scala",
                        mode: "cluster",
                        image: EMR_IMAGE,
                        mainClass: "org.apache.spark.examples.SparkPi",
                    },
                },
            },
        },
    };
}

type EMRContainersMockable = Parameters<typeof mockClient>[0];
type EmrStub = AwsStub<object, MetadataBearer, unknown>;

/** `on()` of the EMR stub, typed per command by hand for the same reason. */
function onEmr<I extends object, O extends MetadataBearer>(stub: EmrStub, command: new (input: I) => unknown) {
    return stub.on(command as never) as unknown as CommandBehavior<object, MetadataBearer, O, unknown>;
}

export const emrOn = {
    start: (world: World) =>
        onEmr<StartJobRunCommandInput, StartJobRunCommandOutput>(world.aws.mocks.emr, StartJobRunCommand),
    describe: (world: World) =>
        onEmr<DescribeJobRunCommandInput, DescribeJobRunCommandOutput>(world.aws.mocks.emr, DescribeJobRunCommand),
    cancel: (world: World) =>
        onEmr<CancelJobRunCommandInput, CancelJobRunCommandOutput>(world.aws.mocks.emr, CancelJobRunCommand),
};

export function healthyAws() {
    const clients = {
        sts: new STSClient({ region: "us-west-2" }),
        emr: new EMRContainersClient({ region: "us-west-2" }),
        s3: new S3Client({ region: "us-west-2" }),
        logs: new CloudWatchLogsClient({ region: "us-west-2" }),
    };
    const mocks = {
        sts: mockClient(clients.sts),
        // The EMR containers client's last release (3.623.0) declares @smithy/types 3, the mock library 4: the
        // runtime send() is the same, only the declared middleware types differ.
        emr: mockClient(clients.emr as unknown as EMRContainersMockable),
        s3: mockClient(clients.s3),
        logs: mockClient(clients.logs),
    };
    mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: "111111111111", Arn: CALLER });
    onEmr<StartJobRunCommandInput, StartJobRunCommandOutput>(mocks.emr, StartJobRunCommand).resolves({
        id: JOB_ID,
        virtualClusterId: VIRTUAL_CLUSTER,
    });
    onEmr<DescribeJobRunCommandInput, DescribeJobRunCommandOutput>(mocks.emr, DescribeJobRunCommand)
        .resolvesOnce({ jobRun: { id: JOB_ID, state: "SUBMITTED" } })
        .resolvesOnce({ jobRun: { id: JOB_ID, state: "RUNNING" } })
        .resolves({ jobRun: { id: JOB_ID, state: "COMPLETED" } });
    onEmr<CancelJobRunCommandInput, CancelJobRunCommandOutput>(mocks.emr, CancelJobRunCommand).resolves({ id: JOB_ID });
    const written = new Date(Date.now() + 1000);
    mocks.s3
        .on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: `spark-events/${TEAM}/` })
        .resolves({ Contents: [{ Key: `spark-events/${TEAM}/spark-${JOB_ID}`, LastModified: written }] });
    mocks.s3
        .on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: `logs/${TEAM}/${VIRTUAL_CLUSTER}/jobs/${JOB_ID}/` })
        .resolves({
            Contents: [
                { Key: `logs/${TEAM}/${VIRTUAL_CLUSTER}/jobs/${JOB_ID}/containers/spark-${JOB_ID}-driver/stdout.gz` },
            ],
        });
    mocks.logs
        .on(DescribeLogStreamsCommand, { logStreamNamePrefix: `${TEAM}/${VIRTUAL_CLUSTER}/jobs/${JOB_ID}` })
        .resolves({
            logStreams: [{ logStreamName: `${TEAM}/${VIRTUAL_CLUSTER}/jobs/${JOB_ID}/containers/driver/stdout` }],
        });
    return { clients, mocks };
}

/** A cluster whose namespace, operator, Kubecost and log domain all work. */
export function healthyCluster(kube: FakeKube): void {
    kube.state.namespaces.add(NAMESPACE);
    kube.state.pods.set("spark-operator", [
        {
            metadata: { name: "spark-operator-controller-5d9f-abcde", namespace: "spark-operator" },
            status: {
                phase: "Running",
                containerStatuses: [{ name: "controller", ready: true, image: "op", imageID: "", restartCount: 0 }],
            },
        },
    ]);
    kube.probeLog = `index=spark-logs-${TEAM} {"took":3,"hits":{"total":{"value":12,"relation":"eq"}}} status=200\n`;
    kube.proxy = (path) =>
        path.startsWith("kubecost/kubecost-cost-analyzer:9090/model/allocation")
            ? {
                  status: 200,
                  body: JSON.stringify({ code: 200, data: [{ [NAMESPACE]: { name: NAMESPACE, totalCost: 0.0421 } }] }),
              }
            : { status: 404, body: "not found" };
}

/** The inputs of every call of one EMR command (the EMR client's types predate the mock library's, so by class). */
export function emrCalls<T>(world: World, command: abstract new (...args: never[]) => { input: T }): T[] {
    return world.aws.mocks.emr
        .calls()
        .map((call) => call.args[0] as unknown)
        .filter((c): c is { input: T } => c instanceof command)
        .map((c) => c.input);
}

export interface World {
    kube: FakeKube;
    aws: ReturnType<typeof healthyAws>;
    outputs: Record<string, unknown>;
}

/** Runs `fn` with a healthy world on a fresh fake API server, closed afterwards. */
export async function withWorld<T>(fn: (world: World) => Promise<T>): Promise<T> {
    const kube = new FakeKube();
    const url = await kube.start();
    try {
        healthyCluster(kube);
        return await fn({ kube, aws: healthyAws(), outputs: stackOutputs(kube.kubeconfig(url)) });
    } finally {
        await kube.close();
    }
}

export interface SmokeRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** The smoke command in this process, on the world's clients, with short waits. */
export async function runSmoke(
    world: World,
    args: readonly string[],
    deps: Partial<SmokeDeps> = {},
): Promise<SmokeRun> {
    let stdout = "";
    let stderr = "";
    const io: CommandIo = {
        stdout: (t) => {
            stdout += t;
        },
        stderr: (t) => {
            stderr += t;
        },
    };
    const command = smokeCommand({
        readOutputs: () => Promise.resolve(world.outputs),
        awsClients: () => world.aws.clients,
        kubeApi: kubeApiFromKubeconfig,
        pollMs: 5,
        timings: { evidenceWaitMs: 150, operatorGraceMs: 100, probeTimeoutMs: 3000 },
        runId: () => RUN_ID,
        ...deps,
    });
    const code = await invokeCommand("smoke", USAGE, command, ["--stack", "dev", ...args], io);
    return { code, stdout, stderr };
}

/** A Warning event about an object of the team namespace (or of the cluster, in `default`). */
export function warning(kind: string, name: string, reason: string, message: string, namespace = NAMESPACE) {
    return {
        metadata: { name: `${name}.${reason.toLowerCase()}`, namespace },
        involvedObject: { kind, name, namespace: kind === "NodeClaim" ? undefined : namespace },
        reason,
        message,
        type: "Warning",
        lastTimestamp: new Date().toISOString(),
    };
}

/** The EMR job run ends FAILED with EMR's reason and details. */
export function emrJobFails(world: World, failureReason: string, stateDetails: string): void {
    emrOn.describe(world).resolves({
        jobRun: {
            id: JOB_ID,
            state: "FAILED",
            failureReason,
            stateDetails,
        } as DescribeJobRunCommandOutput["jobRun"],
    });
}

export const DRIVER_POD = `spark-${JOB_ID}-driver`;

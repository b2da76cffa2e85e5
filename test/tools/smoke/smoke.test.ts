import { ExpiredTokenException, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { ValidationException } from "@aws-sdk/client-emr-containers";
import { CancelJobRunCommand, StartJobRunCommand } from "@aws-sdk/client-emr-containers";
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runProcess } from "../../support/commands";
import {
    DRIVER_POD,
    EMR_IMAGE,
    JOB_ID,
    NAMESPACE,
    ROLE_ARN,
    RUN_ID,
    TEAM,
    VIRTUAL_CLUSTER,
    type World,
    emrCalls,
    emrJobFails,
    emrOn,
    runSmoke,
    stackOutputs,
    warning,
    withWorld,
} from "./world";
import { nonEmpty } from "../../support/non-empty";

const APP = `smoke-${RUN_ID}`;
const APP_PATH = `/apis/sparkoperator.k8s.io/v1beta2/namespaces/${NAMESPACE}/sparkapplications/${APP}`;
const PROBE_PATH = `/apis/batch/v1/namespaces/${NAMESPACE}/jobs/smoke-logs-${RUN_ID}`;

interface JsonCheck {
    id: string;
    status: string;
    detail: string;
    causes?: { id: string; cause: string; evidence: string; fix: string }[];
}

/** Runs smoke with --json and returns its checks by id. */
async function checksOf(world: World, args: readonly string[] = []) {
    const run = await runSmoke(world, ["--json", ...args]);
    const report = JSON.parse(run.stdout) as {
        passed: boolean;
        checks: JsonCheck[];
        interrupted: boolean;
        cleanup: { kept: boolean; resources: string[]; failures: string[] };
    };
    return { run, report, check: (id: string) => report.checks.find((c) => c.id === id) as JsonCheck };
}

const causeIds = (check: JsonCheck) => (check.causes ?? []).map((c) => c.id);

describe("npm run smoke", () => {
    it("passes a healthy stack: both jobs complete, the evidence is found, and nothing is left behind", () =>
        withWorld(async (world) => {
            const run = await runSmoke(world, []);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            for (const check of [
                "emr-job",
                "event-log",
                "container-logs-cloudwatch",
                "container-logs-s3",
                "opensearch",
                "operator-job",
                "kubecost",
            ])
                assert.match(run.stdout, new RegExp(`pass  ${TEAM} ${check}: `), check);
            assert.match(run.stdout, new RegExp(`skip  ${TEAM} history-server: not deployed`));
            // Progress lines carry the elapsed time and the team.
            assert.match(run.stdout, new RegExp(`^\\[\\s+\\d+s\\] ${TEAM}\\s+emr-job: started job run ${JOB_ID}`, "m"));
            // The team's own request ran, under the run's name and tag.
            const start = emrCalls(world, StartJobRunCommand)[0];
            assert.equal(start.virtualClusterId, VIRTUAL_CLUSTER);
            assert.equal(start.executionRoleArn, ROLE_ARN);
            assert.equal(start.name, APP);
            assert.equal(start.tags?.["spark-platform/smoke"], RUN_ID);
            // The sample SparkApplication ran under the run's name, labelled.
            assert.ok(
                world.kube.requests.includes(
                    `POST /apis/sparkoperator.k8s.io/v1beta2/namespaces/${NAMESPACE}/sparkapplications`,
                ),
            );
            // Cleanup: the SparkApplication and the query Job are deleted; a completed job run is not cancelled.
            assert.equal(world.kube.countOf(`DELETE ${APP_PATH}`), 1);
            assert.equal(world.kube.countOf(`DELETE ${PROBE_PATH}`), 1);
            assert.equal(world.kube.state.sparkApplications.size + world.kube.state.jobs.size, 0);
            assert.equal(emrCalls(world, CancelJobRunCommand).length, 0);
            assert.match(run.stdout, /7 passed, 0 failed, 1 skipped\.\n$/);
        }));

    it("prints the same report as JSON with --json, progress on stderr", () =>
        withWorld(async (world) => {
            const { run, report, check } = await checksOf(world);
            assert.equal(run.code, 0);
            assert.equal(report.passed, true);
            assert.equal(check("opensearch").detail, `12 line(s) of job run ${JOB_ID} in spark-logs-${TEAM}`);
            assert.equal(check("history-server").status, "skipped");
            assert.deepEqual(report.cleanup.failures, []);
            assert.match(run.stderr, /operator-job: COMPLETED/);
        }));

    it("queries the team's OpenSearch index from a Job that passes Pod Security restricted, under the team's service account", () =>
        withWorld(async (world) => {
            let manifest: Record<string, unknown> | undefined;
            const createJob = world.kube.state.jobs.set.bind(world.kube.state.jobs);
            world.kube.state.jobs.set = (key, value) => {
                manifest = value;
                return createJob(key, value);
            };
            await runSmoke(world, []);
            const pod = (manifest as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
            assert.equal(pod.serviceAccountName, `${TEAM}-spark`);
            assert.equal(pod.securityContext.runAsNonRoot, true);
            assert.ok(pod.securityContext.runAsUser > 0);
            assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
            for (const c of nonEmpty(pod.containers, "container")) {
                assert.equal(c.securityContext.allowPrivilegeEscalation, false);
                assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
                assert.match(c.image, /:\d+\.\d+\.\d+$/, "pinned image");
                assert.ok(c.resources.requests.cpu && c.resources.limits.memory, "requests and limits for the quota");
            }
            assert.ok(pod.volumes.every((v) => Object.keys(v).sort().join() === "emptyDir,name"));
        }));

    describe("diagnoses a job that does not complete", () => {
        it("an image that cannot be pulled, naming the image and how to check it", () =>
            withWorld(async (world) => {
                emrJobFails(world, "USER_ERROR", "Job run failed");
                world.kube.state.pods.set(NAMESPACE, [
                    {
                        metadata: { name: DRIVER_POD, namespace: NAMESPACE },
                        status: {
                            phase: "Pending",
                            containerStatuses: [
                                {
                                    name: "spark-kubernetes-driver",
                                    image: EMR_IMAGE,
                                    imageID: "",
                                    ready: false,
                                    restartCount: 0,
                                    state: {
                                        waiting: {
                                            reason: "ImagePullBackOff",
                                            message: `Back-off pulling image "${EMR_IMAGE}"`,
                                        },
                                    },
                                },
                            ],
                        },
                    },
                ]);
                const { run, check } = await checksOf(world);
                assert.equal(run.code, 1);
                const emr = check("emr-job");
                assert.equal(emr.status, "fail");
                assert.equal(emr.causes?.[0].id, "image-pull");
                assert.equal(emr.causes?.[0].cause, `image ${EMR_IMAGE} cannot be pulled`);
                assert.match(
                    emr.causes?.[0].fix ?? "",
                    /aws ecr describe-images --registry-id 895885662937 --region us-west-2 --repository-name spark\/emr-7\.12\.0 --image-ids imageTag=20251119/,
                );
                assert.match(emr.causes?.[0].fix ?? "", /emrImageTag in Pulumi\.dev\.yaml/);
                assert.equal(check("event-log").status, "skipped");
            }));

        it("a Pod Security denial, with what the pod must set", () =>
            withWorld(async (world) => {
                world.kube.applicationStatus = () => ({
                    applicationState: {
                        state: "SUBMISSION_FAILED",
                        errorMessage: `failed to run spark-submit: pods "${APP}-driver" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "spark-kubernetes-driver" must set securityContext.allowPrivilegeEscalation=false)`,
                    },
                });
                const { run, check } = await checksOf(world);
                assert.equal(run.code, 1);
                const operator = check("operator-job");
                assert.match(operator.detail, /SUBMISSION_FAILED/);
                assert.equal(operator.causes?.[0].id, "pod-security");
                assert.match(operator.causes?.[0].cause ?? "", /restricted:latest/);
                assert.match(operator.causes?.[0].fix ?? "", /allowPrivilegeEscalation=false/);
                assert.equal(world.kube.countOf(`DELETE ${APP_PATH}`), 1, "deleted after the failure");
            }));

        it("an admission webhook's denial, naming the webhook", () =>
            withWorld(async (world) => {
                world.kube.refuse.SparkApplication = {
                    code: 400,
                    message: `admission webhook "validate-sparkapplication.sparkoperator.k8s.io" denied the request: driver cores must be positive`,
                };
                const { check } = await checksOf(world);
                const operator = check("operator-job");
                assert.equal(operator.status, "fail");
                assert.deepEqual(causeIds(operator), ["webhook-denied"]);
                assert.match(operator.causes?.[0].cause ?? "", /validate-sparkapplication\.sparkoperator\.k8s\.io/);
                assert.equal(world.kube.countOf(`DELETE ${APP_PATH}`), 0, "nothing was created");
            }));

        it("pods refused by the team's quota", () =>
            withWorld(async (world) => {
                emrJobFails(world, "USER_ERROR", "Job run failed");
                world.kube.state.events.set(NAMESPACE, [
                    warning(
                        "Job",
                        JOB_ID,
                        "FailedCreate",
                        `Error creating: pods "${JOB_ID}-x" is forbidden: exceeded quota: spark-quota, requested: requests.cpu=2, used: requests.cpu=8, limited: requests.cpu=8`,
                    ),
                ]);
                const { check } = await checksOf(world);
                const emr = check("emr-job");
                assert.equal(emr.causes?.[0].id, "quota");
                assert.match(emr.causes?.[0].fix ?? "", /teams\[data-eng\]\.quota\.cpu\/memory in Pulumi\.dev\.yaml/);
            }));

        it("no capacity from Karpenter (instance types, Spot, zone)", () =>
            withWorld(async (world) => {
                emrJobFails(world, "USER_ERROR", "Job run failed");
                world.kube.state.events.set(NAMESPACE, [
                    warning(
                        "Pod",
                        `${DRIVER_POD.replace("-driver", "")}-exec-1`,
                        "FailedScheduling",
                        "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.",
                    ),
                ]);
                world.kube.state.events.set("default", [
                    warning(
                        "NodeClaim",
                        "spark-executor-us-west-2a-x8k2p",
                        "FailedLaunch",
                        "creating instance, insufficient capacity, InsufficientInstanceCapacity: no Spot capacity in us-west-2a for r6id.4xlarge",
                        "default",
                    ),
                ]);
                const { check } = await checksOf(world);
                const emr = check("emr-job");
                assert.equal(emr.causes?.[0].id, "no-capacity");
                assert.match(emr.causes?.[0].evidence ?? "", /InsufficientInstanceCapacity/);
                assert.match(emr.causes?.[0].fix ?? "", /sparkExecutorInstanceFamilies/);
            }));

        it("Spot refused for want of its service-linked role", () =>
            withWorld(async (world) => {
                emrJobFails(world, "USER_ERROR", "Job run failed");
                world.kube.state.events.set("default", [
                    warning(
                        "NodeClaim",
                        "spark-executor-us-west-2a-q1",
                        "FailedLaunch",
                        "AuthFailure.ServiceLinkedRoleCreationNotPermitted: The provided credentials do not have permission to create the service-linked role for EC2 Spot Instances.",
                        "default",
                    ),
                ]);
                const { check } = await checksOf(world);
                const cause = check("emr-job").causes?.[0];
                assert.equal(cause?.id, "spot-service-linked-role");
                assert.match(cause?.fix ?? "", /createSpotServiceLinkedRole: true/);
            }));

        it("pods that cannot be scheduled, and Cluster Autoscaler that did not scale up", () =>
            withWorld(async (world) => {
                emrJobFails(world, "USER_ERROR", "Job run failed");
                world.kube.state.events.set(NAMESPACE, [
                    warning(
                        "Pod",
                        DRIVER_POD,
                        "FailedScheduling",
                        "0/3 nodes are available: 3 node(s) had untolerated taint {spark-platform/pool: driver}.",
                    ),
                ]);
                let { check } = await checksOf(world);
                assert.deepEqual(causeIds(check("emr-job")), ["failed-scheduling"]);
                assert.match(check("emr-job").causes?.[0].evidence ?? "", /untolerated taint/);

                world.kube.state.events.set(NAMESPACE, [
                    warning(
                        "Pod",
                        DRIVER_POD,
                        "NotTriggerScaleUp",
                        "pod didn't trigger scale-up: 2 node(s) didn't match Pod's node affinity/selector",
                    ),
                ]);
                ({ check } = await checksOf(world));
                assert.equal(check("emr-job").causes?.[0].id, "no-scale-up");
                assert.match(check("emr-job").causes?.[0].fix ?? "", /cluster-autoscaler/);
            }));

        it("EMR without access to the namespace (access entry), from EMR's failure reason", () =>
            withWorld(async (world) => {
                emrJobFails(
                    world,
                    "CLUSTER_UNAVAILABLE",
                    "Unauthorized: EMR on EKS cannot access namespace spark-data-eng in the cluster",
                );
                const { check } = await checksOf(world);
                const cause = check("emr-job").causes?.[0];
                assert.equal(cause?.id, "access-entry");
                assert.match(
                    cause?.fix ?? "",
                    /aws eks list-access-entries --cluster-name spark-dev --region us-west-2/,
                );
                assert.match(cause?.fix ?? "", /emrCreateServiceLinkedRole: true/);
            }));

        it("a job role that does not trust the job's service accounts", () =>
            withWorld(async (world) => {
                emrJobFails(
                    world,
                    "USER_ERROR",
                    "Job failed: WebIdentityErr: ... is not authorized to perform: sts:AssumeRoleWithWebIdentity",
                );
                const { check } = await checksOf(world);
                const cause = check("emr-job").causes?.[0];
                assert.equal(cause?.id, "role-trust");
                assert.match(cause?.fix ?? "", /aws iam get-role --role-name spark-dev-data-eng-emr-job/);
            }));

        it("the operator not running: found after the grace period, not after the whole timeout", () =>
            withWorld(async (world) => {
                world.kube.applicationStatus = () => undefined;
                world.kube.state.pods.set("spark-operator", [
                    {
                        metadata: { name: "spark-operator-controller-5d9f-abcde", namespace: "spark-operator" },
                        status: {
                            phase: "Running",
                            containerStatuses: [
                                {
                                    name: "controller",
                                    ready: false,
                                    image: "op",
                                    imageID: "",
                                    restartCount: 7,
                                    state: { waiting: { reason: "CrashLoopBackOff" } },
                                },
                            ],
                        },
                    },
                ]);
                const started = Date.now();
                const { check } = await checksOf(world, ["--timeout", "10m"]);
                assert.ok(Date.now() - started < 10_000);
                const operator = check("operator-job");
                assert.match(operator.detail, /got no status within/);
                assert.equal(operator.causes?.[0].id, "operator-not-running");
                assert.match(operator.causes?.[0].evidence ?? "", /CrashLoopBackOff/);
                assert.equal(world.kube.countOf(`DELETE ${APP_PATH}`), 1);
            }));

        it("a refused StartJobRun, with EMR's own exception", () =>
            withWorld(async (world) => {
                emrOn
                    .start(world)
                    .rejects(new ValidationException({ message: "Pod template file not found", $metadata: {} }));
                const { check } = await checksOf(world);
                const emr = check("emr-job");
                assert.match(emr.detail, /StartJobRun was refused: ValidationException: Pod template file not found/);
                assert.equal(emr.causes?.[0].id, "request-refused");
            }));

        it("evidence missing after a completed job: the log domain refusing the team's role", () =>
            withWorld(async (world) => {
                world.kube.probeLog = `index=spark-logs-${TEAM} {"Message":"User: ${ROLE_ARN} is not authorized to perform: es:ESHttpPost"} status=403\n`;
                const { run, check } = await checksOf(world);
                assert.equal(run.code, 1);
                assert.equal(check("emr-job").status, "pass");
                assert.equal(check("opensearch").causes?.[0].id, "index-access");
                assert.equal(world.kube.countOf(`DELETE ${PROBE_PATH}`), 1);
            }));
    });

    it("times out a job that never finishes: diagnosed, the job run cancelled and the SparkApplication deleted", () =>
        withWorld(async (world) => {
            emrOn.describe(world).resolves({ jobRun: { id: JOB_ID, state: "RUNNING" } });
            world.kube.applicationStatus = () => ({ applicationState: { state: "RUNNING" } });
            const { run, check } = await checksOf(world, ["--timeout", "1s"]);
            assert.equal(run.code, 1);
            assert.match(check("emr-job").detail, /did not finish within 1s \(still RUNNING\)/);
            assert.match(check("operator-job").detail, /did not finish within 1s \(still RUNNING\)/);
            assert.equal(emrCalls(world, CancelJobRunCommand).length, 1);
            assert.deepEqual(emrCalls(world, CancelJobRunCommand)[0], {
                id: JOB_ID,
                virtualClusterId: VIRTUAL_CLUSTER,
            });
            assert.equal(world.kube.countOf(`DELETE ${APP_PATH}`), 1);
        }));

    it("cleans up on interruption (SIGINT aborts the run) and reports it", () =>
        withWorld(async (world) => {
            emrOn.describe(world).resolves({ jobRun: { id: JOB_ID, state: "RUNNING" } });
            world.kube.applicationStatus = () => ({ applicationState: { state: "RUNNING" } });
            const interrupt = new AbortController();
            setTimeout(() => interrupt.abort(), 300);
            const run = await runSmoke(world, ["--timeout", "10m"], { signal: interrupt.signal });
            assert.equal(run.code, 1);
            assert.match(run.stdout, /interrupted: stopping and cleaning up/);
            assert.match(run.stdout, /Interrupted: 1 passed, \d+ failed before the interruption\./);
            assert.equal(emrCalls(world, CancelJobRunCommand).length, 1);
            assert.equal(world.kube.countOf(`DELETE ${APP_PATH}`), 1);
        }));

    it("leaves everything in place with --keep, and says what", () =>
        withWorld(async (world) => {
            emrOn.describe(world).resolves({ jobRun: { id: JOB_ID, state: "RUNNING" } });
            const { report } = await checksOf(world, ["--timeout", "1s", "--keep"]);
            assert.equal(report.cleanup.kept, true);
            assert.ok(report.cleanup.resources.some((r) => r.startsWith(`EMR job run ${JOB_ID}`)));
            assert.equal(emrCalls(world, CancelJobRunCommand).length, 0);
            assert.equal(world.kube.countOf(`DELETE ${APP_PATH}`), 0);
        }));

    describe("exit 2 with one line", () => {
        const oneLine = (run: { code: number; stderr: string }, pattern: RegExp) => {
            assert.equal(run.code, 2, run.stderr);
            assert.match(run.stderr.split("\n")[0], pattern);
            assert.doesNotMatch(run.stderr, /\n\s+at /);
        };

        it("for a team the stack does not have", () =>
            withWorld(async (world) =>
                oneLine(
                    await runSmoke(world, ["--team", "nope"]),
                    /--team "nope" is not a team of the stack; its teams: data-eng/,
                ),
            ));

        it("for outputs that are not this program's", () =>
            withWorld(async (world) => {
                world.outputs = { region: "us-west-2" };
                oneLine(
                    await runSmoke(world, []),
                    /stack dev lacks what smoke needs \(clusterName is missing; kubeconfig is missing/,
                );
            }));

        it("without usable credentials (STS's own exception)", () =>
            withWorld(async (world) => {
                world.aws.mocks.sts.on(GetCallerIdentityCommand).rejects(
                    new ExpiredTokenException({
                        message: "The security token included in the request is expired",
                        $metadata: {},
                    }),
                );
                oneLine(await runSmoke(world, []), /^smoke: error: no usable AWS credentials \(The security token/);
            }));

        it("for an API server that cannot be reached, or that refuses the caller", () =>
            withWorld(async (world) => {
                world.outputs = stackOutputs(world.kube.kubeconfig("http://127.0.0.1:9"));
                oneLine(
                    await runSmoke(world, []),
                    /cannot reach the Kubernetes API at http:\/\/127\.0\.0\.1:9 .*apiPrivateAccessCidrs/,
                );
                world.outputs = stackOutputs(world.kube.kubeconfig(world.kube.url));
                world.kube.authStatus = 401;
                oneLine(
                    await runSmoke(world, []),
                    /cluster spark-dev does not accept arn:aws:sts::111111111111:assumed-role\/platform-admin\/smoke .*adminPrincipals/,
                );
                assert.equal(emrCalls(world, StartJobRunCommand).length, 0, "nothing was started");
            }));

        it("as a process: no credentials, one line on stderr, no stack trace", function () {
            this.timeout(60_000);
            const home = mkdtempSync(path.join(tmpdir(), "smoke-home-"));
            try {
                const outputs = path.join(home, "outputs.json");
                writeFileSync(outputs, JSON.stringify(stackOutputs("{}")));
                const result = runProcess("smoke", ["--stack", "dev", "--outputs", outputs], {
                    PATH: process.env.PATH,
                    HOME: home,
                    AWS_EC2_METADATA_DISABLED: "true",
                    AWS_CONFIG_FILE: path.join(home, "config"),
                    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "credentials"),
                });
                assert.equal(result.status, 2, result.stderr);
                assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
                assert.match(result.stderr, /^smoke: error: no usable AWS credentials/);
            } finally {
                rmSync(home, { recursive: true, force: true });
            }
        });
    });
});

interface PodSpec {
    serviceAccountName: string;
    securityContext: { runAsNonRoot: boolean; runAsUser: number; seccompProfile: { type: string } };
    containers: {
        image: string;
        securityContext: { allowPrivilegeEscalation: boolean; capabilities: { drop: string[] } };
        resources: { requests: { cpu?: string }; limits: { memory?: string } };
    }[];
    volumes: Record<string, unknown>[];
}

import {
    DescribeAvailabilityZonesCommand,
    DescribeInstanceTypeOfferingsCommand,
    DescribeInstancesCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { DescribeAddonVersionsCommand, EKSClient } from "@aws-sdk/client-eks";
import {
    GetRoleCommand,
    IAMClient,
    NoSuchEntityException,
    SimulatePrincipalPolicyCommand,
    type SimulatePrincipalPolicyCommandInput,
} from "@aws-sdk/client-iam";
import { AmpClient, AccessDeniedException as AmpAccessDenied, ListWorkspacesCommand } from "@aws-sdk/client-amp";
import {
    GetCompatibleVersionsCommand,
    ListInstanceTypeDetailsCommand,
    ListVersionsCommand,
    OpenSearchClient,
    type OpenSearchPartitionInstanceType,
    ResourceNotFoundException as OpenSearchResourceNotFound,
    ValidationException as OpenSearchValidation,
} from "@aws-sdk/client-opensearch";
import { EntityNotFoundException, GetDatabaseCommand, GlueClient } from "@aws-sdk/client-glue";
import { GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { GetParameterCommand, ParameterNotFound, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readAllChartPins } from "../../../components/charts";
import { addonVersionsFor } from "../../../components/cluster";
import { InputError, UsageError } from "../../../tools/cli";
import { vcpuQuotaOf, vcpusOf } from "../../../tools/preflight/capacity";
import { type PreflightClients, USAGE, preflightCommand } from "../../../tools/preflight/command";
import { principalOf, samePrincipal } from "../../../components/iam/principals";
import { al2023AmiParameter } from "../../../tools/preflight/plan";
import type { Fetch } from "../../../tools/preflight/registries";
import { runCommandInProcess } from "../../support/commands";
import { FIXTURE_STACKS_DIR } from "../../support/fixture-stacks";
import { withoutAwsCredentials } from "../../support/no-aws-credentials";

// The SDK's Node 20 advisory is printed once per process; the CLI silences it the same way.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const ACCOUNT = "111111111111"; // the dev fixture's allowed account
const DEPLOYER = `arn:aws:sts::${ACCOUNT}:assumed-role/ci-deployer/run-42`;

/** Mocked clients answering as a healthy account would; each test breaks one answer. */
function healthyAccount() {
    const instances = {
        sts: new STSClient({ region: "us-west-2" }),
        ec2: new EC2Client({ region: "us-west-2" }),
        eks: new EKSClient({ region: "us-west-2" }),
        ssm: new SSMClient({ region: "us-west-2" }),
        iam: new IAMClient({ region: "us-west-2" }),
        quotas: new ServiceQuotasClient({ region: "us-west-2" }),
        ecr: new ECRClient({ region: "us-west-2" }),
        amp: new AmpClient({ region: "us-west-2" }),
        opensearch: new OpenSearchClient({ region: "us-west-2" }),
        glue: new GlueClient({ region: "us-west-2" }),
    };
    const mocks = {
        sts: mockClient(instances.sts),
        ec2: mockClient(instances.ec2),
        eks: mockClient(instances.eks),
        ssm: mockClient(instances.ssm),
        iam: mockClient(instances.iam),
        quotas: mockClient(instances.quotas),
        ecr: mockClient(instances.ecr),
        amp: mockClient(instances.amp),
        opensearch: mockClient(instances.opensearch),
        glue: mockClient(instances.glue),
    };
    mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: DEPLOYER });
    mocks.ec2.on(DescribeAvailabilityZonesCommand).resolves({
        AvailabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"].map((ZoneName) => ({
            ZoneName,
            State: "available",
        })),
    });
    for (const [addonName, version] of Object.entries(addonVersionsFor("1.34") ?? {})) {
        mocks.eks.on(DescribeAddonVersionsCommand, { addonName, kubernetesVersion: "1.34" }).resolves({
            addons: [{ addonName, addonVersions: [{ addonVersion: version }, { addonVersion: "v0.0.1-eksbuild.1" }] }],
        });
    }
    mocks.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    // Every zone offers every instance type asked about.
    mocks.ec2
        .on(DescribeInstanceTypeOfferingsCommand)
        .callsFake((input: { Filters?: { Name?: string; Values?: string[] }[] }) => ({
            InstanceTypeOfferings: (input.Filters?.find((f) => f.Name === "instance-type")?.Values ?? []).map(
                (InstanceType) => ({
                    InstanceType,
                }),
            ),
        }));
    mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: "ami-0123456789abcdef0" } });
    mocks.iam.on(GetRoleCommand).resolves({});
    mocks.iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => ({
        EvaluationResults: (input.ActionNames ?? []).map((EvalActionName) => ({
            EvalActionName,
            EvalDecision: "allowed",
        })),
    }));
    mocks.quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 5000 } });
    mocks.amp.on(ListWorkspacesCommand).resolves({ workspaces: [] });
    mocks.opensearch
        .on(ListVersionsCommand)
        .resolves({ Versions: ["OpenSearch_3.1", "OpenSearch_2.19", "Elasticsearch_7.10"] });
    mocks.opensearch.on(ListInstanceTypeDetailsCommand).resolves({
        InstanceTypeDetails: [
            { InstanceType: "t3.medium.search", InstanceRole: ["Data", "Master"] },
            // The SDK's enum of instance types lags the service: the 7th-generation types are missing from it.
            { InstanceType: "r7g.large.search" as OpenSearchPartitionInstanceType, InstanceRole: ["Data", "Master"] },
            { InstanceType: "m7g.large.search" as OpenSearchPartitionInstanceType, InstanceRole: ["Data", "Master"] },
        ],
    });
    // The log domain does not exist yet: the SDK's own exception class.
    mocks.opensearch.on(GetCompatibleVersionsCommand).rejects(
        new OpenSearchResourceNotFound({
            message: "Domain not found: spark-dev-logs",
            $metadata: { httpStatusCode: 409 },
        }),
    );
    // The catalog has its default database and nothing else the stack would create.
    mocks.glue
        .on(GetDatabaseCommand)
        .rejects(new EntityNotFoundException({ message: "Database not found", $metadata: { httpStatusCode: 400 } }));
    mocks.glue.on(GetDatabaseCommand, { Name: "default" }).resolves({ Database: { Name: "default" } });
    mocks.ecr
        .on(GetAuthorizationTokenCommand)
        .resolves({ authorizationData: [{ authorizationToken: "QVdTOnBhc3N3b3Jk" }] });
    const requests: string[] = [];
    let statusFor = (_url: string): number => 200;
    const fetch: Fetch = async (url, init) => {
        requests.push(`${init?.method ?? "GET"} ${url}`);
        // Every HTTPS chart repository lists each pinned chart at its pinned version.
        const body = url.endsWith("index.yaml")
            ? `entries:\n${readAllChartPins()
                  .map((p) => `  ${p.chart}:\n    - version: ${p.version}\n`)
                  .join("")}`
            : url.includes("/token/")
              ? JSON.stringify({ token: "anonymous" })
              : url.includes("/manifests/")
                ? // Every image is a multi-arch index of amd64 and arm64.
                  JSON.stringify({
                      manifests: ["amd64", "arm64"].map((architecture) => ({
                          platform: { architecture, os: "linux" },
                      })),
                  })
                : "";
        return { status: statusFor(url), text: async () => body };
    };
    return {
        mocks,
        requests,
        answerFetch(answer: (url: string) => number) {
            statusFor = answer;
        },
        clients: { ...instances, fetch } satisfies PreflightClients,
    };
}

type Account = ReturnType<typeof healthyAccount>;

/** What IAM answers for a role that does not exist: the SDK's own exception class. */
function noSuchRole(): NoSuchEntityException {
    return new NoSuchEntityException({
        message: "The role with name AWSServiceRoleForEC2Spot cannot be found.",
        $metadata: { httpStatusCode: 404 },
    });
}

async function preflight(
    account: Account,
    argv: string[],
    stackDir = FIXTURE_STACKS_DIR,
): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const command = preflightCommand({ clientsFor: () => account.clients, stackDir });
    const code = await command(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

interface JsonReport {
    checks: { id: string; status: string; detail: string; fix?: string }[];
}

async function checksOf(account: Account, stackDir?: string): Promise<Map<string, JsonReport["checks"][number]>> {
    const { stdout } = await preflight(account, ["--stack", "dev", "--json"], stackDir);
    return new Map((JSON.parse(stdout) as JsonReport).checks.map((c) => [c.id, c]));
}

/** The dev fixture with `extra` (stack-file lines) appended, in a folder of its own that `use` may read. */
async function withStackFile<T>(extra: string, use: (stackDir: string) => Promise<T>): Promise<T> {
    const dir = mkdtempSync(path.join(tmpdir(), "preflight-stack-"));
    try {
        const dev = readFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.dev.yaml"), "utf8");
        writeFileSync(path.join(dir, "Pulumi.dev.yaml"), `${dev.trimEnd()}\n${extra}`);
        return await use(dir);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** The dev fixture with the `spark-platform:` keys of `changes` replaced (each value one YAML flow value). */
function withStackChanges<T>(changes: Record<string, string>, use: (stackDir: string) => Promise<T>): Promise<T> {
    const dir = mkdtempSync(path.join(tmpdir(), "preflight-stack-"));
    try {
        const lines = readFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.dev.yaml"), "utf8").trimEnd().split("\n");
        const kept: string[] = [];
        let skipping = false;
        for (const line of lines) {
            const key = /^ {2}spark-platform:(\w+):/.exec(line)?.[1];
            if (key !== undefined) skipping = key in changes;
            else if (!/^ {4}/.test(line)) skipping = false;
            if (!skipping) kept.push(line);
        }
        const added = Object.entries(changes).map(([key, value]) => `  spark-platform:${key}: ${value}`);
        writeFileSync(path.join(dir, "Pulumi.dev.yaml"), [...kept, ...added, ""].join("\n"));
        return use(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
    } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
    }
}

/** The dev fixture with createSpotServiceLinkedRole on. */
function withStackCreatingSpotRole<T>(use: (stackDir: string) => Promise<T>): Promise<T> {
    return withStackFile("  spark-platform:createSpotServiceLinkedRole: true\n", use);
}

describe("npm run preflight", () => {
    describe("against an account that is ready", () => {
        it("passes every check, printing each as it goes, and exits 0", async () => {
            const result = await preflight(healthyAccount(), ["--stack", "dev"]);
            assert.equal(result.code, 0, result.stdout);
            assert.match(
                result.stdout,
                /^preflight for stack dev in us-west-2\ncaller: arn:aws:sts::111111111111:assumed-role\/ci-deployer\/run-42\n/,
            );
            const steps = result.stdout.match(/^\[\d+\/\d+\] .* … pass$/gm) ?? [];
            assert.equal(steps.length, 19, result.stdout);
            assert.match(result.stdout, /All 19 checks passed\.\n$/);
        });

        it("asks the registries for exactly the pinned chart versions and the region's EMR registry", async () => {
            const account = healthyAccount();
            await preflight(account, ["--stack", "dev"]);
            assert.ok(
                account.requests.includes("HEAD https://public.ecr.aws/v2/karpenter/karpenter/manifests/1.14.1"),
                account.requests.join("\n"),
            );
            // dev runs Karpenter: the Cluster Autoscaler's chart is not the stack's, so not asked for.
            assert.ok(!account.requests.includes("GET https://kubernetes.github.io/autoscaler/index.yaml"));
            assert.ok(account.requests.includes("GET https://895885662937.dkr.ecr.us-west-2.amazonaws.com/v2/"));
            // The Spark Operator's chart comes from the region's EMR registry at the release label's version.
            assert.ok(
                account.requests.includes(
                    "HEAD https://895885662937.dkr.ecr.us-west-2.amazonaws.com/v2/spark-operator/manifests/7.12.0",
                ),
            );
        });

        it("prints only JSON on stdout with --json, progress on stderr", async () => {
            const result = await preflight(healthyAccount(), ["--stack", "dev", "--json"]);
            const report = JSON.parse(result.stdout) as JsonReport & { caller: { accountId: string } };
            assert.equal(report.caller.accountId, ACCOUNT);
            assert.deepEqual(
                report.checks.map((c) => c.status),
                Array(19).fill("pass"),
            );
            assert.match(result.stderr, /\[1\/19\]/);
        });
    });

    describe("fails the check, with a fix, and exits 1 when", () => {
        it("the caller's account is not allowed by the stack", async () => {
            const account = healthyAccount();
            account.mocks.sts
                .on(GetCallerIdentityCommand)
                .resolves({ Account: "999999999999", Arn: "arn:aws:iam::999999999999:user/alice" });
            const check = (await checksOf(account)).get("account");
            assert.equal(check?.status, "fail");
            assert.match(check?.detail ?? "", /account 999999999999 is not in aws:allowedAccountIds \(111111111111\)/);
            assert.equal((await preflight(account, ["--stack", "dev"])).code, 1);
        });

        it("a configured zone does not exist for this account", async () => {
            const account = healthyAccount();
            account.mocks.ec2
                .on(DescribeAvailabilityZonesCommand)
                .resolves({ AvailabilityZones: [{ ZoneName: "us-west-2a", State: "available" }] });
            const check = (await checksOf(account)).get("zones");
            assert.equal(check?.status, "fail");
            assert.match(check?.detail ?? "", /^us-west-2b is not an available zone of us-west-2/);
        });

        it("a pinned add-on version is not offered for the Kubernetes version", async () => {
            const account = healthyAccount();
            account.mocks.eks.on(DescribeAddonVersionsCommand, { addonName: "coredns" }).resolves({
                addons: [{ addonName: "coredns", addonVersions: [{ addonVersion: "v1.11.0-eksbuild.1" }] }],
            });
            const check = (await checksOf(account)).get("addons");
            assert.equal(check?.status, "fail");
            assert.match(check?.detail ?? "", /coredns v1\.12\.4-eksbuild\.1 \(offered: v1\.11\.0-eksbuild\.1\)/);
        });

        it("the Karpenter AMI alias does not resolve", async () => {
            const account = healthyAccount();
            account.mocks.ssm
                .on(GetParameterCommand)
                .rejects(Object.assign(new Error("not found"), { name: "ParameterNotFound" }));
            const check = (await checksOf(account)).get("karpenter-ami");
            assert.equal(check?.status, "fail");
            assert.match(
                check?.detail ?? "",
                /amazon-eks-node-al2023-x86_64-standard-1\.34-v20260903\/image_id does not exist/,
            );
        });

        it("the Karpenter AMI alias has no arm64 AMI while a Spark pool runs arm64", async () => {
            const account = healthyAccount();
            const arm = al2023AmiParameter("1.34", "v20260903", "arm64");
            account.mocks.ssm
                .on(GetParameterCommand, { Name: arm })
                .rejects(new ParameterNotFound({ message: `Parameter ${arm} not found.`, $metadata: {} }));
            const graviton = {
                sparkExecutorArchitectures: "[arm64, amd64]",
                sparkExecutorInstanceFamilies: "[r7gd, r6id]",
            };
            await withStackChanges(graviton, async (dir) => {
                const check = (await checksOf(account, dir)).get("karpenter-ami");
                assert.equal(check?.status, "fail");
                assert.equal(check?.detail, `${arm} does not exist in us-west-2 (Karpenter's arm64 Spark nodes)`);
                assert.match(check?.fix ?? "", /amazon-linux-2023\/arm64\/standard\//);
            });
            // The same account passes the amd64 stack: only the x86_64 parameter is asked.
            const amd = (await checksOf(account)).get("karpenter-ami");
            assert.equal(amd?.status, "pass", amd?.detail);
            assert.doesNotMatch(amd?.detail ?? "", /arm64/);
        });

        it("EKS has no AL2023 arm64 AMI for arm64 system nodes", async () => {
            const account = healthyAccount();
            const arm = "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/arm64/standard/recommended/image_id";
            account.mocks.ssm
                .on(GetParameterCommand, { Name: arm })
                .rejects(new ParameterNotFound({ message: `Parameter ${arm} not found.`, $metadata: {} }));
            const graviton = { systemNodeArchitectures: "[arm64]", systemNodeInstanceTypes: "[m7g.large]" };
            await withStackChanges(graviton, async (dir) => {
                const check = (await checksOf(account, dir)).get("node-group-amis");
                assert.equal(check?.status, "fail");
                assert.equal(check?.detail, `${arm} does not exist in us-west-2 (the system node group)`);
            });
            const amd = (await checksOf(account)).get("node-group-amis");
            assert.equal(amd?.status, "pass", amd?.detail);
            assert.match(amd?.detail ?? "", /amazon-linux-2023\/x86_64\/standard\/recommended\/image_id → ami-/);
        });

        it("the Spot service-linked role is missing and the stack does not create it", async () => {
            const account = healthyAccount();
            account.mocks.iam.on(GetRoleCommand).rejects(noSuchRole());
            const check = (await checksOf(account)).get("spot-role");
            assert.equal(check?.status, "fail");
            assert.match(check?.fix ?? "", /createSpotServiceLinkedRole to true/);
        });

        it("the Spot service-linked role exists and the stack would create it again", async () => {
            const account = healthyAccount();
            const check = await withStackCreatingSpotRole(async (dir) =>
                (await checksOf(account, dir)).get("spot-role"),
            );
            assert.equal(check?.status, "fail");
            assert.match(
                check?.detail ?? "",
                /AWSServiceRoleForEC2Spot already exists, not created by this stack, and the stack would create it again/,
            );
            assert.match(check?.fix ?? "", /createSpotServiceLinkedRole to false/);
        });

        it("the deployer's role is listed as an admin principal, whatever the session and the role's path", async () => {
            const account = healthyAccount();
            account.mocks.sts
                .on(GetCallerIdentityCommand)
                .resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/platform-admin/laptop` });
            const check = (await checksOf(account)).get("deployer-admin");
            assert.equal(check?.status, "fail");
            assert.match(check?.detail ?? "", /the deployer \(role platform-admin\) is listed in adminPrincipals/);
        });

        it("the deployer's role is listed as a viewer principal", async () => {
            const account = healthyAccount();
            const viewer = "  spark-platform:viewerPrincipals:\n    - arn:aws:iam::111111111111:role/ci-deployer\n";
            const check = await withStackFile(viewer, async (dir) =>
                (await checksOf(account, dir)).get("deployer-admin"),
            );
            assert.equal(check?.status, "fail");
            assert.match(check?.detail ?? "", /the deployer \(role ci-deployer\) is listed in viewerPrincipals/);
            assert.match(check?.fix ?? "", /from spark-platform:viewerPrincipals/);
        });

        it("a pinned chart version is not in its registry", async () => {
            const account = healthyAccount();
            account.answerFetch((url) => (url.includes("/manifests/1.14.1") ? 404 : 200));
            const check = (await checksOf(account)).get("charts");
            assert.equal(check?.status, "fail");
            assert.match(
                check?.detail ?? "",
                /karpenter: oci:\/\/public\.ecr\.aws\/karpenter\/karpenter has no version 1\.14\.1/,
            );
        });

        it("an EC2 vCPU quota is below what the Spark pools may launch", async () => {
            const account = healthyAccount();
            account.mocks.quotas
                .on(GetServiceQuotaCommand, { QuotaCode: "L-34B43A08" })
                .resolves({ Quota: { Value: 32 } });
            const check = (await checksOf(account)).get("vcpu-quotas");
            assert.equal(check?.status, "fail");
            assert.equal(
                check?.detail,
                "All Standard (A, C, D, H, I, M, R, T, Z) (L-34B43A08): quota 32, 0 in use by other instances, the stack may use 64",
            );
        });

        it("the caller may not read something: the AWS error is the detail, never a stack trace", async () => {
            const account = healthyAccount();
            account.mocks.quotas.on(GetServiceQuotaCommand).rejects(
                Object.assign(new Error("User is not authorized to perform servicequotas:GetServiceQuota"), {
                    name: "AccessDeniedException",
                }),
            );
            const check = (await checksOf(account)).get("vcpu-quotas");
            assert.equal(check?.status, "fail");
            assert.equal(
                check?.detail,
                "AccessDeniedException: User is not authorized to perform servicequotas:GetServiceQuota",
            );
        });
    });

    describe("refuses to run (exit 2)", () => {
        it("without credentials, with one line that says how to log in", async () => {
            const account = healthyAccount();
            account.mocks.sts.on(GetCallerIdentityCommand).rejects(
                Object.assign(new Error("Could not load credentials from any providers"), {
                    name: "CredentialsProviderError",
                }),
            );
            await assert.rejects(preflight(account, ["--stack", "dev"]), (e: unknown) => {
                assert.ok(e instanceof InputError);
                assert.match(
                    e.message,
                    /^no usable AWS credentials \(Could not load credentials from any providers\); log in/,
                );
                return true;
            });
        });

        it("for a stack file that does not pass validation, naming the key", async () => {
            await assert.rejects(preflight(healthyAccount(), ["--stack", "nope"]), InputError);
            await assert.rejects(preflight(healthyAccount(), []), UsageError);
        });

        it("with no credentials anywhere: exit 2 and one line on stderr, without a stack trace", async () => {
            // The SDK's real default provider chain, as `npm run preflight` builds its clients.
            const result = await withoutAwsCredentials(() =>
                runCommandInProcess("preflight", USAGE, preflightCommand(), [
                    "--stack",
                    "dev",
                    "--stack-dir",
                    FIXTURE_STACKS_DIR,
                ]),
            );
            assert.equal(result.status, 2, result.stderr);
            assert.deepEqual(result.stderr.trim().split("\n").length, 1, result.stderr);
            assert.match(result.stderr, /^preflight: error: no usable AWS credentials/);
            assert.doesNotMatch(result.stderr, /\n\s+at /);
        });
    });

    it("passes the Spot check when the role is missing and the stack creates it", async () => {
        const account = healthyAccount();
        account.mocks.iam.on(GetRoleCommand).rejects(noSuchRole());
        const check = await withStackCreatingSpotRole(async (dir) => (await checksOf(account, dir)).get("spot-role"));
        assert.equal(check?.status, "pass");
        assert.match(check?.detail ?? "", /is missing and the stack creates it/);
    });

    it("--help prints the usage and exits 0", async () => {
        const result = await preflight(healthyAccount(), ["--help"]);
        assert.equal(result.code, 0);
        assert.match(result.stdout, /^Usage: npm run preflight -- --stack <name> \[--stack-dir <folder>\] \[--json\]/);
    });
});

describe("preflight's pure parts", () => {
    it("resolves an assumed-role session to its role, ignoring session names and role paths", () => {
        assert.deepEqual(principalOf("arn:aws:sts::111111111111:assumed-role/Deployer/ci"), {
            partition: "aws",
            accountId: "111111111111",
            kind: "role",
            name: "Deployer",
        });
        assert.ok(
            samePrincipal(
                "arn:aws:sts::111111111111:assumed-role/Deployer/ci",
                "arn:aws:iam::111111111111:role/teams/Deployer",
            ),
        );
        assert.ok(
            !samePrincipal(
                "arn:aws:sts::111111111111:assumed-role/Deployer/ci",
                "arn:aws:iam::222222222222:role/Deployer",
            ),
        );
        assert.ok(!samePrincipal("arn:aws:iam::111111111111:user/Deployer", "arn:aws:iam::111111111111:role/Deployer"));
        assert.ok(
            samePrincipal(
                "arn:aws-us-gov:iam::111111111111:user/ops/alice",
                "arn:aws-us-gov:iam::111111111111:user/alice",
            ),
        );
    });

    it("names the SSM parameter Karpenter resolves a pinned al2023 alias through", () => {
        assert.equal(
            al2023AmiParameter("1.34", "v20260903"),
            "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.34-v20260903/image_id",
        );
        assert.equal(
            al2023AmiParameter("1.34", "v20260903", "arm64"),
            "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/arm64/standard/amazon-eks-node-al2023-arm64-standard-1.34-v20260903/image_id",
        );
    });

    it("counts vCPUs from the instance size", () => {
        assert.equal(vcpusOf("m7i.2xlarge"), 8);
        assert.equal(vcpusOf("r6id.large"), 2);
        assert.equal(vcpusOf("m7i.metal"), undefined);
    });

    it("maps each instance family to the vCPU quota it counts toward", () => {
        const codes = (type: string) => [vcpuQuotaOf(type).onDemand, vcpuQuotaOf(type).spot];
        assert.deepEqual(codes("m7i.xlarge"), ["L-1216C47A", "L-34B43A08"]);
        assert.deepEqual(codes("r6idn.8xlarge"), ["L-1216C47A", "L-34B43A08"]);
        assert.deepEqual(codes("i4i.large"), ["L-1216C47A", "L-34B43A08"]);
        assert.deepEqual(codes("x2idn.16xlarge"), ["L-7295265B", "L-E3A00192"]);
        assert.deepEqual(codes("x2iedn.xlarge"), ["L-7295265B", "L-E3A00192"]);
        assert.deepEqual(codes("inf2.xlarge"), ["L-1945791B", "L-B5D1601B"]);
        assert.deepEqual(codes("trn1.2xlarge"), ["L-2C3B7624", "L-6B0D517C"]);
        assert.deepEqual(codes("g5.xlarge"), ["L-DB2E81BA", "L-3819A6DF"]);
        assert.deepEqual(codes("vt1.3xlarge"), ["L-DB2E81BA", "L-3819A6DF"]);
        assert.deepEqual(codes("dl1.24xlarge"), ["L-6E869C2A", "L-85EED4F7"]);
        assert.deepEqual(codes("u-6tb1.56xlarge"), ["L-43DA4232", undefined]);
    });
});

describe("npm run preflight gives right answers (day two)", () => {
    it("passes the Spot check once the stack itself created the role (it carries the stack's tags)", async () => {
        const account = healthyAccount();
        account.mocks.iam.on(GetRoleCommand).resolves({
            Role: {
                RoleName: "AWSServiceRoleForEC2Spot",
                Path: "/aws-service-role/spot.amazonaws.com/",
                RoleId: "AROAEXAMPLE",
                Arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot`,
                CreateDate: new Date(0),
                Tags: [
                    { Key: "spark-platform:project", Value: "spark-platform" },
                    { Key: "spark-platform:stack", Value: "dev" },
                ],
            },
        });
        const check = await withStackCreatingSpotRole(async (dir) => (await checksOf(account, dir)).get("spot-role"));
        assert.equal(check?.status, "pass", check?.detail);
        assert.match(check?.detail ?? "", /exists, created by this stack/);
    });

    it("subtracts the vCPUs other instances already run from the quota, but not the stack's own", async () => {
        const account = healthyAccount();
        account.mocks.quotas
            .on(GetServiceQuotaCommand, { QuotaCode: "L-1216C47A" })
            .resolves({ Quota: { Value: 100 } });
        const instance = (type: string, cores: number, tags: Record<string, string> = {}) => ({
            InstanceType: type as "m5.4xlarge",
            CpuOptions: { CoreCount: cores, ThreadsPerCore: 2 },
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        });
        account.mocks.ec2.on(DescribeInstancesCommand).resolves({
            Reservations: [
                {
                    Instances: [
                        instance("m5.4xlarge", 8), // 16 vCPUs of someone else's
                        instance("c6i.2xlarge", 4), // 8 more
                        // The stack's own nodes are part of what it may use, not on top of it.
                        instance("m7i.8xlarge", 16, {
                            "spark-platform:project": "spark-platform",
                            "spark-platform:stack": "dev",
                        }),
                        // Spot and X instances count toward other quotas.
                        { ...instance("r5d.4xlarge", 8), InstanceLifecycle: "spot" as const },
                        instance("x2idn.16xlarge", 32),
                    ],
                },
            ],
        });
        const check = (await checksOf(account)).get("vcpu-quotas");
        // dev may run 64 driver vCPUs and 3 × m7i.large (6): 70; 100 − 24 = 76 leaves room.
        assert.equal(check?.status, "pass", check?.detail);
        assert.match(
            check?.detail ?? "",
            /\(L-1216C47A\): quota 100, 24 in use by other instances, the stack may use 70/,
        );
        assert.match(
            check?.detail ?? "",
            /\(L-34B43A08\): quota 5000, 16 in use by other instances, the stack may use 64/,
        );

        account.mocks.quotas.on(GetServiceQuotaCommand, { QuotaCode: "L-1216C47A" }).resolves({ Quota: { Value: 90 } });
        const short = (await checksOf(account)).get("vcpu-quotas");
        assert.equal(short?.status, "fail");
        assert.match(short?.detail ?? "", /quota 90, 24 in use by other instances, the stack may use 70/);
    });

    it("checks an X-family pool against the X quotas, not the Standard ones", async () => {
        const account = healthyAccount();
        account.mocks.quotas.on(GetServiceQuotaCommand, { QuotaCode: "L-E3A00192" }).resolves({ Quota: { Value: 0 } });
        const check = await withStackFile("", async (dir) => {
            const file = path.join(dir, "Pulumi.dev.yaml");
            // x2idn comes in 16xlarge and up only.
            const text = readFileSync(file, "utf8").replace("    - r6id\n    - r5d\n", "    - x2idn\n");
            writeFileSync(file, text.replace("    - 2xlarge\n    - 4xlarge\n", "    - 16xlarge\n"));
            return (await checksOf(account, dir)).get("vcpu-quotas");
        });
        assert.equal(check?.status, "fail");
        assert.match(
            check?.detail ?? "",
            /^All X \(L-E3A00192\): quota 0, 0 in use by other instances, the stack may use 64$/,
        );
    });

    it("fails a pool none of whose instance types is offered in its zone", async () => {
        const account = healthyAccount();
        account.mocks.ec2
            .on(DescribeInstanceTypeOfferingsCommand, {
                Filters: [
                    { Name: "location", Values: ["us-west-2a"] },
                    {
                        Name: "instance-type",
                        Values: [
                            "m7i.xlarge",
                            "m6i.xlarge",
                            "r6id.2xlarge",
                            "r6id.4xlarge",
                            "r5d.2xlarge",
                            "r5d.4xlarge",
                            "m7i.large",
                            "m6i.large",
                        ],
                    },
                ],
            })
            .resolves({ InstanceTypeOfferings: [{ InstanceType: "m7i.xlarge" }, { InstanceType: "m7i.large" }] });
        const check = (await checksOf(account)).get("instance-offerings");
        assert.equal(check?.status, "fail");
        assert.equal(
            check?.detail,
            "no instance type of the pool is offered: spark-executor-us-west-2a in us-west-2a: none of r6id.2xlarge, r6id.4xlarge, r5d.2xlarge, r5d.4xlarge",
        );
    });

    it("reports an ECR 401/403 as an access problem, not as a version to pin", async () => {
        const account = healthyAccount();
        account.answerFetch((url) => (url.includes("/spark-operator/manifests/") ? 403 : 200));
        const check = (await checksOf(account)).get("charts");
        assert.equal(check?.status, "fail");
        assert.match(check?.detail ?? "", /spark-operator: .*the registry refused access \(HTTP 403\)/);
        assert.match(check?.fix ?? "", /^an access problem, not a missing version/);
        assert.doesNotMatch(check?.fix ?? "", /pin a published version/);
    });

    it("asks for the Spark Operator where sparkOperatorSource says, and only for the autoscaler the stack runs", async () => {
        const account = healthyAccount();
        await withStackFile("  spark-platform:sparkOperatorSource: public-gallery\n", (dir) => checksOf(account, dir));
        const charts = account.requests.filter((r) => r.includes("/manifests/") || r.endsWith("index.yaml"));
        assert.ok(
            charts.some((r) =>
                r.startsWith("HEAD https://public.ecr.aws/v2/emr-on-eks/spark-operator/manifests/7.12.0"),
            ),
            charts.join("\n"),
        );
        assert.ok(!charts.some((r) => /dkr\.ecr\..*spark-operator/.test(r)), charts.join("\n"));
        // dev runs Karpenter: the Cluster Autoscaler's chart is never pulled, so never asked for.
        assert.ok(!charts.some((r) => r.includes("autoscaler")), charts.join("\n"));
        assert.ok(
            charts.some((r) => r.includes("karpenter")),
            charts.join("\n"),
        );
    });

    it("simulates the deployer's own permissions as its role, naming each denied action and its context", async () => {
        const account = healthyAccount();
        const roleArn = `arn:aws:iam::${ACCOUNT}:role/deploy/ci-deployer`;
        account.mocks.iam.on(GetRoleCommand, { RoleName: "ci-deployer" }).resolves({
            Role: {
                RoleName: "ci-deployer",
                Path: "/deploy/",
                RoleId: "AROAEXAMPLE",
                Arn: roleArn,
                CreateDate: new Date(0),
            },
        });
        const sources = new Set<string | undefined>();
        account.mocks.iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => {
            sources.add(input.PolicySourceArn);
            const service = input.ContextEntries?.[0]?.ContextKeyValues?.[0];
            return {
                EvaluationResults: (input.ActionNames ?? []).map((EvalActionName) => ({
                    EvalActionName,
                    EvalDecision:
                        EvalActionName === "kms:PutKeyPolicy"
                            ? "explicitDeny"
                            : EvalActionName === "iam:CreateServiceLinkedRole" &&
                                service === "eks-nodegroup.amazonaws.com"
                              ? "implicitDeny"
                              : "allowed",
                })),
            };
        });
        const check = (await checksOf(account)).get("deployer-permissions");
        assert.deepEqual([...sources], [roleArn]);
        assert.equal(check?.status, "fail");
        assert.equal(
            check?.detail,
            `${roleArn} may not: kms:PutKeyPolicy: explicitDeny; iam:CreateServiceLinkedRole (iam:AWSServiceName=eks-nodegroup.amazonaws.com): implicitDeny`,
        );
    });
});

describe("npm run preflight checks the region's instance types, AMP and OpenSearch", () => {
    it("passes an account whose region offers all of them", async () => {
        const checks = await checksOf(healthyAccount());
        for (const id of ["instance-types", "amp", "opensearch"]) assert.equal(checks.get(id)?.status, "pass", id);
        assert.equal(checks.get("opensearch")?.detail, "OpenSearch_2.19 with t3.medium.search is offered in us-west-2");
    });

    it("names an instance type the region does not offer", async () => {
        const account = healthyAccount();
        account.mocks.ec2
            .on(DescribeInstanceTypeOfferingsCommand, { LocationType: "region" })
            .callsFake((input: { Filters?: { Name?: string; Values?: string[] }[] }) => ({
                InstanceTypeOfferings: (input.Filters?.[0]?.Values ?? [])
                    .filter((t) => t !== "r5d.2xlarge")
                    .map((InstanceType) => ({ InstanceType })),
            }));
        const check = (await checksOf(account)).get("instance-types");
        assert.equal(check?.status, "fail");
        assert.equal(check?.detail, "not an instance type EC2 offers in us-west-2: r5d.2xlarge");
    });

    it("fails AMP in a region without its endpoint, and reports AMP's AccessDeniedException as a permission to grant", async () => {
        const account = healthyAccount();
        account.mocks.amp
            .on(ListWorkspacesCommand)
            .rejects(
                Object.assign(new Error("getaddrinfo ENOTFOUND aps.us-west-2.amazonaws.com"), { code: "ENOTFOUND" }),
            );
        const missing = (await checksOf(account)).get("amp");
        assert.equal(missing?.status, "fail");
        assert.equal(missing?.detail, "Amazon Managed Service for Prometheus has no endpoint in us-west-2");
        account.mocks.amp.on(ListWorkspacesCommand).rejects(
            new AmpAccessDenied({
                message: "User is not authorized to perform: aps:ListWorkspaces",
                $metadata: {},
            }),
        );
        const denied = (await checksOf(account)).get("amp");
        assert.equal(denied?.status, "fail");
        assert.equal(denied?.detail, "AccessDeniedException: User is not authorized to perform: aps:ListWorkspaces");
        assert.match(denied?.fix ?? "", /grant the caller the read permission named in the error/);
    });

    it("fails an engine version OpenSearch does not offer, naming the newest it does", async () => {
        const account = healthyAccount();
        account.mocks.opensearch.on(ListVersionsCommand).resolves({ Versions: ["OpenSearch_2.17", "OpenSearch_2.15"] });
        const check = (await checksOf(account)).get("opensearch");
        assert.equal(check?.status, "fail");
        assert.equal(
            check?.detail,
            "OpenSearch_2.19 is not an engine version OpenSearch offers in us-west-2 (newest: OpenSearch_2.17, OpenSearch_2.15)",
        );
    });

    it("fails a data or master instance type the engine version does not offer in that role", async () => {
        const account = healthyAccount();
        account.mocks.opensearch.on(ListInstanceTypeDetailsCommand).resolves({
            InstanceTypeDetails: [{ InstanceType: "t3.medium.search", InstanceRole: ["Master"] }],
        });
        const check = (await checksOf(account)).get("opensearch");
        assert.equal(check?.status, "fail");
        assert.equal(check?.detail, "opensearchInstanceType t3.medium.search cannot be a Data node (roles: Master)");
        account.mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: "222222222222", Arn: DEPLOYER });
        const prodChecks = new Map(
            (JSON.parse((await preflight(account, ["--stack", "prod", "--json"])).stdout) as JsonReport).checks.map(
                (c) => [c.id, c],
            ),
        );
        assert.equal(
            prodChecks.get("opensearch")?.detail,
            "opensearchInstanceType r7g.large.search is not offered for OpenSearch_2.19; opensearchDedicatedMasterType m7g.large.search is not offered for OpenSearch_2.19",
        );
    });

    it("fails a version an existing domain cannot be upgraded to in place", async () => {
        const account = healthyAccount();
        account.mocks.opensearch.on(GetCompatibleVersionsCommand).resolves({
            CompatibleVersions: [{ SourceVersion: "OpenSearch_1.3", TargetVersions: ["OpenSearch_2.3"] }],
        });
        const check = (await checksOf(account)).get("opensearch");
        assert.equal(check?.status, "fail");
        assert.equal(
            check?.detail,
            "domain spark-dev-logs runs OpenSearch_1.3, which cannot be upgraded to OpenSearch_2.19 in place (targets: OpenSearch_2.3)",
        );
    });

    it("reports OpenSearch's ValidationException as a failed check, not a stack trace", async () => {
        const account = healthyAccount();
        account.mocks.opensearch
            .on(ListInstanceTypeDetailsCommand)
            .rejects(new OpenSearchValidation({ message: "Invalid engine version", $metadata: {} }));
        const check = (await checksOf(account)).get("opensearch");
        assert.equal(check?.status, "fail");
        assert.equal(check?.detail, "ValidationException: Invalid engine version");
    });
});

import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { GetRoleCommand, IAMClient, NoSuchEntityException, type Role, type Tag } from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import * as assert from "node:assert/strict";
import { readChartPin } from "../../../components/charts";
import { CURL_IMAGE, FLUENT_BIT_IMAGE, SIGV4_PROXY_IMAGE } from "../../../components/logging";
import { type Settings, parseSettings } from "../../../stack-config";
import { type AwsClients, CHECKS, type CheckResult, runCheck } from "../../../tools/preflight/checks";
import { IMAGE_MANIFEST_TYPES, parseImageReference } from "../../../tools/preflight/images";
import { preflightPlan } from "../../../tools/preflight/plan";
import type { Fetch } from "../../../tools/preflight/registries";
import { PROJECT_DIR } from "../../../tools/plan/plan";
import { readProject, readStackConfig } from "../../../tools/plan/stack-config";
import { FIXTURE_STACKS_DIR } from "../../support/fixture-stacks";
import { nonEmpty } from "../../support/non-empty";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const CALLER = { accountId: "111111111111", arn: "arn:aws:sts::111111111111:assumed-role/ci-deployer/run-1" };
const EMR_IMAGE = "895885662937.dkr.ecr.us-west-2.amazonaws.com/spark/emr-7.12.0:20251111";
const ECR_TOKEN = "QVdTOnNlY3JldA==";

/** The dev fixture's settings, with config values replaced (keys unqualified). */
function devSettings(overrides: Record<string, string> = {}): Settings {
    const project = readProject(PROJECT_DIR);
    const config = readStackConfig(FIXTURE_STACKS_DIR, project, "dev");
    for (const [key, value] of Object.entries(overrides)) config.set(`${project.name}:${key}`, value);
    return parseSettings(config, project.name, "dev");
}

/**
 * Registries as they answer a pull: the EMR ECR registry wants the ECR token (Basic), every other registry answers
 * 401 with a Bearer challenge until asked with the token its realm hands out anonymously. Only `images` exist, each
 * a multi-arch index of the platforms `platformsOf` names (amd64 and arm64 unless told), or with `single` a
 * single-platform manifest whose config names its one architecture.
 */
function registries(
    images: Iterable<string>,
    platformsOf: (image: string) => string[] = () => ["amd64", "arm64"],
    single: ReadonlySet<string> = new Set(),
) {
    const existing = new Set(images);
    const requests: { method: string; url: string; headers: Record<string, string> }[] = [];
    const fetch: Fetch = async (url, init) => {
        const headers = init?.headers ?? {};
        requests.push({ method: init?.method ?? "GET", url, headers });
        const token = /^https:\/\/auth\.example\/([^?]+)\?service=([^&]+)&scope=repository%3A(.+)%3Apull$/.exec(url);
        if (token) {
            return { status: 200, text: async () => JSON.stringify({ token: `anon-${token[1]}` }) };
        }
        const m = /^https:\/\/([^/]+)\/v2\/(.+)\/(manifests|blobs)\/(.+)$/.exec(url);
        if (!m) return { status: 404, text: async () => "" };
        const [, host, repository, kind, tag] = m;
        const ecr = host.includes(".dkr.ecr.");
        const authorized = ecr
            ? headers.Authorization === `Basic ${ECR_TOKEN}`
            : headers.Authorization === `Bearer anon-${host}`;
        if (!authorized) {
            return {
                status: 401,
                headers: new Headers(
                    ecr
                        ? { "www-authenticate": 'Basic realm="ecr"' }
                        : {
                              "www-authenticate": `Bearer realm="https://auth.example/${host}",service="${host}",scope="repository:${repository}:pull"`,
                          },
                ),
                text: async () => "",
            };
        }
        // A tag that names a multi-arch index is found only when the index types are accepted.
        if (!String(headers.Accept).includes("application/vnd.oci.image.index.v1+json")) {
            return { status: 404, text: async () => "" };
        }
        if (kind === "blobs") {
            // The config blob of a single-platform manifest: its digest encodes the image and architecture.
            const [image, architecture] = JSON.parse(Buffer.from(tag.slice("sha256:".length), "hex").toString());
            return { status: 200, text: async () => JSON.stringify({ architecture, os: "linux", image }) };
        }
        const asPulled = host === "registry-1.docker.io" ? `${repository}:${tag}` : `${host}/${repository}:${tag}`;
        if (!existing.has(asPulled)) return { status: 404, text: async () => "" };
        const platforms = platformsOf(asPulled);
        const body = single.has(asPulled)
            ? {
                  schemaVersion: 2,
                  mediaType: "application/vnd.oci.image.manifest.v1+json",
                  config: {
                      digest: `sha256:${Buffer.from(JSON.stringify([asPulled, platforms[0]])).toString("hex")}`,
                  },
              }
            : {
                  schemaVersion: 2,
                  mediaType: "application/vnd.oci.image.index.v1+json",
                  manifests: [
                      ...platforms.map((architecture) => ({ platform: { architecture, os: "linux" } })),
                      // An attestation manifest, as buildx adds one: not a platform.
                      { platform: { architecture: "unknown", os: "unknown" } },
                  ],
              };
        return { status: 200, text: async () => JSON.stringify(body) };
    };
    return { fetch, requests };
}

function clients(fetch: Fetch, iamAnswers?: (iam: ReturnType<typeof mockClient>) => void): AwsClients {
    const ecr = new ECRClient({ region: "us-west-2" });
    mockClient(ecr)
        .on(GetAuthorizationTokenCommand, { registryIds: ["895885662937"] })
        .resolves({ authorizationData: [{ authorizationToken: ECR_TOKEN }] });
    const iam = new IAMClient({ region: "us-west-2" });
    const iamMock = mockClient(iam);
    iamMock.on(GetRoleCommand).resolves({ Role: undefined });
    iamAnswers?.(iamMock);
    // Only the checks under test use these clients; the others are never called.
    const unused = {} as AwsClients;
    return { ...unused, ecr, iam, fetch };
}

async function check(id: string, settings: Settings, awsClients: AwsClients): Promise<CheckResult> {
    const plan = preflightPlan(settings, [], false);
    const found = CHECKS.find((c) => c.id === id);
    assert.ok(found, `no check ${id}`);
    assert.ok(found.applies?.(plan) ?? true, `${id} does not apply`);
    return runCheck(found, plan, awsClients, CALLER);
}

/** The role as IAM's GetRole returns it, with `tags`. */
const existingRole = (name: string, tags: Tag[]): Role => ({
    Path: "/aws-service-role/",
    RoleName: name,
    RoleId: "AROAEXAMPLEEXAMPLE000",
    Arn: `arn:aws:iam::111111111111:role/aws-service-role/${name}`,
    CreateDate: new Date("2026-01-01T00:00:00Z"),
    Tags: tags,
});

const noSuchRole = (name: string) =>
    new NoSuchEntityException({ message: `The role with name ${name} cannot be found.`, $metadata: {} });

describe("preflight: every pinned image the stack pulls exists", () => {
    const chartImages = [
        ...readChartPin("karpenter").images,
        ...readChartPin("cost-analyzer").images,
        ...readChartPin("spark-history-server").images,
    ];
    const allImages = [EMR_IMAGE, FLUENT_BIT_IMAGE, SIGV4_PROXY_IMAGE, CURL_IMAGE, ...chartImages];

    it("lists the EMR image of the release, the sidecar, the retention Job's and the images of the charts the stack installs", () => {
        const plan = preflightPlan(devSettings(), [], false);
        assert.deepEqual(
            plan.images.map((i) => i.image),
            allImages,
        );
        const withAutoscaler = preflightPlan(devSettings({ autoscaler: "cluster-autoscaler" }), [], false);
        assert.ok(
            withAutoscaler.images.some((i) => i.image.startsWith("registry.k8s.io/autoscaling/cluster-autoscaler:")),
        );
        assert.ok(!withAutoscaler.images.some((i) => i.image.startsWith("public.ecr.aws/karpenter/")));
    });

    it("passes when every registry has its image: ECR with the ECR token, the others with anonymous tokens", async () => {
        const registry = registries(allImages);
        const result = await check("images", devSettings(), clients(registry.fetch));
        assert.equal(result.status, "pass", result.detail);
        const heads = registry.requests.filter((r) => r.method === "HEAD");
        const emr = heads.find(
            (r) =>
                r.url === "https://895885662937.dkr.ecr.us-west-2.amazonaws.com/v2/spark/emr-7.12.0/manifests/20251111",
        );
        assert.equal(emr?.headers.Authorization, `Basic ${ECR_TOKEN}`);
        for (const head of nonEmpty(heads, "HEAD request")) assert.equal(head.headers.Accept, IMAGE_MANIFEST_TYPES);
        assert.ok(
            registry.requests.some((r) => r.url.startsWith("https://auth.example/gcr.io?service=gcr.io&scope=")),
            "no anonymous token was asked for gcr.io",
        );
    });

    it("fails on an EMR image date the release does not have, naming the image and emrImageTag", async () => {
        const registry = registries(allImages.filter((i) => i !== EMR_IMAGE));
        const result = await check("images", devSettings(), clients(registry.fetch));
        assert.equal(result.status, "fail");
        assert.match(
            result.detail,
            /^895885662937\.dkr\.ecr\.us-west-2\.amazonaws\.com\/spark\/emr-7\.12\.0:20251111 does not exist in 895885662937\.dkr\.ecr\.us-west-2\.amazonaws\.com \(pulled by EMR release emr-7\.12\.0-latest\)$/,
        );
        assert.match(
            result.fix ?? "",
            /^set spark-platform:emrImageTag to a build the release has \(aws ecr list-images --region us-west-2 --registry-id 895885662937 --repository-name spark\/emr-7\.12\.0\)$/,
        );
    });

    it("fails on a retention Job image its registry does not have, naming the constant to fix", async () => {
        const registry = registries(allImages.filter((i) => i !== CURL_IMAGE));
        const result = await check("images", devSettings(), clients(registry.fetch));
        assert.equal(result.status, "fail");
        assert.equal(
            result.detail,
            `${CURL_IMAGE} does not exist in quay.io (pulled by the Job that applies the log retention policy)`,
        );
        assert.match(result.fix ?? "", /components\/logging\/index-retention\.ts \(CURL_IMAGE\)/);
    });

    it("fails on a chart image its registry does not have, naming the image and the pin to fix", async () => {
        const gone = "gcr.io/kubecost1/frontend:prod-2.4.2";
        const registry = registries(allImages.filter((i) => i !== gone));
        const result = await check("images", devSettings(), clients(registry.fetch));
        assert.equal(result.status, "fail");
        assert.equal(result.detail, `${gone} does not exist in gcr.io (pulled by chart cost-analyzer)`);
        assert.match(result.fix ?? "", /charts\/cost-analyzer\/pin\.yaml/);
    });

    it("passes an image published for amd64 only while only amd64 nodes pull it", async () => {
        const registry = registries(allImages, () => ["amd64"]);
        const result = await check("images", devSettings(), clients(registry.fetch));
        assert.equal(result.status, "pass", result.detail);
    });

    describe("per architecture", () => {
        const graviton = () =>
            devSettings({
                sparkExecutorArchitectures: '["arm64","amd64"]',
                sparkExecutorInstanceFamilies: '["r7gd","r6id"]',
                systemNodeArchitectures: '["arm64"]',
                systemNodeInstanceTypes: '["m7g.large"]',
            });

        it("passes when every image's manifest list has the architectures of the nodes that pull it", async () => {
            const result = await check("images", graviton(), clients(registries(allImages).fetch));
            assert.equal(result.status, "pass", result.detail);
        });

        it("fails on a Spark image without arm64 when a Spark pool runs arm64, naming the image and the architecture", async () => {
            const registry = registries(allImages, (image) =>
                image === FLUENT_BIT_IMAGE ? ["amd64"] : ["amd64", "arm64"],
            );
            const result = await check("images", graviton(), clients(registry.fetch));
            assert.equal(result.status, "fail");
            assert.equal(
                result.detail,
                `${FLUENT_BIT_IMAGE} is published for amd64, not arm64, which nodes of the stack pull it on (pulled by the Fluent Bit log sidecar)`,
            );
            // The same registry answer passes a stack whose Spark pools run amd64 only.
            const amd = await check("images", devSettings(), clients(registry.fetch));
            assert.equal(amd.status, "pass", amd.detail);
        });

        it("reads a single-platform image's architecture from its config", async () => {
            const gone = "quay.io/prometheus/prometheus:v2.55.1";
            const registry = registries(
                allImages,
                (image) => (image === gone ? ["amd64"] : ["amd64", "arm64"]),
                new Set([gone]),
            );
            const result = await check("images", graviton(), clients(registry.fetch));
            assert.equal(result.status, "fail");
            assert.equal(
                result.detail,
                `${gone} is published for amd64, not arm64, which nodes of the stack pull it on (pulled by chart cost-analyzer)`,
            );
            assert.ok(
                registry.requests.some(
                    (r) => r.method === "GET" && r.url.includes("/v2/prometheus/prometheus/blobs/sha256:"),
                ),
            );
        });
    });

    it("reads image references as a container runtime does", () => {
        assert.deepEqual(parseImageReference("busybox:1.37"), {
            host: "registry-1.docker.io",
            repository: "library/busybox",
            reference: "1.37",
        });
        assert.deepEqual(parseImageReference("prom/node-exporter:v1.8.2"), {
            host: "registry-1.docker.io",
            repository: "prom/node-exporter",
            reference: "v1.8.2",
        });
        assert.deepEqual(parseImageReference("quay.io/prometheus/prometheus:v3.1.0"), {
            host: "quay.io",
            repository: "prometheus/prometheus",
            reference: "v3.1.0",
        });
        assert.deepEqual(parseImageReference(`public.ecr.aws/karpenter/controller@sha256:${"a".repeat(64)}`), {
            host: "public.ecr.aws",
            repository: "karpenter/controller",
            reference: `sha256:${"a".repeat(64)}`,
        });
        assert.equal(parseImageReference("no tag at all"), undefined);
    });
});

describe("preflight: the service-linked roles the stack needs", () => {
    const roles = [
        { id: "emr-role", name: "AWSServiceRoleForAmazonEMRContainers", setting: "emrCreateServiceLinkedRole" },
        {
            id: "opensearch-role",
            name: "AWSServiceRoleForAmazonOpenSearchService",
            setting: "opensearchCreateServiceLinkedRole",
        },
    ];
    for (const role of roles) {
        describe(role.name, () => {
            it("fails when it is missing and the stack does not create it, naming the setting that does", async () => {
                const result = await check(
                    role.id,
                    devSettings(),
                    clients(registries([]).fetch, (iam) =>
                        iam.on(GetRoleCommand, { RoleName: role.name }).rejects(noSuchRole(role.name)),
                    ),
                );
                assert.equal(result.status, "fail");
                assert.match(result.detail, new RegExp(`^${role.name} does not exist in this account`));
                assert.match(
                    result.fix ?? "",
                    new RegExp(
                        `^set spark-platform:${role.setting} to true in Pulumi\\.dev\\.yaml, or run: aws iam create-service-linked-role`,
                    ),
                );
            });

            it("passes when it is missing and the stack creates it", async () => {
                const result = await check(
                    role.id,
                    devSettings({ [role.setting]: "true" }),
                    clients(registries([]).fetch, (iam) =>
                        iam.on(GetRoleCommand, { RoleName: role.name }).rejects(noSuchRole(role.name)),
                    ),
                );
                assert.equal(result.status, "pass", result.detail);
                assert.match(result.detail, /is missing and the stack creates it/);
            });

            it("passes when it exists and the stack leaves it alone", async () => {
                const result = await check(role.id, devSettings(), clients(registries([]).fetch));
                assert.deepEqual([result.status, result.detail], ["pass", `${role.name} exists`]);
            });

            it("fails when someone else created it and the stack would create it again", async () => {
                const result = await check(
                    role.id,
                    devSettings({ [role.setting]: "true" }),
                    clients(registries([]).fetch, (iam) =>
                        iam.on(GetRoleCommand, { RoleName: role.name }).resolves({
                            Role: {
                                RoleName: role.name,
                                Tags: [{ Key: "spark-platform:stack", Value: "other" }],
                            } as never,
                        }),
                    ),
                );
                assert.equal(result.status, "fail");
                assert.match(result.detail, /already exists \(not created by this stack\)/);
                assert.equal(result.fix, `set spark-platform:${role.setting} to false in Pulumi.dev.yaml`);
            });

            it("passes when this stack created it on an earlier `pulumi up` (its tags say so)", async () => {
                const tags = [
                    { Key: "spark-platform:stack", Value: "dev" },
                    { Key: "spark-platform:project", Value: "spark-platform" },
                ];
                const result = await check(
                    role.id,
                    devSettings({ [role.setting]: "true" }),
                    clients(registries([]).fetch, (iam) =>
                        iam
                            .on(GetRoleCommand, { RoleName: role.name })
                            .resolves({ Role: existingRole(role.name, tags) }),
                    ),
                );
                assert.equal(result.status, "pass", result.detail);
                assert.match(result.detail, /created by this stack/);
            });
        });
    }
});

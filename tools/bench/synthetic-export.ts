/**
 * Synthetic `pulumi stack export` for the policy benchmark: a deterministic mix shaped like a large Spark platform
 * (subnets, node groups, Karpenter pools, IRSA/EMR/service roles, workloads with several containers, Spark
 * applications, pod-template ConfigMaps and S3 objects, and the many plain AWS resources around them), with a few
 * violations sprinkled in so every policy does real work. Resource sizes follow what the offline plan exports
 * (0.5–3 KB of properties each).
 */
import { stringify } from "yaml";
import { base36 } from "../../policies/irsa-scoped-roles";
import type { ExportedResource } from "../stack-export";

const PREFIX = "urn:pulumi:bench::spark-platform::";
const ACCOUNT = "123456789012";
const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/BENCH0000000000000000000000000000";
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
const ZONES = ["us-west-2a", "us-west-2b", "us-west-2c"];
const NON_ROOT = { runAsNonRoot: true, runAsUser: 185 };
const TAGS = {
    environment: "bench",
    "cost-center": "data-platform",
    "managed-by": "pulumi",
    project: "spark-platform",
};

type BenchResource = ExportedResource<Record<string, unknown>>;

function make(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    extra: Partial<BenchResource> = {},
): BenchResource {
    const id = `${name}-0123456789abcdef`;
    return {
        urn: `${PREFIX}${type}::${name}`,
        type,
        custom: true,
        id,
        parent: `${PREFIX}pulumi:pulumi:Stack::spark-platform-bench`,
        provider: `${PREFIX}pulumi:providers:aws::default::provider-id`,
        inputs,
        outputs: { ...inputs, id, arn: `arn:aws:bench:::${name}` },
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        ...extra,
    };
}

const env = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: `SPARK_SETTING_${i}`, value: `value-${i}-${"x".repeat(24)}` }));

function container(name: string, i: number, root: boolean) {
    return {
        name,
        image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/spark/${name}:3.5.${i % 9}`,
        env: env(8),
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } },
        volumeMounts: [
            { name: "data", mountPath: "/data" },
            { name: "config", mountPath: "/etc/spark" },
        ],
        securityContext: root
            ? { runAsUser: 0 }
            : { ...NON_ROOT, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    };
}

function trust(sub: string, like = false): string {
    const aud = { [`${ISSUER}:aud`]: "sts.amazonaws.com" };
    const condition = like
        ? { StringLike: { [`${ISSUER}:sub`]: sub }, StringEquals: aud }
        : { StringEquals: { [`${ISSUER}:sub`]: sub, ...aud } };
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: PROVIDER_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: condition,
            },
        ],
    });
}

const emrTemplate = (i: number) =>
    stringify({
        apiVersion: "v1",
        kind: "Pod",
        spec: {
            nodeSelector: { "topology.kubernetes.io/zone": ZONES[i % 3] },
            containers: [
                { name: "spark-kubernetes-executor", volumeMounts: [{ name: "spill", mountPath: "/data" }] },
                container("fluent-bit", i, false),
            ],
            volumes: [{ name: "spill", emptyDir: {} }],
        },
    });

type Maker = (i: number, subnets: readonly BenchResource[]) => BenchResource;

/** One maker per kind, with the share of the export it takes. */
const KINDS: ReadonlyArray<[number, Maker]> = [
    [
        0.05,
        (i) =>
            make("aws:iam/role:Role", `irsa-${i}`, {
                name: `spark-bench-irsa-${i}`,
                assumeRolePolicy: trust(`system:serviceaccount:team-${i % 20}:sa-${i}`),
                tags: TAGS,
            }),
    ],
    [
        0.04,
        (i) =>
            make("aws:iam/role:Role", `emr-${i}`, {
                name: `emr-exec-${i}`,
                assumeRolePolicy: trust(
                    `system:serviceaccount:team-${i % 20}:emr-containers-sa-*-*-${ACCOUNT}-${base36(`emr-exec-${i}`)}`,
                    true,
                ),
            }),
    ],
    [
        0.05,
        (i) =>
            make("aws:iam/role:Role", `svc-${i}`, {
                name: `svc-${i}`,
                assumeRolePolicy: JSON.stringify({
                    Statement: [
                        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
                    ],
                }),
                tags: TAGS,
            }),
    ],
    [
        0.12,
        (i) =>
            make("kubernetes:apps/v1:Deployment", `deploy-${i}`, {
                metadata: { name: `svc-${i}`, namespace: `team-${i % 20}`, labels: { app: `svc-${i}` } },
                spec: {
                    replicas: 2,
                    selector: { matchLabels: { app: `svc-${i}` } },
                    template: {
                        metadata: { labels: { app: `svc-${i}` } },
                        spec: {
                            containers: [container("app", i, i % 211 === 0), container("sidecar", i, false)],
                            initContainers: [container("init", i, false)],
                        },
                    },
                },
            }),
    ],
    [
        0.04,
        (i) =>
            make("kubernetes:apps/v1:StatefulSet", `sts-${i}`, {
                metadata: { name: `sts-${i}`, namespace: "spark" },
                spec: {
                    serviceName: `sts-${i}`,
                    template: { spec: { securityContext: NON_ROOT, containers: [container("db", i, false)] } },
                },
            }),
    ],
    [
        0.04,
        (i) =>
            make("kubernetes:batch/v1:CronJob", `cron-${i}`, {
                metadata: { name: `cron-${i}`, namespace: "spark" },
                spec: {
                    schedule: "0 * * * *",
                    jobTemplate: {
                        spec: {
                            template: { spec: { restartPolicy: "Never", containers: [container("job", i, false)] } },
                        },
                    },
                },
            }),
    ],
    [
        0.05,
        (i) =>
            make("kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication", `app-${i}`, {
                metadata: { name: `etl-${i}`, namespace: `team-${i % 20}` },
                spec: {
                    type: "Scala",
                    mode: "cluster",
                    image: "spark:3.5.3",
                    mainApplicationFile: `s3://bench/jobs/etl-${i}.jar`,
                    sparkConf: { "spark.executor.memoryOverhead": "1g" },
                    driver: {
                        cores: 1,
                        memory: "2g",
                        securityContext: NON_ROOT,
                        sidecars: [container("log", i, false)],
                    },
                    executor: { instances: 4, cores: 2, memory: "8g", podSecurityContext: NON_ROOT },
                },
            }),
    ],
    [
        0.03,
        (i) =>
            make("kubernetes:core/v1:ConfigMap", `cm-${i}`, {
                metadata: { name: `tpl-${i}`, namespace: `team-${i % 20}` },
                data:
                    i % 2 === 0
                        ? { "executor.yaml": emrTemplate(i) }
                        : {
                              "fluent-bit.conf": `[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n${"# padding\n".repeat(40)}`,
                          },
            }),
    ],
    [
        0.01,
        (i) =>
            make("aws:s3/bucketObjectv2:BucketObjectv2", `obj-${i}`, {
                bucket: "spark-bench-artifacts",
                key: `pod-templates/executor-${i}.yaml`,
                content: emrTemplate(i),
                contentType: "application/yaml",
                tags: TAGS,
            }),
    ],
    [
        0.01,
        (i, subnets) => {
            const s = subnets[i % 3];
            return make(
                "aws:eks/nodeGroup:NodeGroup",
                `ng-${i}`,
                {
                    clusterName: "spark-bench",
                    nodeGroupName: `spark-exec-${i}`,
                    subnetIds: [s.id],
                    scalingConfig: { minSize: 0, maxSize: 10, desiredSize: 1 },
                    instanceTypes: ["r7i.2xlarge"],
                    labels: { role: "executor" },
                },
                { propertyDependencies: { subnetIds: [s.urn] } },
            );
        },
    ],
    [
        0.02,
        (i) =>
            make("kubernetes:karpenter.sh/v1:NodePool", `pool-${i}`, {
                metadata: { name: `spark-${i}` },
                spec: {
                    limits: { cpu: "256" },
                    template: {
                        spec: {
                            nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "spark" },
                            requirements: [
                                { key: "topology.kubernetes.io/zone", operator: "In", values: [ZONES[i % 3]] },
                                { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
                                {
                                    key: "karpenter.k8s.aws/instance-family",
                                    operator: "In",
                                    values: ["r7i", "r6i", "m7i"],
                                },
                            ],
                        },
                    },
                },
            }),
    ],
    [
        0.54,
        (i) =>
            make("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `attach-${i}`, {
                role: `svc-${i}`,
                policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                description: "x".repeat(300),
                tags: TAGS,
            }),
    ],
];

export function syntheticStackExport(total: number) {
    const subnets = ZONES.map((az, i) =>
        make(
            "aws:ec2/subnet:Subnet",
            `private-${az}`,
            { availabilityZone: az, cidrBlock: `10.0.${i * 32}.0/19`, vpcId: "vpc-1", tags: TAGS },
            { id: `subnet-${i}` },
        ),
    );
    const resources: BenchResource[] = [
        { ...make("pulumi:pulumi:Stack", "spark-platform-bench", {}), custom: false, id: "", parent: "", provider: "" },
        { ...make("pulumi:providers:aws", "default", { region: "us-west-2" }), id: "provider-id", provider: "" },
        ...subnets,
    ];
    for (const [i, kind] of kindSequence(Math.max(0, total - resources.length)).entries()) {
        const r = KINDS[kind][1](i, subnets);
        r.dependencies = [resources[resources.length - 1].urn];
        resources.push(r);
    }
    return {
        version: 3,
        deployment: { manifest: { time: "2026-11-24T00:00:00Z", magic: "", version: "bench" }, resources },
    };
}

/** `count` kind indices in their shares, interleaved by a seeded shuffle so runs are reproducible. */
function kindSequence(count: number): number[] {
    const sequence: number[] = [];
    KINDS.forEach(([share], kind) => sequence.push(...new Array<number>(Math.round(share * count)).fill(kind)));
    while (sequence.length < count) sequence.push(KINDS.length - 1);
    sequence.length = count;
    let seed = 42;
    for (let i = sequence.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [sequence[i], sequence[j]] = [sequence[j], sequence[i]];
    }
    return sequence;
}

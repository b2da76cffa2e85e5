import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Settings, parseSettings } from "../../stack-config";
import { FIXTURE_STACKS_DIR, fixtureStackConfigWith } from "../support/fixture-stacks";
import { configProblems } from "../support/config-problems";

/** The raw config the engine would pass for a fixture stack, with some keys replaced (undefined removes a key). */
const stackConfig = (stack: string, changes: Record<string, unknown> = {}) => fixtureStackConfigWith(stack, changes);

const problemsOf = (raw: Map<string, string>) => configProblems(raw);

describe("stack settings", () => {
    describe("shipped stacks", () => {
        it("parses dev into a small, cheap environment", () => {
            const s: Settings = parseSettings(stackConfig("dev"), "spark-platform", "dev");
            assert.equal(s.namePrefix, "spark-dev");
            assert.equal(s.aws.region, "us-west-2");
            assert.equal(s.aws.partition, "aws");
            assert.equal(s.aws.emrEcrAccountId, "895885662937");
            assert.deepEqual(s.network.availabilityZones, ["us-west-2a", "us-west-2b"]);
            assert.equal(s.network.natGatewayCount, 1);
            assert.deepEqual(s.spark.zones, ["us-west-2a"]);
            assert.equal(s.cluster.autoscaler, "karpenter");
            assert.equal(s.spark.emrRelease.sparkOperatorChartVersion, "7.12.0");
            assert.deepEqual(
                s.teams.map((t) => t.namespace),
                ["spark-data-eng"],
            );
        });

        it("parses prod into a highly available environment", () => {
            const s = parseSettings(stackConfig("prod"), "spark-platform", "prod");
            assert.equal(s.network.availabilityZones.length, 3);
            assert.equal(s.network.natGatewayCount, 3);
            assert.equal(s.network.flowLogs, true);
            assert.equal(s.spark.zones.length, 3);
            assert.equal(s.cluster.apiEndpointAccess, "private");
            assert.deepEqual(s.cluster.apiPublicAccessCidrs, []);
            assert.ok(
                s.spark.maxVcpuPerZone >
                    parseSettings(stackConfig("dev"), "spark-platform", "dev").spark.maxVcpuPerZone,
            );
        });

        it("fills in Pulumi.yaml defaults for keys a stack file leaves out, as the engine does", () => {
            assert.ok(!/serviceCidr/.test(readFileSync(`${FIXTURE_STACKS_DIR}/Pulumi.dev.yaml`, "utf8")));
            const s = parseSettings(stackConfig("dev"), "spark-platform", "dev");
            assert.equal(s.cluster.serviceCidr.text, "172.20.0.0/16");
        });

        it("reads the Spark, EMR and log domain settings, with the cluster admins as the domain's default admins", () => {
            const dev = parseSettings(stackConfig("dev"), "spark-platform", "dev");
            assert.equal(dev.spark.operatorSource, "regional-ecr");
            assert.equal(dev.spark.emrImageTag, "20251111");
            assert.equal(dev.spark.deploySamples, false);
            assert.deepEqual(dev.teams[0].glueDatabases, []);
            assert.deepEqual(dev.emr, {
                retainPlatformBucket: false,
                createServiceLinkedRole: false,
                logRetentionDays: 30,
                eventLogRetentionDays: 90,
            });
            assert.equal(dev.opensearch.zoneCount, 1);
            assert.deepEqual(dev.logForwarding, { sidecarInitialWaitSeconds: 600 });
            assert.equal(
                parseSettings(stackConfig("dev", { fluentBitInitialWaitSeconds: "1200" }), "spark-platform", "dev")
                    .logForwarding.sidecarInitialWaitSeconds,
                1200,
            );
            assert.equal(dev.opensearch.dedicatedMasters, undefined);
            assert.deepEqual(dev.opensearch.adminArns, dev.cluster.adminPrincipalArns);
            const prod = parseSettings(stackConfig("prod"), "spark-platform", "prod");
            assert.equal(prod.emr.retainPlatformBucket, true);
            assert.equal(prod.opensearch.zoneCount, 3);
            assert.deepEqual(prod.opensearch.dedicatedMasters, { instanceType: "m7g.large.search", count: 3 });
            assert.equal(prod.opensearch.deletionProtection, true);
            const admins = ["arn:aws:iam::111111111111:role/log-reader"];
            const custom = parseSettings(
                stackConfig("dev", {
                    opensearchAdminArns: admins,
                    teams: [{ ...team("a", "ns-a"), glueDatabases: ["sales"] }],
                }),
                "spark-platform",
                "dev",
            );
            assert.deepEqual(custom.opensearch.adminArns, admins);
            assert.deepEqual(custom.teams[0].glueDatabases, ["sales"]);
        });

        it("reads a team's Spark settings, and none when it sets none", () => {
            const sparkConf = { "spark.dynamicAllocation.maxExecutors": 50, "spark.sql.adaptive.enabled": true };
            const custom = parseSettings(
                stackConfig("dev", { teams: [{ ...team("a", "ns-a"), sparkConf }, team("b", "ns-b")] }),
                "spark-platform",
                "dev",
            );
            assert.deepEqual(custom.teams[0].sparkConf, sparkConf);
            assert.deepEqual(custom.teams[1].sparkConf, {});
        });

        it("treats tags as optional", () => {
            assert.deepEqual(parseSettings(stackConfig("dev", { tags: undefined }), "spark-platform", "dev").tags, {});
        });
    });

    describe("rejects each class of bad value with one line naming the key, the value and what is allowed", () => {
        const cases: Array<[string, Record<string, unknown>, RegExp]> = [
            [
                "an unknown autoscaler",
                { autoscaler: "keda" },
                /^spark-platform:autoscaler: "keda" is not allowed; use one of: karpenter, cluster-autoscaler$/,
            ],
            [
                "a region without EMR on EKS images",
                { "aws:region": "mars-east-1" },
                /^aws:region: "mars-east-1" is not a region that hosts EMR on EKS images; use one of: af-south-1,/,
            ],
            [
                "a zone of another region",
                { availabilityZones: ["us-west-2a", "us-east-1b"] },
                /^spark-platform:availabilityZones: "us-east-1b" is not an availability zone of us-west-2/,
            ],
            [
                "a Spark zone outside the VPC's zones",
                { sparkZones: ["us-west-2c"] },
                /^spark-platform:sparkZones: "us-west-2c" is not one of availabilityZones \(us-west-2a, us-west-2b\)/,
            ],
            [
                "an empty Spark zone list",
                { sparkZones: [] },
                /^spark-platform:sparkZones: \[\] is empty; list the availability zones/,
            ],
            [
                "a single availability zone",
                { availabilityZones: ["us-west-2a"], sparkZones: ["us-west-2a"] },
                /^spark-platform:availabilityZones: \["us-west-2a"\] has fewer than two zones/,
            ],
            [
                "a duplicated zone",
                { availabilityZones: ["us-west-2a", "us-west-2a"] },
                /^spark-platform:availabilityZones: .* lists "us-west-2a" twice/,
            ],
            [
                "an invalid CIDR",
                { vpcCidr: "10.0.0.300/16" },
                /^spark-platform:vpcCidr: "10.0.0.300\/16" has an octet above 255$/,
            ],
            [
                "a CIDR with host bits set",
                { vpcCidr: "10.0.0.1/16" },
                /^spark-platform:vpcCidr: "10.0.0.1\/16" has host bits set; the network address is 10.0.0.0\/16$/,
            ],
            [
                "a VPC too small for the subnet layout",
                { vpcCidr: "10.0.0.0/24" },
                /^spark-platform:vpcCidr: "10.0.0.0\/24" is not allowed; use a prefix length from \/16 to \/20$/,
            ],
            [
                "a service range overlapping the VPC",
                { serviceCidr: "10.20.128.0/20" },
                /^spark-platform:serviceCidr: "10.20.128.0\/20" overlaps vpcCidr 10.20.0.0\/16/,
            ],
            [
                "more NAT gateways than zones",
                { natGatewayCount: "3" },
                /^spark-platform:natGatewayCount: "3" is not allowed; use a whole number from 1 to 2$/,
            ],
            [
                "an unsupported Kubernetes version",
                { kubernetesVersion: "1.21" },
                /^spark-platform:kubernetesVersion: "1.21" is not allowed; use one of: 1.34$/,
            ],
            [
                "a public endpoint without an allow-list",
                { apiPublicAccessCidrs: [] },
                /^spark-platform:apiPublicAccessCidrs: \[\] is empty, but apiEndpointAccess is public-and-private/,
            ],
            [
                "a public endpoint open to the internet",
                { apiPublicAccessCidrs: ["0.0.0.0/0"] },
                /^spark-platform:apiPublicAccessCidrs: "0.0.0.0\/0" opens the API endpoint to the whole internet/,
            ],
            [
                "a private endpoint nobody outside the cluster can reach",
                { apiEndpointAccess: "private", apiPublicAccessCidrs: [] },
                /^spark-platform:apiPrivateAccessCidrs: \[\] is empty and so is apiPrivateAccessSecurityGroupIds, but apiEndpointAccess is private: .*pulumi up would time out/,
            ],
            [
                "a runner network open to the internet",
                { apiPrivateAccessCidrs: ["0.0.0.0/0"] },
                /^spark-platform:apiPrivateAccessCidrs: "0.0.0.0\/0" opens the API to every network/,
            ],
            [
                "a runner security group that is not an id",
                { apiPrivateAccessSecurityGroupIds: ["runners"] },
                /^spark-platform:apiPrivateAccessSecurityGroupIds: "runners" is not a security group id/,
            ],
            [
                "an admin outside the stack's partition",
                { adminPrincipals: ["arn:aws-cn:iam::111111111111:role/platform-admin"] },
                /^spark-platform:adminPrincipals: "arn:aws-cn:iam::111111111111:role\/platform-admin" is in partition aws-cn, but aws:region is in aws$/,
            ],
            [
                "a viewer outside the stack's partition",
                { viewerPrincipals: ["arn:aws-us-gov:iam::111111111111:role/preview"] },
                /^spark-platform:viewerPrincipals: "arn:aws-us-gov:iam::111111111111:role\/preview" is in partition aws-us-gov, but aws:region is in aws$/,
            ],
            [
                "a viewer who is also an admin",
                { viewerPrincipals: ["arn:aws:iam::111111111111:role/platform-admin"] },
                /^spark-platform:viewerPrincipals: "arn:aws:iam::111111111111:role\/platform-admin" is also in adminPrincipals/,
            ],
            [
                "an unknown EKS support type",
                { kubernetesSupportType: "LTS" },
                /^spark-platform:kubernetesSupportType: "LTS" is not allowed; use one of: STANDARD, EXTENDED$/,
            ],
            [
                "a consolidation delay Karpenter cannot parse",
                { sparkExecutorConsolidateAfter: "2 minutes" },
                /^spark-platform:sparkExecutorConsolidateAfter: "2 minutes" is not a Karpenter duration/,
            ],
            [
                "an allow-list on a private endpoint",
                { apiEndpointAccess: "private", apiPrivateAccessCidrs: ["10.40.0.0/24"] },
                /^spark-platform:apiPublicAccessCidrs: \["203.0.113.0\/24"\] is set, but apiEndpointAccess is private/,
            ],
            [
                "an admin that is not an IAM ARN",
                { adminPrincipals: ["alice"] },
                /^spark-platform:adminPrincipals: "alice" is not an IAM role or user ARN/,
            ],
            [
                "a release label that does not parse",
                { emrReleaseLabel: "7.12" },
                /^spark-platform:emrReleaseLabel: "7.12" is not an EMR release label/,
            ],
            [
                "a release without the Spark Operator",
                { emrReleaseLabel: "emr-6.9.0-latest" },
                /^spark-platform:emrReleaseLabel: "emr-6.9.0-latest" is older than emr-6.10.0/,
            ],
            [
                "a team setting of a Spark key the platform owns",
                { teams: [{ ...team("a", "ns-a"), sparkConf: { "spark.kubernetes.namespace": "ns-b" } }] },
                /^spark-platform:teams\[0\]\.sparkConf\["spark\.kubernetes\.namespace"\]: "ns-b" is not allowed: the platform owns spark\.kubernetes\.namespace \(the team's namespace\); set any other spark\.\* key$/,
            ],
            [
                "a team setting of its event-log dir",
                { teams: [{ ...team("a", "ns-a"), sparkConf: { "spark.eventLog.dir": "s3://other/" } }] },
                /^spark-platform:teams\[0\]\.sparkConf\["spark\.eventLog\.dir"\]: "s3:\/\/other\/" is not allowed: the platform owns spark\.eventLog\.dir \(the team's event-log prefix\)/,
            ],
            [
                "team Spark settings that are not an object",
                { teams: [{ ...team("a", "ns-a"), sparkConf: ["spark.executor.memory=4g"] }] },
                /^spark-platform:teams\[0\]\.sparkConf: \["spark\.executor\.memory=4g"\] is not an object; set sparkConf: /,
            ],
            [
                "duplicate team names",
                { teams: [team("a", "ns-a"), team("a", "ns-b")] },
                /^spark-platform:teams\[1\].name: "a" is used by another team; each team needs its own name$/,
            ],
            [
                "duplicate team namespaces",
                { teams: [team("a", "ns-a"), team("b", "ns-a")] },
                /^spark-platform:teams\[1\].namespace: "ns-a" is used by another team/,
            ],
            [
                "a namespace that is not a DNS label",
                { teams: [team("a", "Spark_A")] },
                /^spark-platform:teams\[0\].namespace: "Spark_A" is not a DNS label/,
            ],
            [
                "a reserved namespace",
                { teams: [team("a", "kube-system")] },
                /^spark-platform:teams\[0\].namespace: "kube-system" is reserved/,
            ],
            [
                "a quota that is not a quantity",
                { teams: [{ ...team("a", "ns-a"), quota: { cpu: "lots", memory: "1Gi" } }] },
                /^spark-platform:teams\[0\].quota.cpu: "lots" is not a Kubernetes quantity/,
            ],
            [
                "a queue guarantee above the quota",
                {
                    teams: [
                        {
                            ...team("a", "ns-a"),
                            quota: { cpu: "8", memory: "32Gi", guaranteed: { cpu: "8", memory: "33Gi" } },
                        },
                    ],
                },
                /^spark-platform:teams\[0\].quota.guaranteed.memory: "33Gi" exceeds quota.memory 32Gi; a queue's guarantee must be at most its maximum/,
            ],
            [
                "a queue guarantee that is not a quantity",
                {
                    teams: [
                        {
                            ...team("a", "ns-a"),
                            quota: { cpu: "8", memory: "32Gi", guaranteed: { cpu: "half", memory: "1Gi" } },
                        },
                    ],
                },
                /^spark-platform:teams\[0\].quota.guaranteed.cpu: "half" is not a Kubernetes quantity/,
            ],
            [
                "an unknown quota setting",
                { teams: [{ ...team("a", "ns-a"), quota: { cpu: "8", memory: "32Gi", max: { cpu: "9" } } }] },
                /^spark-platform:teams\[0\].quota.max: \{"cpu":"9"\} is not a quota setting; use cpu, memory, guaranteed$/,
            ],
            [
                "a namespace too long for its YuniKorn queue label",
                { batchScheduler: "yunikorn", teams: [team("a", `ns-${"a".repeat(50)}`)] },
                /^spark-platform:teams\[0\].namespace: "ns-a+" is longer than 52 characters, too long for batchScheduler yunikorn: its pods' queue label yunikorn.apache.org\/queue=root.teams.ns-a+ would exceed a label value's 63 characters$/,
            ],
            [
                "an unknown batch scheduler",
                { batchScheduler: "volcano" },
                /^spark-platform:batchScheduler: "volcano" is not allowed; use one of: default, yunikorn$/,
            ],
            [
                "an unknown team setting",
                { teams: [{ ...team("a", "ns-a"), quotas: {} }] },
                /^spark-platform:teams\[0\].quotas: \{\} is not a team setting/,
            ],
            ["no teams", { teams: [] }, /^spark-platform:teams: \[\] is not a non-empty list/],
            [
                "a missing required key",
                { adminPrincipals: undefined },
                /^spark-platform:adminPrincipals: is not set; list the IAM role or user ARNs/,
            ],
            [
                "an account id that is not 12 digits",
                { "aws:allowedAccountIds": ["1234"] },
                /^aws:allowedAccountIds: "1234" is not an AWS account id/,
            ],
            [
                "a tag key in the aws: namespace",
                { tags: { "aws:owner": "x" } },
                /^spark-platform:tags.aws:owner: "aws:owner" is not a usable tag key/,
            ],
            [
                "an unknown Spark Operator source",
                { sparkOperatorSource: "docker-hub" },
                /^spark-platform:sparkOperatorSource: "docker-hub" is not allowed; use one of: regional-ecr, public-gallery$/,
            ],
            [
                "a -latest release without an image date",
                { emrImageTag: "" },
                /^spark-platform:emrReleaseLabel: "emr-7.12.0-latest" names the moving tag latest; set emrImageTag to the release date/,
            ],
            [
                "an image tag that is not a date",
                { emrImageTag: "latest" },
                /^spark-platform:emrImageTag: "latest" is not a release date; use one such as 20251111/,
            ],
            [
                "an image date that belongs to another EMR release",
                { emrImageTag: "20260410" },
                /^spark-platform:emrImageTag: "20260410" is a build of emr-7\.13\.0, not of emr-7\.12\.0; use 20251111/,
            ],
            [
                "an image tag contradicting a dated label",
                { emrReleaseLabel: "emr-7.12.0-20260101" },
                /^spark-platform:emrImageTag: "20251111" contradicts emrReleaseLabel emr-7.12.0-20260101/,
            ],
            [
                "a sample switch that is not a boolean",
                { deploySparkSamples: "yes" },
                /^spark-platform:deploySparkSamples: "yes" is not allowed; use true or false$/,
            ],
            [
                "a Glue database name with capitals",
                { teams: [{ ...team("a", "ns-a"), glueDatabases: ["Sales"] }] },
                /^spark-platform:teams\[0\].glueDatabases: "Sales" is not a Glue database name/,
            ],
            [
                "a log retention CloudWatch does not offer",
                { emrLogRetentionDays: "31" },
                /^spark-platform:emrLogRetentionDays: 31 is not a CloudWatch Logs retention; use one of 1, 3, 5/,
            ],
            [
                "a sidecar initial wait shorter than EMR's own sample",
                { fluentBitInitialWaitSeconds: "30" },
                /^spark-platform:fluentBitInitialWaitSeconds: "30" is not allowed; use a whole number from 60 to 3600$/,
            ],
            [
                "a sidecar initial wait that is not a number",
                { fluentBitInitialWaitSeconds: "10m" },
                /^spark-platform:fluentBitInitialWaitSeconds: "10m" is not allowed; use a whole number from 60 to 3600$/,
            ],
            [
                "an OpenSearch 1.x engine",
                { opensearchEngineVersion: "OpenSearch_1.3" },
                /^spark-platform:opensearchEngineVersion: "OpenSearch_1.3" is not an OpenSearch 2.x engine version/,
            ],
            [
                "more log domain zones than the VPC has",
                {
                    opensearchZoneCount: "3",
                    opensearchInstanceCount: "3",
                    opensearchDedicatedMasterType: "m7g.large.search",
                },
                /^spark-platform:opensearchZoneCount: 3 is more than the 2 availabilityZones/,
            ],
            [
                "a zone-aware domain without dedicated masters",
                { opensearchZoneCount: "2", opensearchInstanceCount: "2" },
                /^spark-platform:opensearchDedicatedMasterType: "none" is not allowed with opensearchZoneCount 2/,
            ],
            [
                "data nodes that do not spread evenly over zones",
                {
                    opensearchZoneCount: "2",
                    opensearchInstanceCount: "3",
                    opensearchDedicatedMasterType: "m7g.large.search",
                },
                /^spark-platform:opensearchInstanceCount: 3 does not spread evenly over opensearchZoneCount 2; use a multiple of 2$/,
            ],
            [
                "an even master quorum",
                { opensearchDedicatedMasterCount: "4" },
                /^spark-platform:opensearchDedicatedMasterCount: 4 is not allowed; use 3 or 5/,
            ],
            [
                "a log domain admin that is not an IAM ARN",
                { opensearchAdminArns: ["*"] },
                /^spark-platform:opensearchAdminArns: "\*" is not an IAM role or user ARN/,
            ],
            [
                "an OpenSearch instance type without .search",
                { opensearchInstanceType: "r7g.large" },
                /^spark-platform:opensearchInstanceType: "r7g.large" is not an OpenSearch instance type/,
            ],
        ];
        for (const [what, changes, expected] of cases) {
            it(`rejects ${what}`, () => {
                const problems = problemsOf(stackConfig("dev", changes));
                assert.equal(problems.length, 1, `expected one problem, got:\n${problems.join("\n")}`);
                assert.match(problems[0], expected);
                assert.ok(!problems[0].includes("\n"));
            });
        }
    });

    it("accepts the longest team name under a long stack name: its job role name is fitted, not refused", () => {
        const stack = "twenty-chars-stack-1";
        const settings = parseSettings(
            stackConfig("dev", { teams: [team("a".repeat(30), "ns-a")] }),
            "spark-platform",
            stack,
        );
        assert.deepEqual(
            settings.teams.map((t) => t.name),
            ["a".repeat(30)],
        );
    });

    it("reports every problem at once, one line each, so a config is fixed in one pass", () => {
        const problems = problemsOf(
            stackConfig("dev", { autoscaler: "nope", vpcCidr: "banana", kubernetesVersion: "2.0" }),
        );
        assert.deepEqual(
            problems.map((p) => p.split(":")[1]),
            ["vpcCidr", "kubernetesVersion", "autoscaler"],
        );
    });

    it("throws an error the Pulumi CLI prints without a stack trace", () => {
        try {
            parseSettings(stackConfig("dev", { autoscaler: "nope" }), "spark-platform", "dev");
            assert.fail("expected a rejection");
        } catch (e) {
            // The Node language host prints a RunError's message alone (cmd/run/run.js uncaughtHandler).
            assert.ok((e as { __pulumiRunError?: boolean }).__pulumiRunError);
            assert.equal(
                (e as Error).message,
                'invalid stack config: spark-platform:autoscaler: "nope" is not allowed; use one of: karpenter, cluster-autoscaler',
            );
        }
    });
});

function team(name: string, namespace: string) {
    return { name, namespace, quota: { cpu: "8", memory: "32Gi" } };
}

import * as assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fitName } from "../../../components/vocabulary/stack-names";
import type { CapturedResource } from "../../../tools/plan/capture";
import { type PlanResult, planStack } from "../../../tools/plan/plan";
import { exclusively, FIXTURE_STACKS_DIR } from "../../support/fixture-stacks";

/**
 * AWS's rules for the names the program gives resources, by resource type and input, typed out from each service's
 * API reference (not imported from the program, so a wrong rule there cannot pass here).
 */
const AWS_NAME_RULES: Record<string, Record<string, { min?: number; max: number; pattern?: RegExp }>> = {
    "eks:index:Cluster": { name: { max: 100, pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/ } },
    "aws:eks/nodeGroup:NodeGroup": { nodeGroupName: { max: 63, pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/ } },
    "aws:iam/role:Role": { name: { max: 64, pattern: /^[\w+=,.@-]+$/ }, namePrefix: { max: 38 } },
    "aws:iam/rolePolicy:RolePolicy": { name: { max: 128, pattern: /^[\w+=,.@-]+$/ } },
    "aws:iam/policy:Policy": { name: { max: 128, pattern: /^[\w+=,.@-]+$/ } },
    "aws:iam/instanceProfile:InstanceProfile": { name: { max: 128, pattern: /^[\w+=,.@-]+$/ } },
    "aws:s3/bucket:Bucket": { bucket: { min: 3, max: 63, pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/ } },
    "aws:opensearch/domain:Domain": { domainName: { min: 3, max: 28, pattern: /^[a-z][a-z0-9-]+$/ } },
    "aws:kms/alias:Alias": { name: { max: 256, pattern: /^alias\/[A-Za-z0-9/_-]+$/ } },
    "aws:cloudwatch/logGroup:LogGroup": {
        name: { max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/ },
        namePrefix: { max: 483, pattern: /^[.\-_/#A-Za-z0-9]+$/ },
    },
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": { policyName: { max: 255 } },
    "aws:cloudwatch/eventRule:EventRule": { name: { max: 64, pattern: /^[.\-_A-Za-z0-9]+$/ } },
    "aws:emrcontainers/virtualCluster:VirtualCluster": { name: { max: 64, pattern: /^[.\-_/#A-Za-z0-9]+$/ } },
    "aws:emrcontainers/jobTemplate:JobTemplate": { name: { max: 64, pattern: /^[.\-_/#A-Za-z0-9]+$/ } },
    "aws:sqs/queue:Queue": { name: { max: 80, pattern: /^[A-Za-z0-9_-]+$/ } },
    "aws:sns/topic:Topic": { name: { max: 256, pattern: /^[A-Za-z0-9_-]+$/ } },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { name: { max: 255 } },
    "aws:amp/workspace:Workspace": { alias: { max: 100 } },
    "aws:amp/scraper:Scraper": { alias: { max: 100, pattern: /^[0-9A-Za-z][-.0-9A-Z_a-z]*$/ } },
    "aws:ec2/securityGroup:SecurityGroup": { name: { max: 255 } },
    // The group EKS creates for a node group (its name comes from the node group's): 1–255.
    "aws:autoscaling/tag:Tag": { autoscalingGroupName: { max: 255 } },
    "aws:ec2/launchTemplate:LaunchTemplate": { name: { max: 128, pattern: /^[a-zA-Z0-9().\-/_]+$/ } },
};

/** A resource input that names something in AWS: `name`, `bucket`, `alias`, `*Name` (not `*Arn`, not `*Id`). */
const NAME_INPUT = /^(name|namePrefix|bucket|alias|[a-z][A-Za-z]*Name)$/;

interface Case {
    readonly title: string;
    readonly stack: string;
    readonly fixture: "dev" | "prod";
    readonly region: string;
    readonly partition: "aws" | "aws-cn" | "aws-us-gov";
}

const LONGEST = `analytics-${"x".repeat(80)}-prod.EU_central`.slice(0, 100);
const CASES: Case[] = [
    {
        title: "the issue's stack in eu-central-1",
        stack: "analytics-prod-eu-central-1",
        fixture: "dev",
        region: "eu-central-1",
        partition: "aws",
    },
    {
        title: "a 100-character stack name in ap-southeast-2",
        stack: LONGEST,
        fixture: "prod",
        region: "ap-southeast-2",
        partition: "aws",
    },
    {
        title: "a long stack name in China (aws-cn)",
        stack: "Analytics.Prod_cn-northwest-1-platform",
        fixture: "prod",
        region: "cn-northwest-1",
        partition: "aws-cn",
    },
    {
        title: "a long stack name in GovCloud (aws-us-gov)",
        stack: "analytics-production-us-gov-west-1",
        fixture: "dev",
        region: "us-gov-west-1",
        partition: "aws-us-gov",
    },
];

/** The config that moves a fixture stack to `region`: its zones, and principals of the region's partition. */
function regionOverrides(c: Case): Record<string, unknown> {
    const account = c.fixture === "dev" ? "111111111111" : "222222222222";
    const zones = [`${c.region}a`, `${c.region}b`];
    return {
        "aws:region": c.region,
        availabilityZones: zones,
        sparkZones: [zones[0]],
        adminPrincipals: [`arn:${c.partition}:iam::${account}:role/platform-admin`],
        viewerPrincipals: [],
        opensearchZoneCount: 1,
        opensearchDedicatedMasterType: "none",
        opensearchInstanceCount: 1,
        natGatewayCount: 1,
        // A team whose name is as long as a namespace label allows, beside the fixture's own.
        teams: [
            { name: "data-eng", namespace: "spark-data-eng", quota: { cpu: "32", memory: "128Gi" } },
            {
                name: "t".repeat(30),
                namespace: `spark-${"t".repeat(30)}`,
                quota: { cpu: "8", memory: "32Gi" },
                // Its submitter role is named after the stack and the team too.
                submitters: [`arn:${c.partition}:iam::${account}:role/submitter`],
            },
        ],
    };
}

/** Plans `c.fixture`'s stack file under the name `c.stack`, in a folder of its own that is removed after. */
async function planCase(c: Case, overrides: Record<string, unknown> = {}): Promise<PlanResult> {
    const dir = mkdtempSync(path.join(tmpdir(), "names-stack-"));
    try {
        copyFileSync(
            path.join(FIXTURE_STACKS_DIR, `Pulumi.${c.fixture}.yaml`),
            path.join(dir, `Pulumi.${c.stack}.yaml`),
        );
        return await exclusively(() =>
            planStack({ stack: c.stack, stackDir: dir, configOverrides: { ...regionOverrides(c), ...overrides } }),
        );
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** Every name input the plan registers, with the rule AWS applies to it (undefined when the table has none). */
function namesOf(plan: PlanResult) {
    const found: { resource: CapturedResource; input: string; value: string }[] = [];
    for (const resource of plan.resources) {
        for (const [input, value] of Object.entries(resource.inputs)) {
            if (NAME_INPUT.test(input) && typeof value === "string") found.push({ resource, input, value });
        }
    }
    return found;
}

function checkNames(plan: PlanResult, stack: string): string[] {
    const problems: string[] = [];
    const ruled = new Set<string>();
    const names = namesOf(plan);
    for (const { resource, input, value } of names) {
        const rule = AWS_NAME_RULES[resource.type]?.[input];
        if (rule === undefined) continue;
        ruled.add(value);
        const where = `${resource.type} ${resource.name} ${input} ${JSON.stringify(value)}`;
        if (value.length > rule.max) problems.push(`${where}: ${value.length} characters, over ${rule.max}`);
        if (value.length < (rule.min ?? 1)) problems.push(`${where}: under ${rule.min} characters`);
        if (rule.pattern && !rule.pattern.test(value)) problems.push(`${where}: not ${rule.pattern}`);
    }
    // A name input the table does not know, carrying the stack, must be a reference to a name checked above (a
    // node group's clusterName, a bucket policy's bucket); anything else is a new name nobody checked.
    const marker = stack.slice(0, 12);
    for (const { resource, input, value } of names) {
        if (AWS_NAME_RULES[resource.type]?.[input] !== undefined || !value.includes(marker)) continue;
        if (!ruled.has(value))
            problems.push(`${resource.type} ${resource.name} ${input} ${JSON.stringify(value)}: no AWS rule known`);
    }
    return problems;
}

describe("names fit AWS's limits for any stack name, region and partition", function () {
    this.timeout(120_000);

    for (const c of CASES) {
        it(`${c.title}: every name the plan registers fits`, async () => {
            const plan = await planCase(c);
            assert.deepEqual(checkNames(plan, c.stack), []);
            // Something was checked: the cluster, the domain, the bucket, the roles.
            const checked = namesOf(plan).filter((n) => AWS_NAME_RULES[n.resource.type]?.[n.input] !== undefined);
            assert.ok(checked.length >= 10, `only ${checked.length} names checked`);
        });
    }

    it("keeps a fitting stack's names as they were (no replacement on upgrade)", () => {
        assert.equal(fitName("openSearchDomain", "spark-prod", "-logs"), "spark-prod-logs");
        assert.equal(fitName("iamRole", "spark-dev", "-data-eng-emr-job"), "spark-dev-data-eng-emr-job");
        assert.equal(
            fitName("s3Bucket", "spark-prod", "-platform-222222222222-us-west-2"),
            "spark-prod-platform-222222222222-us-west-2",
        );
    });

    it("gives two long stack names that share their head different names, the same on every run", () => {
        const a = fitName("openSearchDomain", "spark-analytics-prod-eu-central-1", "-logs");
        const b = fitName("openSearchDomain", "spark-analytics-prod-eu-central-2", "-logs");
        assert.notEqual(a, b);
        assert.equal(fitName("openSearchDomain", "spark-analytics-prod-eu-central-1", "-logs"), a);
        assert.match(a, /^spark-analytics-[a-z0-9]{6}-logs$/);
    });

    it("gives stacks that differ only in case or punctuation different lowercase names", () => {
        const upper = fitName("s3Bucket", "spark-Prod", "-platform-1-us-west-2");
        const lower = fitName("s3Bucket", "spark-prod", "-platform-1-us-west-2");
        assert.notEqual(upper, lower);
        assert.match(upper, /^[a-z0-9-]+$/);
    });
});

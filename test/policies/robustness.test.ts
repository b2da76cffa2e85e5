/**
 * Malformed input must never crash a policy (the CLI would fail the whole update): deterministic garbage in every
 * field the policies read, for every type they check, goes through the offline evaluator without a policy error.
 */
import * as assert from "node:assert/strict";
import { evaluateStackExport } from "../../tools/policy-eval/evaluate";

const TYPES = [
    "kubernetes:core/v1:Pod",
    "kubernetes:core/v1:PodTemplate",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:batch/v1:CronJob",
    "kubernetes:apps/v1:DeploymentPatch",
    "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication",
    "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication",
    "kubernetes:core/v1:ConfigMap",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "kubernetes:helm.sh/v3:Release",
    "aws:iam/role:Role",
    "kubernetes:karpenter.sh/v1:NodePool",
    "kubernetes:karpenter.sh/v1alpha5:Provisioner",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:autoscaling/group:Group",
    "eks:index:ManagedNodeGroup",
    "eks:index:NodeGroup",
    "aws:ec2/subnet:Subnet",
    "eks:index:Cluster",
    "aws:eks/cluster:Cluster",
    "aws:cloudformation/stack:Stack",
    "kubernetes:core/v1:constructor",
    "constructor",
    "aws-native:iam:Role",
    "aws-native:eks:Nodegroup",
    "aws-native:autoscaling:AutoScalingGroup",
    "aws-native:ec2:Subnet",
    "aws-native:eks:Cluster",
    "aws-native:cloudformation:Stack",
    "aws:cloudformation/stackSet:StackSet",
    "kubernetes:core/v1:Secret",
    "aws:s3/objectCopy:ObjectCopy",
    "kubernetes:apps/v1:DeploymentList",
];
const KEYS = [
    "spec",
    "template",
    "containers",
    "initContainers",
    "ephemeralContainers",
    "securityContext",
    "runAsUser",
    "runAsNonRoot",
    "metadata",
    "name",
    "data",
    "binaryData",
    "content",
    "contentBase64",
    "source",
    "values",
    "assumeRolePolicy",
    "requirements",
    "key",
    "operator",
    "minValues",
    "subnetIds",
    "vpcZoneIdentifiers",
    "availabilityZones",
    "availabilityZone",
    "nodeGroupName",
    "clusterName",
    "cluster",
    "vpcConfig",
    "privateSubnetIds",
    "jobTemplate",
    "driver",
    "executor",
    "sidecars",
    "podSecurityContext",
    "templateBody",
    "id",
    "constructor",
    "assumeRolePolicyDocument",
    "roleName",
    "subnets",
    "vpcZoneIdentifier",
    "subnetId",
    "resourcesVpcConfig",
    "stringData",
    "items",
    "templateUrl",
];
const SCALARS: unknown[] = [
    null,
    0,
    -1,
    "",
    "*",
    true,
    [],
    [null],
    {},
    "0",
    "kind: Pod\nspec:\n  containers: 5\n",
    "kind: Pod\nspec:\n  containers:\n  - 5\n  - name: 3\n    securityContext: 7\n",
    '{"Statement": [5, null, {"Principal": 5, "Action": {}, "Condition": []}]}',
    '{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": 5}}}, "A": {"Type": "AWS::EKS::Nodegroup", "Properties": {"Subnets": {"Ref": 1}}}}}',
    '{"Statement": {"Principal": {"Federated": [1, null, "arn:aws:iam::1:oidc-provider/x"]}, "Condition": {"StringEquals": 5, "StringLike": {"x:sub": {}}}}}',
];

function generator(seed: number) {
    const next = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
    };
    const junk = (depth: number): unknown => {
        if (depth > 4 || next(3) === 0) return SCALARS[next(SCALARS.length)];
        if (next(2) === 0) return Array.from({ length: next(3) }, () => junk(depth + 1));
        return Object.fromEntries(
            Array.from({ length: 1 + next(5) }, () => [KEYS[next(KEYS.length)], junk(depth + 1)]),
        );
    };
    const record = (value: unknown) =>
        typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
    return { next, junk, record };
}

describe("robustness against malformed resources", () => {
    it("never fails a policy on garbage input", async () => {
        const { next, junk, record } = generator(7);
        for (let round = 0; round < 60; round++) {
            const resources = Array.from({ length: 20 }, (_, i) => {
                const type = TYPES[next(TYPES.length)];
                const props = record(junk(0));
                return {
                    urn: `urn:pulumi:s::p::${type}::r${i}`,
                    type,
                    custom: true,
                    id: `id${i}`,
                    inputs: props,
                    outputs: next(2) ? props : record(junk(0)),
                    parent: next(3) === 0 ? `urn:pulumi:s::p::${TYPES[next(TYPES.length)]}::r${next(20)}` : "",
                    propertyDependencies: next(2)
                        ? { subnetIds: [`urn:pulumi:s::p::aws:ec2/subnet:Subnet::r${next(20)}`] }
                        : {},
                };
            });
            const verdicts = await evaluateStackExport({ version: 3, deployment: { resources } });
            const failures = verdicts.violations.filter((v) => v.message.startsWith("the policy failed"));
            assert.deepEqual(failures, [], `round ${round}`);
        }
    });
});

import { planFixture } from "../../support/fixture-stacks";
import * as assert from "node:assert/strict";
import {
    STS_AUDIENCE,
    irsaTrustPolicy,
    managedPolicyArn,
    nodeRoleManagedPolicyArns,
    nodeRoleTrustPolicy,
} from "../../../components/iam";
import { kebab } from "../../../components/iam/irsa-role";

import { allPlans } from "../../support/plan-fixtures";
import { jsonInput, ofType } from "../../support/plan-queries";

const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC123";
const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/ABC123";

interface TrustStatement {
    Effect: string;
    Principal: { Federated?: string; Service?: string };
    Action: string;
    Condition?: Record<string, Record<string, string>>;
}

describe("IRSA trust policy", () => {
    it("trusts exactly one service account, with StringEquals on sub and aud", () => {
        const doc = irsaTrustPolicy({
            oidcProviderArn: PROVIDER,
            oidcIssuer: ISSUER,
            namespace: "kube-system",
            serviceAccount: "karpenter",
        });
        assert.deepEqual(doc.Statement, [
            {
                Effect: "Allow",
                Principal: { Federated: PROVIDER },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${ISSUER}:sub`]: "system:serviceaccount:kube-system:karpenter",
                        [`${ISSUER}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ]);
    });

    it("drops the https:// scheme from the issuer in condition keys", () => {
        const doc = irsaTrustPolicy({
            oidcProviderArn: PROVIDER,
            oidcIssuer: `https://${ISSUER}`,
            namespace: "a",
            serviceAccount: "b",
        });
        assert.deepEqual(Object.keys(doc.Statement[0].Condition.StringEquals), [`${ISSUER}:sub`, `${ISSUER}:aud`]);
    });

    for (const [namespace, serviceAccount] of [
        ["*", "karpenter"],
        ["kube-system", "*"],
        ["kube-system", "karpenter-*"],
        ["Kube", "x"],
        ["", "x"],
    ]) {
        it(`refuses a wildcard or invalid subject (${JSON.stringify(`${namespace}:${serviceAccount}`)})`, () => {
            assert.throws(
                () => irsaTrustPolicy({ oidcProviderArn: PROVIDER, oidcIssuer: ISSUER, namespace, serviceAccount }),
                /not a Kubernetes/,
            );
        });
    }

    it("refuses a principal that is not an OIDC provider", () => {
        assert.throws(
            () =>
                irsaTrustPolicy({
                    oidcProviderArn: "arn:aws:iam::123456789012:role/x",
                    oidcIssuer: ISSUER,
                    namespace: "a",
                    serviceAccount: "b",
                }),
            /not an IAM OIDC provider ARN/,
        );
    });

    it("accepts providers of the China and GovCloud partitions", () => {
        for (const partition of ["aws-cn", "aws-us-gov"]) {
            const arn = PROVIDER.replace("arn:aws:", `arn:${partition}:`);
            assert.equal(
                irsaTrustPolicy({ oidcProviderArn: arn, oidcIssuer: ISSUER, namespace: "a", serviceAccount: "b" })
                    .Statement[0].Principal.Federated,
                arn,
            );
        }
    });
});

describe("node role trust and policies", () => {
    it("lets only EC2 assume a node role, with the partition's service principal", () => {
        assert.deepEqual(nodeRoleTrustPolicy("aws").Statement[0].Principal, { Service: "ec2.amazonaws.com" });
        assert.deepEqual(nodeRoleTrustPolicy("aws-cn").Statement[0].Principal, { Service: "ec2.amazonaws.com.cn" });
    });

    it("attaches the three node policies in the stack's partition, pull-only for ECR, never the CNI policy", () => {
        assert.deepEqual(nodeRoleManagedPolicyArns("aws-us-gov"), [
            "arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws-us-gov:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ]);
        assert.equal(
            managedPolicyArn("aws-cn", "service-role/AmazonEBSCSIDriverPolicy"),
            "arn:aws-cn:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
        );
    });

    it("names policy attachments after the policy, in kebab case", () => {
        assert.equal(kebab("AmazonEKS_CNI_Policy"), "amazon-eks-cni-policy");
        assert.equal(kebab("AmazonEC2ContainerRegistryPullOnly"), "amazon-ec2-container-registry-pull-only");
    });
});

describe("IAM roles in the planned stacks", () => {
    it("every IRSA role trusts exactly its service account, with aud = sts.amazonaws.com", async () => {
        const expected: Record<string, string[]> = {
            karpenter: [
                "kube-system:aws-node",
                "kube-system:ebs-csi-controller-sa",
                "kube-system:karpenter",
                "kubecost:kubecost-cost-analyzer",
                "kubecost:kubecost-prometheus-server",
                "logging:log-retention",
            ],
            "cluster-autoscaler": [
                "kube-system:aws-node",
                "kube-system:cluster-autoscaler",
                "kube-system:ebs-csi-controller-sa",
                "kubecost:kubecost-cost-analyzer",
                "kubecost:kubecost-prometheus-server",
                "logging:log-retention",
            ],
        };
        for (const { stack, mode, plan } of await allPlans()) {
            const oidcProviderArn = String(plan.outputs.oidcProviderArn);
            const issuer = oidcProviderArn.split(":oidc-provider/")[1];
            const subjects: string[] = [];
            for (const role of ofType(plan, "aws:iam/role:Role")) {
                // EMR job execution roles also trust EMR's per-job service accounts (a second, StringLike
                // statement); test/program evaluates their trust in these same plans.
                if (String(role.inputs.name ?? "").endsWith("-emr-job")) continue;
                const trust = jsonInput<{ Statement: TrustStatement[] }>(role, "assumeRolePolicy");
                const federated = trust.Statement.filter((s) => s.Principal.Federated !== undefined);
                if (federated.length === 0) continue;
                assert.equal(trust.Statement.length, 1, `${stack}/${mode} ${role.name}: only the IRSA statement`);
                const [s] = federated;
                assert.equal(s.Effect, "Allow");
                assert.equal(s.Action, "sts:AssumeRoleWithWebIdentity");
                assert.equal(
                    s.Principal.Federated,
                    oidcProviderArn,
                    `${stack}/${mode} ${role.name}: the cluster's OIDC provider`,
                );
                assert.deepEqual(
                    Object.keys(s.Condition ?? {}),
                    ["StringEquals"],
                    `${role.name}: StringEquals only, never StringLike`,
                );
                const equals = s.Condition!.StringEquals;
                assert.deepEqual(Object.keys(equals).sort(), [`${issuer}:aud`, `${issuer}:sub`]);
                assert.equal(equals[`${issuer}:aud`], STS_AUDIENCE);
                const sub = equals[`${issuer}:sub`];
                assert.match(sub, /^system:serviceaccount:[a-z0-9-]+:[a-z0-9.-]+$/, `${role.name}: one exact subject`);
                subjects.push(sub.replace("system:serviceaccount:", ""));
            }
            // And one Spark History Server per team, each its own account in the spark-history namespace.
            const teams = Object.keys(plan.outputs.sparkTeamOutputs as Record<string, unknown>);
            assert.ok(teams.length > 0);
            const history = teams.map((team) => `spark-history:spark-history-${team}`);
            assert.deepEqual(subjects.sort(), [...expected[mode], ...history].sort(), `${stack}/${mode}`);
        }
    });

    for (const mode of ["karpenter", "cluster-autoscaler"]) {
        it(`never hard-codes arn:aws: — a GovCloud plan names only aws-us-gov ARNs (${mode})`, async () => {
            const plan = await planFixture({
                stack: "dev",
                configOverrides: {
                    autoscaler: mode,
                    "aws:region": "us-gov-west-1",
                    availabilityZones: ["us-gov-west-1a", "us-gov-west-1b"],
                    sparkZones: ["us-gov-west-1a"],
                    adminPrincipals: ["arn:aws-us-gov:iam::111111111111:role/platform-admin"],
                },
            });
            const iamResources = plan.resources.filter((r) => r.type.startsWith("aws:iam/"));
            assert.ok(iamResources.length > 5);
            for (const r of plan.resources) {
                const text = JSON.stringify(r.inputs);
                assert.ok(
                    !text.includes("arn:aws:"),
                    `${r.type} ${r.name}: ${/.{0,60}arn:aws:.{0,40}/.exec(text)?.[0]}`,
                );
            }
            assert.ok(
                plan.resources.some((r) =>
                    JSON.stringify(r.inputs).includes("arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy"),
                ),
            );
        });
    }
});

/**
 * irsa-scoped-roles holds every resource type that can create an IAM role to the same rules — the Cloud Control
 * provider's aws-native:iam:Role and AWS::IAM::Role in CloudFormation templates — and fails closed on trust
 * documents that readers could resolve differently (duplicate keys, elements spelled twice, non-string values).
 */
import * as assert from "node:assert/strict";
import { stringify } from "yaml";
import { irsaScopedRoles } from "../../../policies/irsa-scoped-roles";
import {
    assertCompliant,
    assertNotApplicable,
    assertUnknown,
    assertViolations,
    Outcome,
    runResourcePolicy,
    unknownStringValue,
} from "../util";

const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const PROVIDER = `arn:aws:iam::111111111111:oidc-provider/${ISSUER}`;
const SUB = `${ISSUER}:sub`;
const AUD = `${ISSUER}:aud`;
const PINNED = { StringEquals: { [SUB]: "system:serviceaccount:karpenter:karpenter", [AUD]: "sts.amazonaws.com" } };
const statement = (condition: unknown = PINNED, extra: Record<string, unknown> = {}) => ({
    Effect: "Allow",
    Principal: { Federated: PROVIDER },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: condition,
    ...extra,
});
const doc = (...statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });

const nativeRole = (assumeRolePolicyDocument: unknown, roleName: unknown = "spark-dev-karpenter") => ({
    type: "aws-native:iam:Role",
    name: "karpenter",
    props: { roleName, assumeRolePolicyDocument },
});
const classicRole = (assumeRolePolicy: unknown) => ({
    type: "aws:iam/role:Role",
    name: "karpenter",
    props: { name: "spark-dev-karpenter", assumeRolePolicy },
});
const messages = (outcome: Outcome) =>
    outcome.kind === "evaluated" ? outcome.violations.map((v) => v.message) : [JSON.stringify(outcome)];

describe("irsa-scoped-roles: every provider that creates a role", () => {
    describe("aws-native:iam:Role (assumeRolePolicyDocument)", () => {
        it("passes a pinned trust given as an object or as JSON text", async () => {
            assertCompliant(await runResourcePolicy(irsaScopedRoles, nativeRole(doc(statement()))));
            assertCompliant(await runResourcePolicy(irsaScopedRoles, nativeRole(JSON.stringify(doc(statement())))));
        });

        it("rejects a wildcard subject, ForAnyValue, a missing aud and a wildcard principal", async () => {
            const cases: Array<[unknown, RegExp]> = [
                [
                    doc(statement({ StringLike: { [SUB]: "system:serviceaccount:*:*", [AUD]: "sts.amazonaws.com" } })),
                    /wildcards are not allowed/,
                ],
                [
                    doc(
                        statement({
                            "ForAnyValue:StringEquals": { [SUB]: "system:serviceaccount:a:b" },
                            StringEquals: { [AUD]: "sts.amazonaws.com" },
                        }),
                    ),
                    /passes vacuously/,
                ],
                [doc(statement({ StringEquals: { [SUB]: "system:serviceaccount:a:b" } })), /no .*:aud condition/],
                [doc(statement(PINNED, { Principal: "*" })), /"\*" trusts every principal/],
            ];
            for (const [document, expected] of cases) {
                const found = messages(await runResourcePolicy(irsaScopedRoles, nativeRole(document)));
                assert.ok(
                    found.length > 0 &&
                        found.some((m) => expected.test(m) && m.startsWith("IAM role 'spark-dev-karpenter'")),
                    found.join("\n"),
                );
            }
        });

        it("checks the EMR pattern against roleName, and never passes it while roleName is unknown", async () => {
            const sub = "system:serviceaccount:spark:emr-containers-sa-*-*-111111111111-abc";
            const outcome = await runResourcePolicy(
                irsaScopedRoles,
                nativeRole(
                    doc(statement({ StringLike: { [SUB]: sub }, StringEquals: { [AUD]: "sts.amazonaws.com" } })),
                    unknownStringValue,
                ),
            );
            assertUnknown(outcome);
        });

        it("does not apply to a role trusted only by an AWS service", async () => {
            const service = doc({
                Effect: "Allow",
                Principal: { Service: "ec2.amazonaws.com" },
                Action: "sts:AssumeRole",
            });
            assertNotApplicable(await runResourcePolicy(irsaScopedRoles, nativeRole(service)));
        });

        it("skips a role listed in exemptRoles by roleName", async () => {
            assertNotApplicable(
                await runResourcePolicy(irsaScopedRoles, nativeRole(doc(statement({}))), {
                    exemptRoles: ["spark-dev-karpenter"],
                }),
            );
        });
    });

    describe("AWS::IAM::Role in CloudFormation templates", () => {
        const cfnStack = (type: string, props: Record<string, unknown>) => ({ type, name: "irsa-stack", props });
        const template = (trust: unknown, roleName: unknown = "spark-dev-exec") => ({
            Resources: {
                Exec: { Type: "AWS::IAM::Role", Properties: { RoleName: roleName, AssumeRolePolicyDocument: trust } },
            },
        });

        for (const type of [
            "aws:cloudformation/stack:Stack",
            "aws:cloudformation/stackSet:StackSet",
            "aws-native:cloudformation:Stack",
        ]) {
            it(`judges the roles of a ${type} template (JSON or YAML)`, async () => {
                assertCompliant(
                    await runResourcePolicy(
                        irsaScopedRoles,
                        cfnStack(type, { templateBody: JSON.stringify(template(doc(statement()))) }),
                    ),
                );
                const wide = stringify(template(doc(statement({}))));
                assertViolations(await runResourcePolicy(irsaScopedRoles, cfnStack(type, { templateBody: wide })), [
                    `CloudFormation stack 'irsa-stack' role 'Exec' trust policy Statement[0].Condition: no ${SUB} condition — any service account ` +
                        `(any token from the issuer) can assume the role; use StringEquals {"${SUB}": "system:serviceaccount:<namespace>:<service-account>"}`,
                    `CloudFormation stack 'irsa-stack' role 'Exec' trust policy Statement[0].Condition: no ${AUD} condition — tokens minted for any ` +
                        `audience are accepted; use StringEquals {"${AUD}": "sts.amazonaws.com"}`,
                ]);
            });
        }

        it("reports a trust built with CloudFormation functions (short tags or Fn::) as not evaluated", async () => {
            const yamlBody =
                "Resources:\n  Exec:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n" +
                "        Statement:\n          - Effect: Allow\n            Principal:\n              Federated: !Sub arn:aws:iam::${AWS::AccountId}:oidc-provider/x\n" +
                "            Action: sts:AssumeRoleWithWebIdentity\n";
            assertUnknown(
                await runResourcePolicy(
                    irsaScopedRoles,
                    cfnStack("aws:cloudformation/stack:Stack", { templateBody: yamlBody }),
                ),
                "CloudFormation functions",
            );
            const jsonBody = JSON.stringify(
                template(doc(statement(PINNED, { Principal: { Federated: { "Fn::GetAtt": ["Oidc", "Arn"] } } }))),
            );
            assertUnknown(
                await runResourcePolicy(
                    irsaScopedRoles,
                    cfnStack("aws:cloudformation/stack:Stack", { templateBody: jsonBody }),
                ),
                "CloudFormation functions",
            );
        });

        it("reports a template it cannot read as not evaluated: templateUrl, or a role template with duplicate keys", async () => {
            assertUnknown(
                await runResourcePolicy(
                    irsaScopedRoles,
                    cfnStack("aws:cloudformation/stack:Stack", { templateUrl: "https://s3.amazonaws.com/b/t.yaml" }),
                ),
                "templateUrl",
            );
            const duplicate = "Resources:\n  Exec:\n    Type: AWS::IAM::Role\n    Type: AWS::SNS::Topic\n";
            assertUnknown(
                await runResourcePolicy(
                    irsaScopedRoles,
                    cfnStack("aws:cloudformation/stack:Stack", { templateBody: duplicate }),
                ),
                "does not parse unambiguously",
            );
        });

        it("does not apply to a template without roles (the pulumi-eks v1 node group stack)", async () => {
            const body = JSON.stringify({
                Resources: {
                    NodeGroup: {
                        Type: "AWS::AutoScaling::AutoScalingGroup",
                        Properties: { VPCZoneIdentifier: ["subnet-a"] },
                    },
                },
            });
            assertNotApplicable(
                await runResourcePolicy(
                    irsaScopedRoles,
                    cfnStack("aws:cloudformation/stack:Stack", { templateBody: body }),
                ),
            );
        });
    });

    describe("documents readers resolve differently", () => {
        it("rejects duplicate keys in a JSON trust document", async () => {
            const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Principal":{"Federated":"${PROVIDER}"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`;
            assertViolations(await runResourcePolicy(irsaScopedRoles, classicRole(text)), [
                "IAM role 'spark-dev-karpenter' assumeRolePolicy repeats the key \"Effect\" in one object, which readers resolve differently; " +
                    "write a JSON policy document whose statements pin the service account",
            ]);
        });

        it("rejects duplicate keys hidden behind escapes", async () => {
            const text = `{"Statement":[{"Effect":"Allow","Eff\\u0065ct":"Deny","Principal":{"Federated":"${PROVIDER}"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`;
            assert.match(
                messages(await runResourcePolicy(irsaScopedRoles, classicRole(text)))[0],
                /repeats the key "Effect" in one object/,
            );
        });

        it("finds a repeated key at any depth, and none where each object names a key once", async () => {
            // The same key in sibling objects, and braces, commas, colons and escaped quotes inside strings, are no
            // repetition; a key repeated in a nested object after all that is.
            const pinned = doc(
                statement(PINNED, { Sid: 'a "quoted" {x: 1, "Effect": 2}' }),
                statement(PINNED, { Sid: "b\\" }),
            );
            assertCompliant(await runResourcePolicy(irsaScopedRoles, classicRole(JSON.stringify(pinned))));
            const nested = JSON.stringify(pinned).replace('"Federated":', '"Federated":"x","Federated":');
            assert.match(
                messages(await runResourcePolicy(irsaScopedRoles, classicRole(nested)))[0],
                /repeats the key "Federated" in one object/,
            );
        });

        it("rejects a claim set twice under one operator in different cases", async () => {
            const condition = {
                StringEquals: { [SUB]: "system:serviceaccount:a:b", [AUD]: "sts.amazonaws.com" },
                stringequals: { [SUB.toUpperCase()]: "system:serviceaccount:x:y" },
            };
            assert.match(
                messages(await runResourcePolicy(irsaScopedRoles, classicRole(doc(statement(condition)))))[0],
                /is set more than once under/,
            );
            const sameBlock = {
                StringEquals: {
                    [SUB]: "system:serviceaccount:a:b",
                    [SUB.toUpperCase()]: "system:serviceaccount:x:y",
                    [AUD]: "sts.amazonaws.com",
                },
            };
            assert.match(
                messages(await runResourcePolicy(irsaScopedRoles, classicRole(doc(statement(sameBlock)))))[0],
                /is set more than once under StringEquals/,
            );
        });

        it("rejects an element spelled twice in different cases", async () => {
            const outcome = await runResourcePolicy(
                irsaScopedRoles,
                classicRole(doc({ ...statement({}), effect: "Deny", Effect: "Allow" })),
            );
            assert.match(messages(outcome)[0], /Statement\[0\] spells the element Effect 2 ways/);
        });

        it("rejects non-string principals and actions, and a statement that is not an object", async () => {
            assert.match(
                messages(
                    await runResourcePolicy(
                        irsaScopedRoles,
                        classicRole(doc(statement(PINNED, { Principal: { Federated: [[PROVIDER]] } }))),
                    ),
                )[0],
                /Statement\[0\]\.Principal\.Federated: \[".*"\] — a value that is not a string/,
            );
            assert.match(
                messages(
                    await runResourcePolicy(
                        irsaScopedRoles,
                        classicRole(
                            doc({
                                Effect: "Allow",
                                Principal: { AWS: "arn:aws:iam::111111111111:root" },
                                Action: [["sts:AssumeRoleWithWebIdentity"]],
                            }),
                        ),
                    ),
                )[0],
                /Statement\[0\]\.Action: .* a value that is not a string/,
            );
            assert.match(
                messages(await runResourcePolicy(irsaScopedRoles, classicRole(doc("Allow everyone"))))[0],
                /Statement\[0\] is "Allow everyone", not a statement object/,
            );
        });

        it("ignores Deny statements, which only restrict", async () => {
            const deny = {
                Effect: "Deny",
                Principal: "*",
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringNotEquals: { [AUD]: "sts.amazonaws.com" } },
            };
            assertCompliant(await runResourcePolicy(irsaScopedRoles, classicRole(doc(statement(), deny))));
        });
    });
});

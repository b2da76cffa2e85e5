import * as assert from "node:assert/strict";
import { IAM_ROLE_TYPE, irsaScopedRoles } from "../../../policies/irsa-scoped-roles";
import { base36 } from "../../../policies/irsa-scoped-roles/base36";
import {
    assertCompliant,
    assertNotApplicable,
    assertUnknown,
    assertViolations,
    runResourcePolicy,
    unknownStringValue,
} from "../util";

const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const OTHER_ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/OTHER0000000000000000000000000";
const ACCOUNT = "111111111111";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
const SUB = `${ISSUER}:sub`;
const AUD = `${ISSUER}:aud`;
const ROLE = "IAM role 'spark-dev-karpenter' trust policy";
const PIN = "pin it to system:serviceaccount:<namespace>:<service-account>";
const FIX_SUB = `use StringEquals {"${SUB}": "system:serviceaccount:<namespace>:<service-account>"}`;

type Statement = Record<string, unknown>;

function irsaStatement(
    condition: Record<string, unknown> = {
        StringEquals: { [SUB]: "system:serviceaccount:karpenter:karpenter", [AUD]: "sts.amazonaws.com" },
    },
): Statement {
    return {
        Effect: "Allow",
        Principal: { Federated: PROVIDER },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: condition,
    };
}

function role(statements: unknown, props: Record<string, unknown> = {}) {
    const document = { Version: "2012-10-17", Statement: statements };
    return {
        type: IAM_ROLE_TYPE,
        name: "karpenter-irsa",
        props: { name: "spark-dev-karpenter", assumeRolePolicy: JSON.stringify(document), ...props },
    };
}

const check = (statements: unknown, props?: Record<string, unknown>, config?: Record<string, unknown>) =>
    runResourcePolicy(irsaScopedRoles, role(statements, props), config);

describe("irsa-scoped-roles", () => {
    describe("compliant trust policies", () => {
        it("passes a role pinned to one service account and the STS audience", async () => {
            assertCompliant(await check([irsaStatement()]));
        });

        it("passes policy document objects, with a single Statement object or a list", async () => {
            assertCompliant(
                await check([], { assumeRolePolicy: { Version: "2012-10-17", Statement: irsaStatement() } }),
            );
            assertCompliant(
                await check([], { assumeRolePolicy: { Version: "2012-10-17", Statement: [irsaStatement()] } }),
            );
        });

        it("passes a sub list when every value is a concrete service account", async () => {
            const sub = ["system:serviceaccount:spark:driver", "system:serviceaccount:spark:executor"];
            assertCompliant(
                await check([irsaStatement({ StringEquals: { [SUB]: sub, [AUD]: ["sts.amazonaws.com"] } })]),
            );
        });

        it("passes StringLike values that contain no wildcard", async () => {
            assertCompliant(
                await check([
                    irsaStatement({
                        StringLike: { [SUB]: "system:serviceaccount:spark:driver" },
                        StringEquals: { [AUD]: "sts.amazonaws.com" },
                    }),
                ]),
            );
        });

        it("matches condition keys case-insensitively", async () => {
            const condition = {
                StringEquals: {
                    [SUB.toUpperCase()]: "system:serviceaccount:spark:driver",
                    [AUD.toLowerCase()]: "sts.amazonaws.com",
                },
            };
            assertCompliant(await check([irsaStatement(condition)]));
        });

        it("passes Action lists with sts:TagSession and a Federated principal list", async () => {
            const statement = {
                ...irsaStatement(),
                Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
                Principal: { Federated: [PROVIDER] },
            };
            assertCompliant(await check([statement]));
        });

        it("passes the exact EMR on EKS pattern for this role's account and base36 name", async () => {
            const sub = `system:serviceaccount:spark-data-eng:emr-containers-sa-*-*-${ACCOUNT}-${base36("spark-dev-emr-exec")}`;
            const condition = { StringLike: { [SUB]: sub }, StringEquals: { [AUD]: "sts.amazonaws.com" } };
            assertCompliant(await check([irsaStatement(condition)], { name: "spark-dev-emr-exec" }));
        });

        it("uses the resource name for the EMR pattern when the role has no name", async () => {
            const sub = `system:serviceaccount:spark:emr-containers-sa-*-*-${ACCOUNT}-${base36("karpenter-irsa")}`;
            const outcome = await check(
                [irsaStatement({ StringLike: { [SUB]: sub }, StringEquals: { [AUD]: "sts.amazonaws.com" } })],
                { name: undefined },
            );
            assertCompliant(outcome);
        });

        it("accepts StringEqualsIgnoreCase on concrete values", async () => {
            assertCompliant(
                await check([
                    irsaStatement({
                        StringEqualsIgnoreCase: {
                            [SUB]: "system:serviceaccount:Spark:Driver",
                            [AUD]: "STS.amazonaws.com",
                        },
                    }),
                ]),
            );
        });

        it("ignores Deny statements, however broad", async () => {
            assertCompliant(await check([{ Effect: "Deny", Principal: "*", Action: "sts:*" }, irsaStatement()]));
        });
    });

    describe("OIDC issuers other than an EKS cluster's", () => {
        const GH = "token.actions.githubusercontent.com";
        const GH_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`;
        const GH_FIX =
            "pin it to one repository and one context: repo:<owner>/<repo>: followed by ref:refs/heads/<branch>, " +
            "ref:refs/tags/<tag>, environment:<name> or pull_request";
        const github = (condition: Record<string, unknown>, provider = GH_PROVIDER): Statement => ({
            Effect: "Allow",
            Principal: { Federated: provider },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: condition,
        });
        const pinned = (sub: unknown, op = "StringEquals", issuer = GH) =>
            op === "StringEquals"
                ? { StringEquals: { [`${issuer}:sub`]: sub, [`${issuer}:aud`]: "sts.amazonaws.com" } }
                : { [op]: { [`${issuer}:sub`]: sub }, StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" } };

        it("passes GitHub Actions trusts pinned to a repository and a branch, tag, environment or pull_request", async () => {
            for (const sub of [
                "repo:octo-org/spark-platform:ref:refs/heads/main",
                "repo:octo-org/spark-platform:ref:refs/tags/v1.2.0",
                "repo:octo-org/spark-platform:environment:prod",
                "repo:octo-org/spark-platform:pull_request",
                ["repo:octo-org/spark-platform:environment:dev", "repo:octo-org/spark-platform:environment:prod"],
            ]) {
                assertCompliant(await check([github(pinned(sub))]));
                assertCompliant(await check([github(pinned(sub, "StringLike"))]));
            }
            // GitHub Enterprise Cloud issuers carry the enterprise's slug.
            const enterprise = `${GH}/octo-enterprise`;
            assertCompliant(
                await check([
                    github(
                        pinned("repo:octo-org/spark-platform:environment:prod", "StringEquals", enterprise),
                        `arn:aws:iam::${ACCOUNT}:oidc-provider/${enterprise}`,
                    ),
                ]),
            );
        });

        it("rejects GitHub subs whose wildcards admit any repository or ref", async () => {
            for (const sub of [
                "*",
                "repo:*",
                "repo:octo-org/*",
                "repo:octo-org/*:ref:refs/heads/main",
                "repo:octo-org/spark-platform:*",
                "repo:octo-org/spark-platform:ref:refs/heads/*",
                "repo:octo-org/spark-platform:environment:*",
            ]) {
                assertViolations(await check([github(pinned(sub, "StringLike"))]), [
                    `${ROLE} Statement[0].Condition: ${GH}:sub is ${JSON.stringify(sub)} — a wildcard admits any repository or ref that matches it; ${GH_FIX}`,
                ]);
            }
        });

        it("rejects GitHub subs that do not name a repository and a context, and a missing sub or aud", async () => {
            assertViolations(await check([github(pinned("repo:octo-org/spark-platform"))]), [
                `${ROLE} Statement[0].Condition: ${GH}:sub is "repo:octo-org/spark-platform", which is not GitHub's repo:<owner>/<repo>:<context> subject; ${GH_FIX}`,
            ]);
            assertViolations(await check([github(pinned("repo:octo-org/spark-platform:workflow:deploy"))]), [
                `${ROLE} Statement[0].Condition: ${GH}:sub is "repo:octo-org/spark-platform:workflow:deploy", whose context "workflow:deploy" is not ref:refs/heads/<branch>, ref:refs/tags/<tag>, environment:<name> or pull_request; ${GH_FIX}`,
            ]);
            // Judged by GitHub's rules, not the service-account rules.
            assertViolations(await check([github(pinned("system:serviceaccount:karpenter:karpenter"))]), [
                `${ROLE} Statement[0].Condition: ${GH}:sub is "system:serviceaccount:karpenter:karpenter", which is not GitHub's repo:<owner>/<repo>:<context> subject; ${GH_FIX}`,
            ]);
            assertViolations(await check([github({ StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" } })]), [
                `${ROLE} Statement[0].Condition: no ${GH}:sub condition — any workflow of any repository on GitHub can assume the role; ` +
                    `use StringEquals {"${GH}:sub": "repo:<owner>/<repo>:ref:refs/heads/<branch>"}`,
            ]);
            assertViolations(
                await check([
                    github({ StringEquals: { [`${GH}:sub`]: "repo:octo-org/spark-platform:environment:prod" } }),
                ]),
                [
                    `${ROLE} Statement[0].Condition: no ${GH}:aud condition — tokens minted for any audience are accepted; ` +
                        `use StringEquals {"${GH}:aud": "sts.amazonaws.com"}`,
                ],
            );
        });

        it("reports an OIDC issuer it has no rules for, never passes it", async () => {
            for (const issuer of [
                "accounts.google.com",
                "oidc.example.com/realms/ci",
                "cognito-identity.amazonaws.com",
            ]) {
                const provider = `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`;
                const statement = github(
                    pinned("repo:octo-org/spark-platform:environment:prod", "StringEquals", issuer),
                    provider,
                );
                assertViolations(await check([statement]), [
                    `${ROLE} Statement[0].Principal.Federated: trusts the OIDC issuer ${issuer}, which is neither an EKS ` +
                        "cluster's (oidc.eks.<region>.amazonaws.com/id/<id>) nor GitHub Actions' " +
                        "(token.actions.githubusercontent.com); the pack knows no rules for its tokens' claims, so it cannot " +
                        "show the trust is scoped — trust a known issuer, or review the role and list it in " +
                        "irsa-scoped-roles.exemptRoles",
                ]);
            }
        });
    });

    describe("roles named by namePrefix", () => {
        it("reports the EMR pattern of a role named by namePrefix as not evaluated (the pattern embeds the name)", async () => {
            const emr = `system:serviceaccount:spark:emr-containers-sa-*-*-${ACCOUNT}-${base36("spark-dev-karpenter")}`;
            const statement = irsaStatement({
                StringLike: { [SUB]: emr },
                StringEquals: { [AUD]: "sts.amazonaws.com" },
            });
            const outcome = await check([statement], { name: undefined, namePrefix: "spark-dev-" });
            assertUnknown(
                outcome,
                "IAM role 'karpenter-irsa' takes its name from namePrefix ('spark-dev-' and a suffix the provider picks when it creates the role)",
            );
            // With the name, the same trust is judged.
            assertCompliant(await check([statement]));
        });

        it("judges a namePrefix role whose trust does not need its name", async () => {
            assertCompliant(await check([irsaStatement()], { name: undefined, namePrefix: "spark-dev-" }));
        });
    });

    describe("not applicable", () => {
        it("skips roles trusted only by AWS services", async () => {
            const statement = {
                Effect: "Allow",
                Principal: { Service: ["eks.amazonaws.com", "ec2.amazonaws.com"] },
                Action: "sts:AssumeRole",
            };
            assertNotApplicable(
                await check([statement]),
                "The trust policy trusts no OIDC provider or web identity (AWS services/accounts only)",
            );
        });

        it("skips a service role even with a wildcard sts action", async () => {
            assertNotApplicable(
                await check({ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: "sts:*" }),
            );
        });

        it("skips SAML federation", async () => {
            const statement = {
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/corp` },
                Action: "sts:AssumeRoleWithSAML",
            };
            assertNotApplicable(await check([statement]));
        });

        it("skips other resource types", async () => {
            const outcome = await runResourcePolicy(irsaScopedRoles, { type: "aws:iam/policy:Policy", props: {} });
            assertNotApplicable(
                outcome,
                "Policy only applies to IAM roles (aws:iam/role:Role, aws-native:iam:Role, aws:cloudformation/stack:Stack, " +
                    "aws:cloudformation/stackSet:StackSet, aws-native:cloudformation:Stack, aws-native:cloudformation:StackSet)",
            );
        });

        it("skips roles listed in exemptRoles", async () => {
            const outcome = await check(
                [{ ...irsaStatement(), Principal: "*" }],
                {},
                { exemptRoles: ["spark-dev-karpenter"] },
            );
            assertNotApplicable(outcome, "'spark-dev-karpenter' is listed in irsa-scoped-roles.exemptRoles");
        });
    });

    describe("violations (one mutation each)", () => {
        const expectOne = async (statements: unknown, message: string, props?: Record<string, unknown>) =>
            assertViolations(await check(statements, props), [message]);

        it("rejects a wildcard namespace in sub", async () => {
            await expectOne(
                [
                    irsaStatement({
                        StringLike: { [SUB]: "system:serviceaccount:*:karpenter", [AUD]: "sts.amazonaws.com" },
                    }),
                ],
                `${ROLE} Statement[0].Condition: ${SUB} is "system:serviceaccount:*:karpenter" — wildcards are not allowed outside the EMR on EKS pattern; ${PIN}`,
            );
        });

        it("rejects a sub list where one value is a wildcard", async () => {
            const sub = ["system:serviceaccount:spark:driver", "system:serviceaccount:spark:*"];
            await expectOne(
                [irsaStatement({ StringLike: { [SUB]: sub }, StringEquals: { [AUD]: "sts.amazonaws.com" } })],
                `${ROLE} Statement[0].Condition: ${SUB} is "system:serviceaccount:spark:*" — wildcards are not allowed outside the EMR on EKS pattern; ${PIN}`,
            );
        });

        it("rejects a missing sub condition", async () => {
            await expectOne(
                [irsaStatement({ StringEquals: { [AUD]: "sts.amazonaws.com" } })],
                `${ROLE} Statement[0].Condition: no ${SUB} condition — any service account (any token from the issuer) can assume the role; ${FIX_SUB}`,
            );
        });

        it("rejects a missing aud condition", async () => {
            await expectOne(
                [irsaStatement({ StringEquals: { [SUB]: "system:serviceaccount:karpenter:karpenter" } })],
                `${ROLE} Statement[0].Condition: no ${AUD} condition — tokens minted for any audience are accepted; use StringEquals {"${AUD}": "sts.amazonaws.com"}`,
            );
        });

        it("rejects an audience other than sts.amazonaws.com", async () => {
            await expectOne(
                [
                    irsaStatement({
                        StringEquals: {
                            [SUB]: "system:serviceaccount:karpenter:karpenter",
                            [AUD]: ["sts.amazonaws.com", "other"],
                        },
                    }),
                ],
                `${ROLE} Statement[0].Condition: ${AUD} is "other" — the audience must be exactly "sts.amazonaws.com"`,
            );
        });

        for (const [operator, why] of [
            ["StringNotEquals", "StringNotEquals is negated and allows every other value"],
            ["StringEqualsIfExists", "StringEqualsIfExists passes when the key is absent"],
            [
                "ForAnyValue:StringEquals",
                "the set operator in ForAnyValue:StringEquals is meant for multivalued keys and passes vacuously",
            ],
            [
                "ForAllValues:StringLike",
                "the set operator in ForAllValues:StringLike is meant for multivalued keys and passes vacuously",
            ],
        ] as const) {
            it(`does not count ${operator} as pinning sub`, async () => {
                await expectOne(
                    [
                        irsaStatement({
                            [operator]: { [SUB]: "system:serviceaccount:karpenter:karpenter" },
                            StringEquals: { [AUD]: "sts.amazonaws.com" },
                        }),
                    ],
                    `${ROLE} Statement[0].Condition.${operator}: ${SUB} — ${why}, so it does not pin the sub claim; ${FIX_SUB}`,
                );
            });
        }

        it("does not count a Null condition as pinning sub", async () => {
            await expectOne(
                [irsaStatement({ Null: { [SUB]: "false" }, StringEquals: { [AUD]: "sts.amazonaws.com" } })],
                `${ROLE} Statement[0].Condition.Null: ${SUB} — Null only tests whether the key is present, so it does not pin the sub claim; ${FIX_SUB}`,
            );
        });

        it("rejects condition keys of another issuer than the principal", async () => {
            const condition = {
                StringEquals: {
                    [`${OTHER_ISSUER}:sub`]: "system:serviceaccount:karpenter:karpenter",
                    [AUD]: "sts.amazonaws.com",
                },
            };
            await expectOne(
                [irsaStatement(condition)],
                `${ROLE} Statement[0].Condition: ${OTHER_ISSUER}:sub belongs to another issuer than the principal's (${ISSUER}); ` +
                    `condition keys must use the same issuer as Principal.Federated — ${FIX_SUB}`,
            );
        });

        it("requires every issuer of a Federated list to be pinned", async () => {
            const statement = {
                ...irsaStatement(),
                Principal: { Federated: [PROVIDER, `arn:aws:iam::${ACCOUNT}:oidc-provider/${OTHER_ISSUER}`] },
            };
            const outcome = await check([statement]);
            assertViolations(outcome, [
                `${ROLE} Statement[0].Condition: ${SUB} belongs to another issuer than the principal's (${OTHER_ISSUER}); condition keys must ` +
                    `use the same issuer as Principal.Federated — use StringEquals {"${OTHER_ISSUER}:sub": "system:serviceaccount:<namespace>:<service-account>"}`,
                `${ROLE} Statement[0].Condition: ${AUD} belongs to another issuer than the principal's (${OTHER_ISSUER}); condition keys must ` +
                    `use the same issuer as Principal.Federated — use StringEquals {"${OTHER_ISSUER}:aud": "sts.amazonaws.com"}`,
            ]);
        });

        it("rejects a wildcard principal", async () => {
            await expectOne(
                [{ ...irsaStatement(), Principal: "*" }],
                `${ROLE} Statement[0].Principal: "*" trusts every principal; name the cluster's OIDC provider ARN as Principal.Federated`,
            );
        });

        it("rejects a wildcard inside a Principal list", async () => {
            await expectOne(
                [{ ...irsaStatement(), Principal: ["*"] }],
                `${ROLE} Statement[0].Principal: ["*"] trusts every principal; name the cluster's OIDC provider ARN as Principal.Federated`,
            );
        });

        it('rejects {AWS: "*"} with the web-identity action', async () => {
            await expectOne(
                [{ ...irsaStatement(), Principal: { AWS: "*" } }],
                `${ROLE} Statement[0].Principal: AWS "*" trusts every principal; name the cluster's OIDC provider ARN as Principal.Federated`,
            );
        });

        it("rejects NotPrincipal in an Allow statement", async () => {
            const { Principal: _p, ...rest } = irsaStatement();
            await expectOne(
                [{ ...rest, NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }],
                `${ROLE} Statement[0].NotPrincipal in an Allow statement trusts every principal not listed; name the cluster's OIDC provider ARN as Principal.Federated`,
            );
        });

        it("rejects a wildcard action", async () => {
            await expectOne(
                [{ ...irsaStatement(), Action: "sts:*" }],
                `${ROLE} Statement[0].Action: "sts:*" is a wildcard; list sts:AssumeRoleWithWebIdentity explicitly`,
            );
        });

        it("rejects NotAction", async () => {
            const { Action: _a, ...rest } = irsaStatement();
            await expectOne(
                [{ ...rest, NotAction: "iam:*" }],
                `${ROLE} Statement[0].NotAction: "iam:*" allows every action not listed; list sts:AssumeRoleWithWebIdentity explicitly`,
            );
        });

        it("rejects web identity without a Federated OIDC principal", async () => {
            await expectOne(
                [{ ...irsaStatement(), Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }],
                `${ROLE} Statement[0]: allows sts:AssumeRoleWithWebIdentity without a Federated OIDC provider principal, so no issuer's sub ` +
                    "and aud can be pinned; name the cluster's OIDC provider ARN as Principal.Federated",
            );
        });

        it("rejects an unrestricted OIDC statement after a benign service statement", async () => {
            const service = { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" };
            const outcome = await check([service, irsaStatement({})]);
            assert.equal(outcome.kind, "evaluated");
            assert.deepEqual(outcome.kind === "evaluated" && outcome.violations.map((v) => v.message.split(" — ")[0]), [
                `${ROLE} Statement[1].Condition: no ${SUB} condition`,
                `${ROLE} Statement[1].Condition: no ${AUD} condition`,
            ]);
        });

        it("rejects the EMR pattern with the wrong account", async () => {
            const sub = `system:serviceaccount:spark:emr-containers-sa-*-*-999999999999-${base36("spark-dev-karpenter")}`;
            await expectOne(
                [irsaStatement({ StringLike: { [SUB]: sub }, StringEquals: { [AUD]: "sts.amazonaws.com" } })],
                `${ROLE} Statement[0].Condition: ${SUB} is "${sub}" — the EMR on EKS pattern names account 999999999999, but the OIDC ` +
                    `provider is in account ${ACCOUNT}; use emr-containers-sa-*-*-${ACCOUNT}-<base36(role name)>`,
            );
        });

        it("rejects the EMR pattern with the base36 of another role", async () => {
            const sub = `system:serviceaccount:spark:emr-containers-sa-*-*-${ACCOUNT}-${base36("another-role")}`;
            await expectOne(
                [irsaStatement({ StringLike: { [SUB]: sub }, StringEquals: { [AUD]: "sts.amazonaws.com" } })],
                `${ROLE} Statement[0].Condition: ${SUB} is "${sub}" — the EMR on EKS pattern must end in base36 of this role's name ` +
                    `(base36("spark-dev-karpenter") = "${base36("spark-dev-karpenter")}"), not "${base36("another-role")}"`,
            );
        });

        it("rejects the EMR pattern under StringEquals, where * is literal", async () => {
            const sub = `system:serviceaccount:spark:emr-containers-sa-*-*-${ACCOUNT}-${base36("spark-dev-karpenter")}`;
            await expectOne(
                [irsaStatement({ StringEquals: { [SUB]: sub, [AUD]: "sts.amazonaws.com" } })],
                `${ROLE} Statement[0].Condition: ${SUB} is "${sub}" under StringEquals, where * and ? are literal characters that match ` +
                    `no service account; ${PIN}`,
            );
        });

        it("rejects a subject that is not a service account", async () => {
            await expectOne(
                [
                    irsaStatement({
                        StringEquals: { [SUB]: "system:serviceaccount:karpenter", [AUD]: "sts.amazonaws.com" },
                    }),
                ],
                `${ROLE} Statement[0].Condition: ${SUB} is "system:serviceaccount:karpenter", which is not a system:serviceaccount:<namespace>:<service-account> subject; ${PIN}`,
            );
        });

        it("rejects an empty value list", async () => {
            await expectOne(
                [irsaStatement({ StringEquals: { [SUB]: [], [AUD]: "sts.amazonaws.com" } })],
                `${ROLE} Statement[0].Condition: ${SUB} has no values under StringEquals`,
            );
        });

        it("rejects a wildcard audience", async () => {
            await expectOne(
                [
                    irsaStatement({
                        StringEquals: { [SUB]: "system:serviceaccount:karpenter:karpenter" },
                        StringLike: { [AUD]: "sts.*" },
                    }),
                ],
                `${ROLE} Statement[0].Condition: ${AUD} is "sts.*" — the audience must be exactly "sts.amazonaws.com"`,
            );
        });

        it("holds a bare EKS issuer principal (not an ARN) to the same rules", async () => {
            const outcome = await check([{ ...irsaStatement({}), Principal: { Federated: ISSUER } }]);
            assert.deepEqual(outcome.kind === "evaluated" && outcome.violations.map((v) => v.message.split(" — ")[0]), [
                `${ROLE} Statement[0].Condition: no ${SUB} condition`,
                `${ROLE} Statement[0].Condition: no ${AUD} condition`,
            ]);
        });

        it("rejects a trust document that is not JSON", async () => {
            const outcome = await check([], { assumeRolePolicy: "not json" });
            assert.equal(outcome.kind, "evaluated");
            const messages = outcome.kind === "evaluated" ? outcome.violations.map((v) => v.message) : [];
            assert.equal(messages.length, 1);
            assert.match(
                messages[0],
                /^IAM role 'spark-dev-karpenter' assumeRolePolicy is not valid JSON \(.+\); write a JSON policy document whose statements pin the service account$/,
            );
        });

        it("finds lower-cased element names", async () => {
            const statement = {
                effect: "Allow",
                principal: { federated: PROVIDER },
                action: "sts:AssumeRoleWithWebIdentity",
                condition: {},
            };
            const outcome = await check([], { assumeRolePolicy: JSON.stringify({ statement: [statement] }) });
            assert.equal(outcome.kind === "evaluated" && outcome.violations.length, 2);
        });
    });

    describe("unknown values", () => {
        it("never passes an unknown trust policy", async () => {
            assertUnknown(
                await check([], { assumeRolePolicy: unknownStringValue }),
                "string value at .assumeRolePolicy can't be known during preview",
            );
        });

        it("never passes an unknown sub value in a document object", async () => {
            const statement = irsaStatement({
                StringEquals: { [SUB]: unknownStringValue, [AUD]: "sts.amazonaws.com" },
            });
            assertUnknown(await check([], { assumeRolePolicy: { Statement: [statement] } }));
        });

        it("never passes a JSON string carrying an unknown value", async () => {
            const statement = irsaStatement({
                StringEquals: { [SUB]: unknownStringValue, [AUD]: "sts.amazonaws.com" },
            });
            assertUnknown(
                await check([statement]),
                "string value at .assumeRolePolicy.Statement.0.Condition.StringEquals",
            );
        });

        it("needs the role name to judge the EMR pattern", async () => {
            const sub = `system:serviceaccount:spark:emr-containers-sa-*-*-${ACCOUNT}-abc`;
            assertUnknown(
                await check(
                    [irsaStatement({ StringLike: { [SUB]: sub }, StringEquals: { [AUD]: "sts.amazonaws.com" } })],
                    { name: unknownStringValue },
                ),
            );
        });

        it("still judges a trust whose role name is unknown when the name is not needed", async () => {
            const outcome = await check([{ ...irsaStatement(), Principal: "*" }], { name: unknownStringValue });
            assertViolations(outcome, [
                "IAM role '(unknown until apply)' trust policy Statement[0].Principal: \"*\" trusts every principal; name the cluster's OIDC provider ARN as Principal.Federated",
            ]);
        });
    });
});

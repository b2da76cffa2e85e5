/** `teams[].submitters` and `teams[].requireJobTemplate`: who may assume a team's submitter role, and how. */
import * as assert from "node:assert/strict";
import { parseSettings } from "../../stack-config";
import { fixtureStackConfig } from "../support/fixture-stacks";
import { configProblems } from "../support/config-problems";

const ACCOUNT = "111111111111";
const team = (fields: Record<string, unknown>) => ({
    name: "a",
    namespace: "ns-a",
    quota: { cpu: "8", memory: "32Gi" },
    ...fields,
});

/** The dev fixture with `teams` replaced; `region` moves it to another partition's region. */
function configWith(teams: unknown[], region?: string): Map<string, string> {
    const raw = fixtureStackConfig("dev");
    raw.set("spark-platform:teams", JSON.stringify(teams));
    if (region !== undefined) {
        raw.set("aws:region", region);
        raw.set("spark-platform:availabilityZones", JSON.stringify([`${region}a`, `${region}b`]));
        raw.set("spark-platform:sparkZones", JSON.stringify([`${region}a`]));
        raw.set("spark-platform:adminPrincipals", JSON.stringify([`arn:aws-cn:iam::${ACCOUNT}:role/admin`]));
    }
    return raw;
}

describe("team submitters settings", () => {
    it("reads the submitters and requireJobTemplate, and defaults to none and false", () => {
        const submitters = [`arn:aws:iam::${ACCOUNT}:role/ci`, `arn:aws:iam::${ACCOUNT}:user/path/oncall`];
        const teams = parseSettings(
            configWith([team({ submitters, requireJobTemplate: true }), team({ name: "b", namespace: "ns-b" })]),
            "spark-platform",
            "dev",
        ).teams;
        assert.deepEqual(teams[0].submitters, submitters);
        assert.equal(teams[0].requireJobTemplate, true);
        assert.deepEqual(teams[1].submitters, []);
        assert.equal(teams[1].requireJobTemplate, false);
    });

    it("reports every bad submitter on a line of its own, naming the key, the value and what is allowed", () => {
        const problems = configProblems(
            configWith([
                team({
                    submitters: [
                        `arn:aws:iam::${ACCOUNT}:role/*`,
                        `arn:aws:iam::${ACCOUNT}:root`,
                        `arn:aws:sts::${ACCOUNT}:assumed-role/ci/session`,
                        `arn:aws-cn:iam::${ACCOUNT}:role/ci`,
                        `arn:aws:iam::${ACCOUNT}:role/ok`,
                    ],
                }),
            ]),
        );
        assert.deepEqual(problems, [
            `spark-platform:teams[0].submitters: "arn:aws:iam::${ACCOUNT}:role/*" is not an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admin (no wildcards)`,
            `spark-platform:teams[0].submitters: "arn:aws:iam::${ACCOUNT}:root" is not an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admin (no wildcards)`,
            `spark-platform:teams[0].submitters: "arn:aws:sts::${ACCOUNT}:assumed-role/ci/session" is not an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admin (no wildcards)`,
            `spark-platform:teams[0].submitters: "arn:aws-cn:iam::${ACCOUNT}:role/ci" is in partition aws-cn, but aws:region is in aws`,
        ]);
    });

    it("refuses a principal of the commercial partition in a China stack", () => {
        const problems = configProblems(
            configWith([team({ submitters: [`arn:aws:iam::${ACCOUNT}:role/ci`] })], "cn-north-1"),
        );
        assert.deepEqual(problems, [
            `spark-platform:teams[0].submitters: "arn:aws:iam::${ACCOUNT}:role/ci" is in partition aws, but aws:region is in aws-cn`,
        ]);
    });

    for (const [what, fields, expected] of [
        [
            "submitters that are not a list",
            { submitters: `arn:aws:iam::${ACCOUNT}:role/ci` },
            /^spark-platform:teams\[0\]\.submitters: "arn:aws:iam::111111111111:role\/ci" is not a list of IAM role or user ARNs; use \[arn:aws:iam::123456789012:role\/data-eng-ci\]$/,
        ],
        [
            "a submitter listed twice",
            { submitters: [`arn:aws:iam::${ACCOUNT}:role/ci`, `arn:aws:iam::${ACCOUNT}:role/ci`] },
            /^spark-platform:teams\[0\]\.submitters: .* lists "arn:aws:iam::111111111111:role\/ci" twice; list each once$/,
        ],
        [
            "a requireJobTemplate that is not a boolean",
            { submitters: [`arn:aws:iam::${ACCOUNT}:role/ci`], requireJobTemplate: "yes" },
            /^spark-platform:teams\[0\]\.requireJobTemplate: "yes" is not allowed; use true or false$/,
        ],
        [
            "requireJobTemplate without submitters",
            { requireJobTemplate: true },
            /^spark-platform:teams\[0\]\.requireJobTemplate: true restricts the team's submitter role, which only submitters create; list its submitters or remove it$/,
        ],
        [
            "a misspelt field",
            { submiters: [`arn:aws:iam::${ACCOUNT}:role/ci`] },
            /^spark-platform:teams\[0\]\.submiters: .* is not a team setting; did you mean submitters\?/,
        ],
    ] as const) {
        it(`rejects ${what} in one line`, () => {
            const problems = configProblems(configWith([team(fields)]));
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], expected);
        });
    }
});

/**
 * `teams[].submitters`, `teams[].requireJobTemplate` and `teams[].jobTemplates`: who may assume a team's submitter
 * role, how, and which jobs the team stores as templates.
 */
import * as assert from "node:assert/strict";
import { JOB_TEMPLATE_NAME_MAX, jobTemplateName, platformBucketName } from "../../components/vocabulary";
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

describe("team job templates settings", () => {
    const raw = fixtureStackConfig("dev");
    const account = (JSON.parse(raw.get("aws:allowedAccountIds")!) as string[])[0];
    const bucket = platformBucketName("spark-dev", account, raw.get("aws:region")!);
    const code = `s3://${bucket}/code/a/`;
    const job = (fields: Record<string, unknown> = {}) => ({ name: "daily", entryPoint: `${code}etl.py`, ...fields });

    it("reads each declared job, defaulting to no argument and no settings, and a team to none", () => {
        const teams = parseSettings(
            configWith([
                team({
                    jobTemplates: [
                        job(),
                        job({ name: "hourly", entryPointArguments: ["x"], sparkConf: { "spark.a": 1 } }),
                    ],
                }),
                team({ name: "b", namespace: "ns-b" }),
            ]),
            "spark-platform",
            "dev",
        ).teams;
        assert.deepEqual(teams[0].jobTemplates, [
            { name: "daily", entryPoint: `${code}etl.py`, entryPointArguments: [], sparkConf: {} },
            { name: "hourly", entryPoint: `${code}etl.py`, entryPointArguments: ["x"], sparkConf: { "spark.a": 1 } },
        ]);
        assert.deepEqual(teams[1].jobTemplates, []);
    });

    it("reports every problem of every template on a line of its own, naming the key, the value and what is allowed", () => {
        const problems = configProblems(
            configWith([
                team({
                    jobTemplates: [
                        job({ name: "Daily_ETL" }),
                        job({ name: "a-much-too-long" }),
                        job({ name: "spark-pi" }),
                        job({ name: "other-team", entryPoint: "s3://bucket/code/b/etl.py" }),
                        job({ name: "local", entryPoint: "local:///usr/lib/spark/examples/pi.py" }),
                        job({ name: "prefix-only", entryPoint: code }),
                        job({ name: "elsewhere", entryPoint: "s3://elsewhere/code/a/etl.py" }),
                        job({ name: "two-args", entryPointArguments: ["in", "out"] }),
                        job({ name: "owned", sparkConf: { "spark.kubernetes.namespace": "x" } }),
                        job({ name: "blanks", sparkConf: { "spark.driver.extraJavaOptions": "-Da=1 -Db=2" } }),
                        job({ name: "daily", enrtyPoint: "x" }),
                        job(),
                    ],
                }),
            ]),
        );
        const key = "spark-platform:teams[0].jobTemplates";
        const name =
            "is not allowed; use at most 13 lowercase letters, digits and '-', starting and ending alphanumeric (it names the EMR template, which EMR caps at 64 characters)";
        const entry =
            "is not allowed; use an s3:// URI of a file under the platform bucket's code/a/ prefix, the only code the team's job role can read";
        assert.deepEqual(problems, [
            `${key}[0].name: "Daily_ETL" ${name}`,
            `${key}[1].name: "a-much-too-long" ${name}`,
            `${key}[2].name: "spark-pi" is the platform's sample job's template; pick another name`,
            `${key}[3].entryPoint: "s3://bucket/code/b/etl.py" ${entry}`,
            `${key}[4].entryPoint: "local:///usr/lib/spark/examples/pi.py" ${entry}`,
            `${key}[5].entryPoint: "${code}" ${entry}`,
            `${key}[6].entryPoint: "s3://elsewhere/code/a/etl.py" is not in the platform bucket; use s3://${bucket}/code/a/etl.py, the only bucket the team's job role can read code from`,
            `${key}[7].entryPointArguments: ["in","out"] lists more than one argument, whose order the provider would lose (it keeps them as a set); pass one, or pass the rest as Spark settings in sparkConf`,
            `${key}[8].sparkConf["spark.kubernetes.namespace"]: "x" is not allowed: the platform owns spark.kubernetes.namespace (the team's namespace); set any other spark.* key`,
            `${key}[9].sparkConf["spark.driver.extraJavaOptions"]: "-Da=1 -Db=2" contains blanks, which spark-submit's command line would split; set it in the team's sparkConf`,
            `${key}[10].enrtyPoint: "x" is not a job template setting; did you mean entryPoint? (use name, entryPoint, entryPointArguments, sparkConf)`,
            `${key}[11].name: "daily" is used by another template of the team; give each its own name`,
        ]);
    });

    it("refuses a list that is not one, and more templates than the submitter policy can name", () => {
        assert.match(
            configProblems(configWith([team({ jobTemplates: job() })])).join("\n"),
            /^spark-platform:teams\[0\]\.jobTemplates: .* is not a list; list jobs as \[\{name, entryPoint: s3:\/\/<platform bucket>\/code\/a\/<file>/,
        );
        const many = Array.from({ length: 21 }, (_, i) => job({ name: `job-${i}` }));
        assert.deepEqual(configProblems(configWith([team({ jobTemplates: many })])), [
            "spark-platform:teams[0].jobTemplates: 21 templates are too many; declare at most 20",
        ]);
    });

    it(`keeps the derived template name whole within EMR's 64 characters for any stack and team`, () => {
        const longest = "j".repeat(JOB_TEMPLATE_NAME_MAX);
        const name = jobTemplateName(`spark-${"s".repeat(94)}`, "t".repeat(30), longest, "0123456789");
        assert.ok(name.length <= 64, name);
        assert.ok(name.endsWith(`-${"t".repeat(30)}-${longest}-0123456789`), name);
        const over = jobTemplateName(`spark-${"s".repeat(94)}`, "t".repeat(30), `${longest}j`, "0123456789");
        assert.ok(!over.endsWith(`-${"t".repeat(30)}-${longest}j-0123456789`), "one more character would be cut");
    });
});

import * as assert from "node:assert/strict";
import { EMR_ON_EKS_ECR_ACCOUNTS } from "../../../components/settings";
import { parseEmrReleaseLabel } from "../../../components/settings/validators";
import {
    PUBLIC_GALLERY_CHART,
    emrRegistryOf,
    emrSparkImage,
    sparkOperatorChart,
    sparkPlatformConfigProblems,
} from "../../../components/spark";
import { KNOWN_EMR_BUILDS } from "../../../components/spark/emr-image-builds";

/**
 * The EMR on EKS registry accounts as the EMR on EKS guide lists them ("Details for selecting a base image URI"),
 * typed out again here so a typo in components/settings/regions.ts cannot pass unnoticed.
 */
const GUIDE_TABLE: Record<string, string> = {
    "af-south-1": "358491847878",
    "ap-east-1": "736135916053",
    "ap-northeast-1": "059004520145",
    "ap-northeast-2": "996579266876",
    "ap-northeast-3": "705689932349",
    "ap-south-1": "235914868574",
    "ap-south-2": "691480105545",
    "ap-southeast-1": "671219180197",
    "ap-southeast-2": "038297999601",
    "ap-southeast-3": "946962994502",
    "ca-central-1": "351826393999",
    "eu-central-1": "107292555468",
    "eu-central-2": "314408114945",
    "eu-north-1": "830386416364",
    "eu-south-1": "238014973495",
    "eu-south-2": "350796622945",
    "eu-west-1": "483788554619",
    "eu-west-2": "118780647275",
    "eu-west-3": "307523725174",
    "il-central-1": "395734710648",
    "me-central-1": "818935616732",
    "me-south-1": "008085056818",
    "sa-east-1": "052806832358",
    "us-east-1": "755674844232",
    "us-east-2": "711395599931",
    "us-west-1": "608033475327",
    "us-west-2": "895885662937",
    "us-gov-east-1": "299393998622",
    "us-gov-west-1": "299385240661",
    "cn-north-1": "068337069695",
    "cn-northwest-1": "068420816659",
};

const chartOf = (
    region: string,
    label = "emr-7.12.0-latest",
    source: "regional-ecr" | "public-gallery" = "regional-ecr",
) => {
    const chart = sparkOperatorChart(region, label, source);
    if (Array.isArray(chart)) throw new Error(chart.join("; "));
    return chart;
};

describe("EMR Spark Operator chart location", () => {
    it("covers exactly the 31 regions of the EMR on EKS guide, with their accounts as strings", () => {
        assert.equal(Object.keys(GUIDE_TABLE).length, 31);
        assert.deepEqual({ ...EMR_ON_EKS_ECR_ACCOUNTS }, GUIDE_TABLE);
    });

    it("pulls from every region's own registry, with the partition's DNS suffix", () => {
        for (const [region, account] of Object.entries(GUIDE_TABLE)) {
            const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
            const chart = chartOf(region);
            assert.equal(chart.chart, `oci://${account}.dkr.ecr.${region}.${suffix}/spark-operator`, region);
            assert.deepEqual(
                chart.registry,
                { accountId: account, host: `${account}.dkr.ecr.${region}.${suffix}` },
                region,
            );
        }
    });

    it("keeps leading zeros and uses amazonaws.com.cn in China and the GovCloud accounts in GovCloud", () => {
        assert.equal(
            chartOf("ap-southeast-2").chart,
            "oci://038297999601.dkr.ecr.ap-southeast-2.amazonaws.com/spark-operator",
        );
        assert.equal(chartOf("me-south-1").chart, "oci://008085056818.dkr.ecr.me-south-1.amazonaws.com/spark-operator");
        assert.equal(
            chartOf("cn-north-1").chart,
            "oci://068337069695.dkr.ecr.cn-north-1.amazonaws.com.cn/spark-operator",
        );
        assert.equal(
            chartOf("cn-northwest-1").chart,
            "oci://068420816659.dkr.ecr.cn-northwest-1.amazonaws.com.cn/spark-operator",
        );
        assert.equal(
            chartOf("us-gov-west-1").chart,
            "oci://299385240661.dkr.ecr.us-gov-west-1.amazonaws.com/spark-operator",
        );
        assert.equal(
            chartOf("us-gov-east-1").chart,
            "oci://299393998622.dkr.ecr.us-gov-east-1.amazonaws.com/spark-operator",
        );
    });

    it("uses the public gallery without registry credentials when configured so", () => {
        const chart = chartOf("eu-west-1", "emr-7.9.0-latest", "public-gallery");
        assert.deepEqual(chart, { chart: PUBLIC_GALLERY_CHART, version: "7.9.0" });
        assert.equal(PUBLIC_GALLERY_CHART, "oci://public.ecr.aws/emr-on-eks/spark-operator");
    });

    it("rejects a region without an EMR on EKS registry, naming the region and the choices", () => {
        assert.deepEqual(sparkOperatorChart("eu-west-9", "emr-7.12.0-latest", "regional-ecr"), [
            'aws:region: region "eu-west-9" has no EMR on EKS registry; ' +
                `use one of: ${Object.keys(EMR_ON_EKS_ECR_ACCOUNTS).join(", ")}`,
        ]);
        assert.equal(typeof emrRegistryOf("mx-central-1"), "string");
    });
});

describe("chart version from the EMR release label", () => {
    const cases: [string, string][] = [
        ["emr-7.9.0-latest", "7.9.0"],
        ["emr-6.12.0-java17-latest", "6.12.0-java17"],
        ["emr-7.12.0-20260410", "7.12.0"],
        ["emr-6.10.0-latest", "6.10.0"],
        ["emr-6.14.0-java17-al2023-20231005", "6.14.0-java17-al2023"],
        ["emr-7.13.0-latest", "7.13.0"],
    ];
    for (const [label, version] of cases) {
        it(`${label} → ${version}`, () => assert.equal(chartOf("us-west-2", label).version, version));
    }

    it("refuses releases before 6.10.0, which ship no Spark Operator", () => {
        for (const label of ["emr-6.9.0-latest", "emr-5.36.0-latest", "emr-6.9.0-20230624"]) {
            const problems = sparkOperatorChart("us-west-2", label, "regional-ecr");
            assert.deepEqual(problems, [
                `emrReleaseLabel: "${label}" is older than emr-6.10.0, the first release with the EMR Spark Operator`,
            ]);
        }
    });

    it("refuses malformed labels with one line naming the value", () => {
        for (const label of [
            "7.9.0",
            "emr-7.9-latest",
            "emr-7.9.0",
            "EMR-7.9.0-latest",
            "emr-7.9.0-latest ",
            "emr-7.9.0-2026041",
        ]) {
            const problems = sparkOperatorChart("us-west-2", label, "regional-ecr");
            assert.ok(Array.isArray(problems) && problems.length === 1, label);
            assert.match(problems[0], /^emrReleaseLabel: ".*" is not an EMR release label such as emr-7\.12\.0-latest/);
        }
    });

    it("reports every problem at once", () => {
        const problems = sparkOperatorChart("xx-east-1", "emr-6.0.0-latest", "regional-ecr");
        assert.ok(Array.isArray(problems));
        assert.equal(problems.length, 2);
    });
});

describe("EMR Spark image", () => {
    const release = (label: string) => {
        const r = parseEmrReleaseLabel(label);
        if (typeof r === "string") throw new Error(r);
        return r;
    };

    it("pins a dated release to its own date", () => {
        assert.equal(
            emrSparkImage("us-west-2", release("emr-7.12.0-20251111")),
            "895885662937.dkr.ecr.us-west-2.amazonaws.com/spark/emr-7.12.0:20251111",
        );
    });

    it("pins a -latest release to the configured date, never to latest", () => {
        assert.equal(
            emrSparkImage("cn-north-1", release("emr-7.12.0-latest"), "20251111"),
            "068337069695.dkr.ecr.cn-north-1.amazonaws.com.cn/spark/emr-7.12.0:20251111",
        );
        assert.equal(
            emrSparkImage("us-east-1", release("emr-6.12.0-java17-latest"), "20230701"),
            "755674844232.dkr.ecr.us-east-1.amazonaws.com/spark/emr-6.12.0-java17:20230701",
        );
        const floating = emrSparkImage("us-west-2", release("emr-7.12.0-latest"));
        assert.deepEqual(floating, {
            problem:
                "emrReleaseLabel emr-7.12.0-latest names the moving tag latest; " +
                "set emrImageTag to the release date to run " +
                "(e.g. 20251111), or use a dated label such as emr-7.12.0-20251111",
        });
    });

    it("refuses a tag that is not a release date, or one that contradicts a dated label", () => {
        assert.deepEqual(emrSparkImage("us-west-2", release("emr-7.12.0-latest"), "latest"), {
            problem: 'emrImageTag "latest" is not a release date; use one such as 20251111 (never latest)',
        });
        assert.deepEqual(emrSparkImage("us-west-2", release("emr-7.12.0-20251111"), "20250101"), {
            problem:
                "emrImageTag 20250101 contradicts emrReleaseLabel emr-7.12.0-20251111; " +
                "remove emrImageTag or make them agree",
        });
    });

    it("refuses a date known to be another release's build, naming the release's own", () => {
        assert.deepEqual(emrSparkImage("us-west-2", release("emr-7.12.0-latest"), "20260410"), {
            problem:
                "emrImageTag 20260410 is a build of emr-7.13.0, not of emr-7.12.0; " +
                "use 20251111 (emr-7.12.0's known builds: 20251111)",
        });
        assert.deepEqual(emrSparkImage("us-west-2", release("emr-7.12.0-20260410")), {
            problem:
                "emrReleaseLabel emr-7.12.0-20260410 names a date that is a build of emr-7.13.0, not of emr-7.12.0; " +
                "use 20251111 (emr-7.12.0's known builds: 20251111)",
        });
    });

    it("refuses a date older than the release's first build", () => {
        const image = emrSparkImage("us-west-2", release("emr-7.12.0-latest"), "20250101");
        assert.match(
            typeof image === "string" ? image : image.problem,
            /^emrImageTag 20250101 predates emr-7\.12\.0's first build, so no such image exists; use 20251111/,
        );
    });

    it("leaves what the table cannot know to preflight: later refreshes and releases it does not list", () => {
        // A refresh published after the table was written, and a release newer than the table.
        assert.equal(
            emrSparkImage("us-west-2", release("emr-7.12.0-latest"), "20260901"),
            "895885662937.dkr.ecr.us-west-2.amazonaws.com/spark/emr-7.12.0:20260901",
        );
        assert.equal(
            emrSparkImage("us-west-2", release("emr-7.14.0-latest"), "20260410"),
            "895885662937.dkr.ecr.us-west-2.amazonaws.com/spark/emr-7.14.0:20260410",
        );
    });

    it("lists each release's builds oldest first, as dates", () => {
        for (const [version, builds] of Object.entries(KNOWN_EMR_BUILDS)) {
            assert.match(version, /^\d+\.\d+\.\d+$/);
            assert.ok(builds.length > 0, version);
            for (const date of builds) assert.match(date, /^20\d{6}$/, version);
            assert.deepEqual([...builds].sort(), builds, version);
        }
    });
});

describe("Spark settings check (for the settings parser)", () => {
    it("accepts a supported region, release and source", () => {
        assert.deepEqual(
            sparkPlatformConfigProblems({ region: "eu-west-1", emrReleaseLabel: "emr-7.12.0-20251111" }),
            [],
        );
        assert.deepEqual(
            sparkPlatformConfigProblems({
                region: "us-gov-west-1",
                emrReleaseLabel: "emr-7.12.0-latest",
                emrImageTag: "20251111",
                sparkOperatorSource: "public-gallery",
            }),
            [],
        );
    });

    it("returns one line per problem, naming the key, the value and the fix", () => {
        assert.deepEqual(
            sparkPlatformConfigProblems({
                region: "us-west-2",
                emrReleaseLabel: "emr-7.12.0-latest",
                sparkOperatorSource: "dockerhub",
            }),
            ['sparkOperatorSource: "dockerhub" is not allowed; use one of: regional-ecr, public-gallery'],
        );
        assert.deepEqual(sparkPlatformConfigProblems({ region: "us-west-2", emrReleaseLabel: "emr-6.9.0-latest" }), [
            'emrReleaseLabel: "emr-6.9.0-latest" is older than emr-6.10.0, ' +
                "the first release with the EMR Spark Operator",
        ]);
        const [line] = sparkPlatformConfigProblems({ region: "us-west-2", emrReleaseLabel: "emr-7.12.0-latest" });
        assert.match(line, /^emrReleaseLabel emr-7\.12\.0-latest names the moving tag latest; set emrImageTag/);
        for (const problem of sparkPlatformConfigProblems({ region: "xx-1", emrReleaseLabel: "bad" })) {
            assert.doesNotMatch(problem, /\n/);
        }
    });
});

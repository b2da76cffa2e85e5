import * as assert from "node:assert/strict";
import { parseSettings } from "../../stack-config";
import { configProblems } from "../support/config-problems";
import { fixtureStackConfigWith } from "../support/fixture-stacks";

function team(name: string, extra: Record<string, unknown> = {}) {
    return { name, namespace: `ns-${name}`, quota: { cpu: "8", memory: "32Gi" }, ...extra };
}

/** The dev fixture stack with `teams` replaced. */
const withTeams = (teams: unknown[]) => fixtureStackConfigWith("dev", { teams });
const problemsOf = (teams: unknown[]) => configProblems(withTeams(teams));

/** `count` distinct database names of `length` characters. */
const databases = (count: number, length: number) =>
    Array.from({ length: count }, (_, i) => `db_${String(i).padStart(3, "0")}`.padEnd(length, "x"));

describe("a team's Glue databases in the stack settings", () => {
    it("reads owned databases apart from the ones a team only reads; existing stacks own none", () => {
        const settings = parseSettings(
            withTeams([team("a", { glueOwnedDatabases: ["sales"] }), team("b", { glueDatabases: ["sales"] })]),
            "spark-platform",
            "dev",
        );
        assert.deepEqual(settings.teams[0].glueOwnedDatabases, ["sales"]);
        assert.deepEqual(settings.teams[0].glueDatabases, []);
        assert.deepEqual(settings.teams[1].glueOwnedDatabases, []);
        assert.deepEqual(settings.teams[1].glueDatabases, ["sales"]);
        // glueDatabases keeps its meaning: read only, never owned.
        const old = parseSettings(withTeams([team("a", { glueDatabases: ["sales"] })]), "spark-platform", "dev");
        assert.deepEqual(old.teams[0].glueOwnedDatabases, []);
    });

    const cases: Array<[string, unknown[], RegExp]> = [
        [
            "one database owned by two teams, naming both",
            [team("a", { glueOwnedDatabases: ["sales"] }), team("b", { glueOwnedDatabases: ["x", "sales"] })],
            /^spark-platform:teams\[1\]\.glueOwnedDatabases: "sales" is owned by teams\[0\] \(a\) too; a Glue database belongs to one team, so list it in the glueDatabases of b to read it$/,
        ],
        [
            "owning the default database",
            [team("a", { glueOwnedDatabases: ["default"] })],
            /^spark-platform:teams\[0\]\.glueOwnedDatabases: "default" is not allowed: every job's Glue client reads/,
        ],
        [
            "a database both read and owned",
            [team("a", { glueOwnedDatabases: ["sales"], glueDatabases: ["sales"] })],
            /^spark-platform:teams\[0\]\.glueDatabases: "sales" is in glueOwnedDatabases too/,
        ],
        [
            "an owned database name Spark cannot write",
            [team("a", { glueOwnedDatabases: ["sales-raw"] })],
            /^spark-platform:teams\[0\]\.glueOwnedDatabases: "sales-raw" is not a Glue database name; use 1 to 255/,
        ],
        [
            "an owned database longer than Glue's 255 characters",
            [team("a", { glueOwnedDatabases: ["s".repeat(256)] })],
            /^spark-platform:teams\[0\]\.glueOwnedDatabases: "s+\.\.\. is not a Glue database name; use 1 to 255/,
        ],
        [
            "an owned database listed twice",
            [team("a", { glueOwnedDatabases: ["sales", "sales"] })],
            /^spark-platform:teams\[0\]\.glueOwnedDatabases: \["sales","sales"\] lists "sales" twice/,
        ],
        [
            "more databases than the job role's inline policies can hold",
            [team("a", { glueOwnedDatabases: databases(25, 20) })],
            /^spark-platform:teams\[0\]: "a" lists 25 Glue databases, which make its job role's inline policies up to \d+ characters, over IAM's 10240; list fewer/,
        ],
    ];
    for (const [what, teams, expected] of cases) {
        it(`refuses ${what}, in one line`, () => {
            const problems = problemsOf(teams);
            assert.equal(problems.length, 1, `expected one problem, got:\n${problems.join("\n")}`);
            assert.match(problems[0], expected);
            assert.ok(!problems[0].includes("\n"));
        });
    }

    it("accepts a realistic maximum: the longest team name owning 15 and reading 2 databases of 20 characters", () => {
        const longest = "t".repeat(30);
        const owned = databases(15, 20);
        const settings = parseSettings(
            withTeams([
                team(longest, { glueOwnedDatabases: owned, glueDatabases: ["shared_a", "shared_b"] }),
                team("b", { glueOwnedDatabases: ["shared_a"] }),
            ]),
            "spark-platform",
            "dev",
        );
        assert.deepEqual(settings.teams[0].glueOwnedDatabases, owned);
    });
});

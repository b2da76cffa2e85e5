/**
 * One composite per team (components/team), planned through index.ts for the fixture stacks: everything a team gets
 * sits under its SparkTeam, and a stack deployed before the composite existed keeps every resource, because each
 * moved part declares its former URN as an alias.
 */
import * as assert from "node:assert/strict";
import { jobRoleName } from "../../../components/vocabulary";
import { parseSettings } from "../../../stack-config";
import type { CapturedResource } from "../../../tools/plan/capture";
import type { PlanResult } from "../../../tools/plan/plan";
import { parse as parseYaml } from "yaml";
import { fixtureStackConfig, planFixture } from "../../support/fixture-stacks";
import { evaluatePermission } from "../../support/iam-simulation";
import { nonEmpty } from "../../support/non-empty";
import { planOf } from "../../support/plan-fixtures";
import { ofType } from "../../support/plan-queries";

const COMPOSITE = "spark:team:SparkTeam";

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` → its parts. */
function urnParts(urn: string) {
    const [stack, project, chain, ...name] = urn.split("::");
    return { prefix: `${stack}::${project}`, chain, name: name.join("::") };
}

/**
 * Where a team's resources were before the composite, as the stacks deployed then hold them: the namespace side
 * at the root as spark:spark:SparkTeam, the EMR side at the root as spark:emr:SparkTeamJobs, the sidecar
 * ConfigMaps under the one spark:logging:SparkLogForwarding `spark-logs`.
 */
const FORMER_CHAINS: [RegExp, string][] = [
    [/^spark:team:SparkTeam\$spark:spark:TeamNamespace(?=\$|$)/, "spark:spark:SparkTeam"],
    [/^spark:team:SparkTeam\$spark:emr:SparkTeamJobs(?=\$|$)/, "spark:emr:SparkTeamJobs"],
    [
        /^spark:team:SparkTeam\$kubernetes:core\/v1:ConfigMap$/,
        "spark:logging:SparkLogForwarding$kubernetes:core/v1:ConfigMap",
    ],
];

/** Parts a team gained after the composite: they never lived anywhere else, so they alias nothing. */
const PARTS_SINCE_COMPOSITE = /^spark:team:SparkTeam\$spark:emr:SubmitterRole(?=\$|$)/;

function formerUrn(r: CapturedResource): string {
    const { prefix, chain, name } = urnParts(r.urn);
    const rule = FORMER_CHAINS.find(([pattern]) => pattern.test(chain));
    assert.ok(
        rule,
        `${r.urn}: a team part this test does not know the former place of (a part new since the composite ` +
            "aliases nothing: list it in PARTS_SINCE_COMPOSITE)",
    );
    return `${prefix}::${chain.replace(rule[0], rule[1])}::${name}`;
}

function descendants(plan: PlanResult, root: CapturedResource): CapturedResource[] {
    const children = new Map<string, CapturedResource[]>();
    for (const r of plan.resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const found: CapturedResource[] = [];
    const queue = [root.urn];
    while (queue.length > 0) {
        for (const child of children.get(queue.pop()!) ?? []) {
            found.push(child);
            queue.push(child.urn);
        }
    }
    return found;
}

describe("one SparkTeam per team (index.ts planned for the fixture stacks)", function () {
    this.timeout(60_000);

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every resource a team owns sits under its one SparkTeam`, async () => {
            const plan = await planFixture({ stack });
            const teams = parseSettings(fixtureStackConfig(stack), "spark-platform", stack).teams;
            const composites = plan.resources.filter((r) => r.type === COMPOSITE);
            assert.deepEqual(composites.map((c) => c.name).sort(), teams.map((t) => t.name).sort());
            for (const team of teams) {
                const composite = composites.find((c) => c.name === team.name)!;
                const owned = new Set(descendants(plan, composite).map((r) => r.urn));
                const ofTeam = plan.resources.filter(
                    (r) =>
                        (r.inputs.metadata as { namespace?: string } | undefined)?.namespace === team.namespace ||
                        r.inputs.name === `spark-${stack}-${team.name}-emr-job` ||
                        (r.type === "aws:emrcontainers/virtualCluster:VirtualCluster" &&
                            String(r.inputs.name).includes(team.name)),
                );
                // The namespaced objects (quota, limits, policies, RBAC, ConfigMaps), the role, the virtual cluster.
                assert.ok(ofTeam.length >= 8, `${stack} ${team.name}: only ${ofTeam.length} resources found`);
                for (const r of ofTeam) assert.ok(owned.has(r.urn), `${r.urn} is not under team ${team.name}`);
            }
        });

        it(`${stack}: a stack deployed before the composite keeps every team resource (aliases to former URNs)`, async () => {
            const plan = await planFixture({ stack });
            const claimed = new Map<string, string>();
            let moved = 0;
            for (const composite of plan.resources.filter((r) => r.type === COMPOSITE)) {
                for (const r of descendants(plan, composite)) {
                    if (PARTS_SINCE_COMPOSITE.test(urnParts(r.urn).chain)) {
                        assert.deepEqual(r.aliases, [], `${r.urn} is new: it has no former URN`);
                        continue;
                    }
                    const former = formerUrn(r);
                    assert.ok(r.aliases.includes(former), `${r.urn} does not alias ${former}: ${r.aliases.join(", ")}`);
                    moved++;
                }
            }
            // The engine refuses two resources claiming one former URN, and a former URN still in use.
            const urns = new Set(plan.resources.map((r) => r.urn));
            for (const r of plan.resources) {
                for (const alias of r.aliases) {
                    assert.ok(!claimed.has(alias), `${alias} is claimed by ${claimed.get(alias)} and ${r.urn}`);
                    assert.ok(!urns.has(alias), `${alias} is an alias of ${r.urn} and a resource of its own`);
                    claimed.set(alias, r.urn);
                }
            }
            assert.ok(moved > 20, `${stack}: only ${moved} team resources`);
        });
    }
});

describe("each SparkTeam wired to its own team (index.ts planned for the prod fixture, two teams)", () => {
    const teamOutputs = (plan: PlanResult) =>
        plan.outputs.sparkTeamOutputs as Record<
            string,
            { namespace: string; logIndexPrefix: string; logGroupName: string }
        >;

    it("gives every driver template a higher priority class than every executor template", async () => {
        const plan = await planOf("prod", "karpenter");
        const priority = new Map(
            ofType(plan, "kubernetes:scheduling.k8s.io/v1:PriorityClass").map((c) => [
                (c.inputs.metadata as { name: string }).name,
                Number(c.inputs.value),
            ]),
        );
        const templates = ofType(plan, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) =>
            /^pod-templates\/.+\/(driver|executor)\.yaml$/.test(String(o.inputs.key)),
        );
        const valueOf = (role: string) =>
            nonEmpty(
                templates.filter((o) => String(o.inputs.key).endsWith(`/${role}.yaml`)),
                `${role} pod template`,
            ).map((o) => {
                const name = (parseYaml(String(o.inputs.content)) as { spec: { priorityClassName: string } }).spec
                    .priorityClassName;
                assert.ok(priority.has(name), `${String(o.inputs.key)}: priority class ${name} is not planned`);
                return priority.get(name)!;
            });
        assert.ok(Math.min(...valueOf("driver")) > Math.max(...valueOf("executor")), "drivers outrank executors");
    });

    it("points each team's Fluent Bit at its own log index and keeps its job logs as long as emrLogRetentionDays", async () => {
        const plan = await planOf("prod", "karpenter");
        const settings = parseSettings(fixtureStackConfig("prod"), "spark-platform", "prod");
        const teams = Object.values(teamOutputs(plan));
        assert.ok(teams.length >= 2, "prod has teams whose settings could be swapped");
        for (const team of teams) {
            const prefixes = ofType(plan, "kubernetes:core/v1:ConfigMap")
                .filter((m) => (m.inputs.metadata as { namespace?: string }).namespace === team.namespace)
                .flatMap((m) => [...JSON.stringify(m.inputs.data ?? {}).matchAll(/Logstash_Prefix\s+([\w.-]+)/g)])
                .map((m) => m[1]);
            assert.deepEqual(
                nonEmpty(prefixes, `${team.namespace} Logstash_Prefix`),
                prefixes.map(() => team.logIndexPrefix),
            );
            const group = ofType(plan, "aws:cloudwatch/logGroup:LogGroup").filter(
                (g) => g.inputs.name === team.logGroupName,
            );
            assert.equal(group.length, 1, `${team.logGroupName}: one log group`);
            assert.equal(group[0].inputs.retentionInDays, settings.emr.logRetentionDays);
        }
    });

    it("creates each team's own Glue databases under its data prefix, kept with the platform bucket, readable by the teams listing them", async () => {
        const plan = await planOf("prod", "karpenter");
        const settings = parseSettings(fixtureStackConfig("prod"), "spark-platform", "prod");
        const owners = new Map(settings.teams.flatMap((t) => (t.glueOwnedDatabases ?? []).map((db) => [db, t.name])));
        const databases = ofType(plan, "aws:glue/catalogDatabase:CatalogDatabase");
        assert.deepEqual(
            databases.map((d) => d.inputs.name).sort(),
            [...nonEmpty([...owners.keys()], "owned Glue databases")].sort(),
        );
        const bucket = String(plan.outputs.platformBucketName);
        for (const database of databases) {
            const db = String(database.inputs.name);
            assert.equal(database.inputs.locationUri, `s3://${bucket}/data/${owners.get(db)}/${db}.db/`);
            assert.equal(database.retainOnDelete, settings.emr.retainPlatformBucket, `${db}: kept with the bucket`);
        }
        const accessOf = (team: string) => {
            const role = ofType(plan, "aws:iam/role:Role").find(
                (r) => r.inputs.name === jobRoleName(settings.namePrefix, team),
            );
            const access = ofType(plan, "aws:iam/rolePolicy:RolePolicy").find(
                (p) => p.inputs.role === role?.id && p.inputs.name === "team-access",
            );
            assert.ok(role && access, `${team}: job role and its team-access policy`);
            return { principal: String(role.outputs.arn), policy: JSON.parse(String(access.inputs.policy)) as unknown };
        };
        const readers = settings.teams.flatMap((t) =>
            t.glueDatabases.filter((db) => owners.has(db) && owners.get(db) !== t.name).map((db) => ({ t, db })),
        );
        for (const { t, db } of nonEmpty(readers, "teams reading another team's database")) {
            const { principal, policy } = accessOf(t.name);
            const decide = (action: string) =>
                evaluatePermission({
                    principal,
                    action,
                    resource: `arn:aws:s3:::${bucket}/data/${owners.get(db)}/${db}.db/events/part-0.parquet`,
                    accountId: plan.account.accountId,
                    identityPolicies: { "team-access": policy },
                });
            assert.equal(await decide("s3:GetObject"), "Allowed", `${t.name} reads ${db}'s objects`);
            assert.equal(await decide("s3:PutObject"), "ImplicitlyDenied", `${t.name} cannot write ${db}'s objects`);
        }
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: gives EMR access to every team's namespace, and each team's virtual cluster is in its own`, async () => {
            const plan = await planOf(stack, "karpenter");
            const settings = parseSettings(fixtureStackConfig(stack), "spark-platform", stack);
            const emr = ofType(plan, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) =>
                String(a.inputs.principalArn).endsWith(":role/AWSServiceRoleForAmazonEMRContainers"),
            );
            assert.equal(emr.length, 1, "one association of EMR's service-linked role");
            const scope = emr[0].inputs.accessScope as { type: string; namespaces: string[] };
            assert.equal(scope.type, "namespace");
            const namespaces = settings.teams.map((t) => t.namespace);
            assert.deepEqual([...scope.namespaces].sort(), [...namespaces].sort());
            const clusters = ofType(plan, "aws:emrcontainers/virtualCluster:VirtualCluster").map(
                (c) =>
                    (c.inputs.containerProvider as { info: { eksInfo: { namespace: string } } }).info.eksInfo.namespace,
            );
            assert.deepEqual([...nonEmpty(clusters, "virtual clusters")].sort(), [...namespaces].sort());
        });
    }
});

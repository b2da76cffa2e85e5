import { planFixture } from "../support/fixture-stacks";
/**
 * The harness leans on SDK internals (the mock monitor's registerResource, the RegisterResourceRequest proto,
 * runInPulumiStack). These tests fail loudly if a Pulumi SDK upgrade moves them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { InvalidConfigError } from "../../stack-config";
import { CapturedResource, captureRegistrations, promiseOf } from "../../tools/plan/capture";
import { PlatformMocks, oidcIssuerFor } from "../../tools/plan/mocks";

const account = { accountId: "123456789012", region: "eu-west-1", partition: "aws" };

describe("offline plan harness", () => {
    it("captures parent, dependencies, property dependencies and component outputs", async () => {
        await pulumi.runtime.setMocks(new PlatformMocks(account), "harness", "test");
        const captured = captureRegistrations();
        class Box extends pulumi.ComponentResource {
            readonly roleArn: pulumi.Output<string>;
            constructor(name: string) {
                super("test:index:Box", name);
                const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: "{}" }, { parent: this });
                const policy = new aws.iam.RolePolicy(
                    `${name}-policy`,
                    { role: role.name, policy: "{}" },
                    { parent: this, dependsOn: [role] },
                );
                this.roleArn = pulumi.all([role.arn, policy.id]).apply(([arn]) => arn);
                this.registerOutputs({ roleArn: this.roleArn });
            }
        }
        const box = new Box("box");
        assert.match(await promiseOf(box.roleArn), /^arn:aws:iam::123456789012:role\/box-role-[0-9a-f]{7}$/);
        await pulumi.runtime.disconnect();

        const byName = (n: string) => captured.find((r) => r.name === n) as CapturedResource;
        const [component, role, policy] = [byName("box"), byName("box-role"), byName("box-policy")];
        assert.equal(role.parent, component.urn);
        assert.deepEqual(policy.dependencies, [role.urn]);
        assert.deepEqual(policy.propertyDependencies.role, [role.urn]);
        assert.equal(component.custom, false);
        assert.match(String(component.outputs.roleArn), /^arn:aws:iam::123456789012:role\/box-role-[0-9a-f]{7}$/);
    });

    it("resolves aliases as the engine does: a moved component's children inherit its old URN", async () => {
        await pulumi.runtime.setMocks(new PlatformMocks(account), "harness", "test");
        const captured = captureRegistrations();
        const urn = (type: string, name: string) => `urn:pulumi:test::harness::${type}::${name}`;
        const group = new pulumi.ComponentResource("test:index:Group", "group");
        // Formerly at the root as test:index:Old; then under the group with a new type.
        const moved = new pulumi.ComponentResource(
            "test:index:New",
            "moved",
            {},
            {
                parent: group,
                aliases: [{ type: "test:index:Old", parent: pulumi.rootStackResource }],
            },
        );
        new aws.sqs.Queue("queue", {}, { parent: moved });
        // Formerly under another component, named by URN.
        new aws.sqs.Queue("adopted", {}, { parent: group, aliases: [{ parent: urn("test:index:Gone", "gone") }] });
        await pulumi.runtime.disconnect();

        const aliasesOf = (name: string) => captured.find((r) => r.name === name)?.aliases;
        assert.deepEqual(aliasesOf("group"), []);
        assert.deepEqual(aliasesOf("moved"), [urn("test:index:Old", "moved")]);
        assert.deepEqual(aliasesOf("queue"), [urn("test:index:Old$aws:sqs/queue:Queue", "queue")]);
        assert.deepEqual(aliasesOf("adopted"), [urn("test:index:Gone$aws:sqs/queue:Queue", "adopted")]);
    });

    it("gives the mocked EKS cluster a concrete OIDC issuer in the stack's region", () => {
        assert.match(oidcIssuerFor(account, "cluster"), /^oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    });

    it("registers no resource (at most the root stack) when the stack config is invalid", async () => {
        const registrations: CapturedResource[] = [];
        await assert.rejects(
            planFixture({ stack: "dev", configOverrides: { autoscaler: "nope" }, registrations }),
            InvalidConfigError,
        );
        assert.deepEqual(
            registrations.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.urn),
            [],
        );
        // The same program with a valid config does register resources into the same kind of sink.
        await planFixture({ stack: "dev", registrations });
        assert.ok(registrations.some((r) => r.type === "aws:ec2/vpc:Vpc"));
    });

    it("plans the same stack to the same resources every time, so plans can be diffed", async () => {
        const first = await planFixture({ stack: "dev" });
        const second = await planFixture({ stack: "dev", fresh: true });
        const strip = (p: typeof first) => JSON.stringify(p.stackExport.deployment.resources);
        assert.equal(strip(first), strip(second));
    });
});

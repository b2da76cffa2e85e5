import * as assert from "node:assert/strict";
import { SERVICE_LINKED_ROLES } from "../../../components/iam";
import type { CapturedResource } from "../../../tools/plan/capture";
import type { PlanResult } from "../../../tools/plan/plan";
import { planFixture } from "../../support/fixture-stacks";
import { waitsFor } from "../../support/plan-graph";
import { ofType } from "../../support/plan-queries";
import { nonEmpty } from "../../support/non-empty";

const SLR = "aws:iam/serviceLinkedRole:ServiceLinkedRole";

function only(plan: PlanResult, test: (r: CapturedResource) => boolean, what: string): CapturedResource {
    const found = plan.resources.filter(test);
    assert.equal(found.length, 1, `expected one ${what}, found ${found.length}`);
    return found[0];
}

/** The dev fixture creating every account-wide role it can. */
const planCreatingRoles = () =>
    planFixture({
        stack: "prod",
        configOverrides: {
            createSpotServiceLinkedRole: true,
            emrCreateServiceLinkedRole: true,
            opensearchCreateServiceLinkedRole: true,
        },
    });

const roleFor = (plan: PlanResult, service: string) =>
    only(plan, (r) => r.type === SLR && r.inputs.awsServiceName === service, `service-linked role for ${service}`);

describe("account-wide service-linked roles a stack creates", () => {
    it("are kept on `pulumi destroy`: Spot, EMR on EKS and OpenSearch", async () => {
        const plan = await planCreatingRoles();
        for (const { awsServiceName } of Object.values(SERVICE_LINKED_ROLES)) {
            const role = roleFor(plan, awsServiceName);
            assert.equal(role.retainOnDelete, true, `${awsServiceName} would be deleted with the stack`);
            assert.deepEqual(role.dependencies, [], `${awsServiceName} waits for something`);
        }
    });

    it("are waited for by what names them: the EMR access entry and the log domain", async () => {
        const plan = await planCreatingRoles();
        const emrRole = roleFor(plan, SERVICE_LINKED_ROLES.emrContainers.awsServiceName);
        const openSearchRole = roleFor(plan, SERVICE_LINKED_ROLES.openSearch.awsServiceName);
        const entry = only(
            plan,
            (r) =>
                r.type === "aws:eks/accessEntry:AccessEntry" &&
                String(r.inputs.principalArn).endsWith(`:role/${SERVICE_LINKED_ROLES.emrContainers.roleName}`),
            "EMR access entry",
        );
        assert.ok(waitsFor(plan, entry).has(emrRole.urn), "the EMR access entry does not wait for its role");
        for (const vc of nonEmpty(ofType(plan, "aws:emrcontainers/virtualCluster:VirtualCluster"), "virtual cluster")) {
            assert.ok(waitsFor(plan, vc).has(emrRole.urn), `${vc.name} does not wait for EMR's role`);
        }
        const domain = only(plan, (r) => r.type === "aws:opensearch/domain:Domain", "log domain");
        assert.ok(waitsFor(plan, domain).has(openSearchRole.urn), "the log domain does not wait for its role");
    });

    it("keep the log domain off the EKS chain, and nothing else waits for them", async () => {
        const plan = await planCreatingRoles();
        const domain = only(plan, (r) => r.type === "aws:opensearch/domain:Domain", "log domain");
        const cluster = only(plan, (r) => r.type === "eks:index:Cluster", "EKS cluster");
        assert.ok(!waitsFor(plan, domain).has(cluster.urn), "the log domain waits for the EKS cluster");
        const roles = new Set(ofType(plan, SLR).map((r) => r.urn));
        const allowed = new Set(["aws:eks/accessEntry:AccessEntry", "aws:opensearch/domain:Domain"]);
        for (const r of plan.resources) {
            if (!r.custom || allowed.has(r.type)) continue;
            const direct = r.dependencies.filter((urn) => roles.has(urn));
            assert.deepEqual(direct, [], `${r.type} ${r.name} waits for a service-linked role`);
        }
    });

    it("are not created unless the stack asks", async () => {
        const plan = await planFixture({ stack: "prod" });
        assert.deepEqual(ofType(plan, SLR), []);
    });
});

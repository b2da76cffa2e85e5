/**
 * Every Kubernetes object the program authors, taken from the planned stacks (both stacks, both autoscaler
 * modes), validates against the upstream schemas: `kubernetes-models` for built-in kinds and
 * `@kubernetes-models/karpenter` for Karpenter's CRDs. A kind without a schema package fails the test, so a new
 * kind cannot slip through unvalidated.
 */
import * as assert from "node:assert/strict";
import { ec2NodeClassManifest, nodePoolManifest } from "../../../components/autoscaling/karpenter";
import { buildPoolContract } from "../../../components/vocabulary";
import { defaultStorageClassManifest } from "../../../components/cluster";
import { withoutSecretWrappers } from "../../support/secrets";
import type { CapturedResource } from "../../../tools/plan/capture";
import { allPlans } from "../../support/plan-fixtures";

interface Validatable {
    validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** The schema package module of a `kubernetes:<group>/<version>:<Kind>` type token. */
function modelModuleOf(type: string): { module: string; kind: string } {
    const m = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
    if (!m) throw new Error(`${type} is not a Kubernetes type token`);
    const [, group, version, kind] = m;
    if (group.startsWith("karpenter."))
        return { module: `@kubernetes-models/karpenter/${group}/${version}/${kind}`, kind };
    return {
        module:
            group === "core" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`,
        kind,
    };
}

async function modelOf(type: string): Promise<ModelClass> {
    const { module, kind } = modelModuleOf(type);
    const loaded = (await import(module)) as Record<string, ModelClass | undefined>;
    const model = loaded[kind];
    if (!model) throw new Error(`${module} exports no ${kind}`);
    return model;
}

/** Objects the program itself writes: custom Kubernetes resources, not providers or chart components. */
function authoredObjects(resources: readonly CapturedResource[]): CapturedResource[] {
    return resources.filter(
        (r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
    );
}

function validates(model: ModelClass, data: unknown): string | undefined {
    try {
        new model(data).validate();
        return undefined;
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    }
}

describe("Kubernetes objects the program authors", () => {
    it("all validate against the upstream schemas (dev and prod, both autoscalers)", async () => {
        const seen = new Set<string>();
        for (const { stack, mode, plan } of await allPlans()) {
            const objects = authoredObjects(plan.resources);
            assert.ok(objects.length > 0);
            for (const r of objects) {
                seen.add(r.type);
                const problem = validates(await modelOf(r.type), withoutSecretWrappers(r.inputs));
                assert.equal(problem, undefined, `${stack}/${mode} ${r.type} ${r.name}: ${problem}`);
            }
        }
        assert.deepEqual([...seen].sort(), [
            "kubernetes:batch/v1:Job",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:LimitRange",
            "kubernetes:core/v1:Namespace",
            "kubernetes:core/v1:ResourceQuota",
            "kubernetes:core/v1:Secret",
            "kubernetes:core/v1:ServiceAccount",
            "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
            "kubernetes:karpenter.sh/v1:NodePool",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            "kubernetes:rbac.authorization.k8s.io/v1:Role",
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
            "kubernetes:scheduling.k8s.io/v1:PriorityClass",
            "kubernetes:storage.k8s.io/v1:StorageClass",
        ]);
    });

    it("maps type tokens to their schema modules", () => {
        assert.deepEqual(modelModuleOf("kubernetes:karpenter.sh/v1:NodePool"), {
            module: "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool",
            kind: "NodePool",
        });
        assert.deepEqual(modelModuleOf("kubernetes:core/v1:ConfigMap"), {
            module: "kubernetes-models/v1/ConfigMap",
            kind: "ConfigMap",
        });
        assert.deepEqual(modelModuleOf("kubernetes:storage.k8s.io/v1:StorageClass"), {
            module: "kubernetes-models/storage.k8s.io/v1/StorageClass",
            kind: "StorageClass",
        });
    });

    describe("the validators catch broken objects", () => {
        const pool = buildPoolContract(["us-west-2a"]).pools[0];
        const nodePool = () =>
            nodePoolManifest(pool, {
                nodeClassName: "spark",
                shape: { families: ["m7i"], sizes: ["xlarge"] },
                maxVcpu: 8,
                maxMemoryGiB: 32,
            });
        const nodeClass = () =>
            ec2NodeClassManifest({
                name: "spark",
                clusterName: "c",
                nodeRoleName: "r",
                amiVersion: "v20260903",
                rootVolumeGiB: 100,
                tags: {},
            });

        it("rejects a NodePool without nodeClassRef", async () => {
            const broken = nodePool() as { spec: { template: { spec: Record<string, unknown> } } };
            delete broken.spec.template.spec.nodeClassRef;
            assert.match(validates(await modelOf("kubernetes:karpenter.sh/v1:NodePool"), broken) ?? "", /nodeClassRef/);
        });

        it("rejects a NodePool requirement with an unknown operator", async () => {
            const broken = nodePool();
            (broken.spec.template.spec.requirements[0] as { operator: string }).operator = "Equals";
            assert.match(validates(await modelOf("kubernetes:karpenter.sh/v1:NodePool"), broken) ?? "", /operator/);
        });

        it("rejects an EC2NodeClass without amiSelectorTerms", async () => {
            const broken = nodeClass() as { spec: Record<string, unknown> };
            delete broken.spec.amiSelectorTerms;
            assert.match(
                validates(await modelOf("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"), broken) ?? "",
                /amiSelectorTerms/,
            );
        });

        it("rejects a StorageClass without a provisioner", async () => {
            const broken: Record<string, unknown> = defaultStorageClassManifest();
            delete broken.provisioner;
            assert.match(
                validates(await modelOf("kubernetes:storage.k8s.io/v1:StorageClass"), broken) ?? "",
                /provisioner/,
            );
        });
    });
});

import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { buildPoolContract, findPool, teamPodScheduling } from "../../../components/vocabulary";
import { buildPodTemplate, emrTemplateProblems, podTemplateYaml } from "../../../components/emr";
import type { Container, PodTemplate } from "../../../components/emr/pod-templates";

const pools = buildPoolContract(["us-west-2a", "us-west-2b"]);
const PRIORITY = { driver: "spark-driver", executor: "spark-executor" } as const;

/** A log sidecar as the logs work will pass it: explicit non-root UID, mounts EMR's shared volumes. */
const sidecar: Container = {
    name: "fluent-bit",
    image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.5",
    securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false },
    volumeMounts: [
        { name: "emr-container-communicate", mountPath: "/var/log/fluentd" },
        { name: "fluent-bit-config", mountPath: "/fluent-bit/etc/" },
    ],
};

function template(
    role: "driver" | "executor",
    zone = "us-west-2b",
    extra: Partial<Parameters<typeof buildPodTemplate>[0]> = {},
): PodTemplate {
    return buildPodTemplate({ role, zone, pools, priorityClassName: PRIORITY[role], team: "team-a", ...extra });
}

interface Validatable {
    validate(): void;
}

async function validatePod(value: unknown): Promise<void> {
    const { Pod } = (await import("kubernetes-models/v1")) as unknown as { Pod: new (data: unknown) => Validatable };
    new Pod(value).validate();
}

describe("EMR pod templates", () => {
    for (const role of ["driver", "executor"] as const) {
        it(`must put the ${role} on its zone's ${role} pool with the pool contract's selector and tolerations`, () => {
            const t = template(role);
            assert.deepEqual(t.spec.nodeSelector, {
                "topology.kubernetes.io/zone": "us-west-2b",
                "spark-platform/role": role,
            });
            assert.deepEqual(t.spec.tolerations, [
                { key: "spark-platform/role", operator: "Equal", value: role, effect: "NoSchedule" },
            ]);
            assert.equal(t.spec.priorityClassName, PRIORITY[role]);
        });

        it(`must give the ${role}'s Spark main container a local dir on an emptyDir, and nothing EMR owns`, () => {
            const t = template(role);
            assert.deepEqual(t.spec.containers[0], {
                name: `spark-kubernetes-${role}`,
                volumeMounts: [{ name: "spark-local-dir-1", mountPath: "/data1" }],
            });
            assert.deepEqual(t.spec.volumes, [{ name: "spark-local-dir-1", emptyDir: {} }]);
        });

        it(`must keep the ${role} template inside EMR's allow-list, with or without the log sidecar`, () => {
            assert.deepEqual(emrTemplateProblems(template(role)), []);
            const withSidecar = template(role, "us-west-2a", {
                sidecars: [sidecar],
                volumes: [{ name: "fluent-bit-config", configMap: { name: "fb" } }],
            });
            assert.deepEqual(emrTemplateProblems(withSidecar), []);
            assert.equal(withSidecar.spec.containers[1].name, "fluent-bit");
        });

        it(`must name YuniKorn and the team's own queue in the ${role} template only when the stack uses it`, async () => {
            const scheduling = teamPodScheduling("yunikorn", { namespace: "spark-team-a" });
            assert.ok(scheduling);
            const t = template(role, "us-west-2a", { scheduling });
            assert.equal(t.spec.schedulerName, "yunikorn");
            assert.equal(t.metadata.labels["yunikorn.apache.org/queue"], "root.teams.spark-team-a");
            // schedulerName is on EMR's pod-template allow-list, and the template stays a valid Pod.
            assert.deepEqual(emrTemplateProblems(t), []);
            await validatePod(parse(podTemplateYaml(t)));
            // Only those two: everything else is the default-scheduler template.
            const plain = template(role, "us-west-2a");
            const { schedulerName: _name, ...spec } = t.spec;
            assert.deepEqual(spec, plain.spec);
            assert.equal(plain.spec.schedulerName, undefined);
            assert.equal(teamPodScheduling("default", { namespace: "spark-team-a" }), undefined);
            assert.deepEqual(t.metadata.labels, {
                ...plain.metadata.labels,
                "yunikorn.apache.org/queue": "root.teams.spark-team-a",
            });
        });

        it(`must be a schema-valid Pod (${role}), also as the YAML uploaded to S3`, async () => {
            const t = template(role, "us-west-2a", {
                sidecars: [sidecar],
                volumes: [{ name: "fluent-bit-config", configMap: { name: "fb" } }],
            });
            await validatePod(t);
            await validatePod(parse(podTemplateYaml(t)));
            assert.deepEqual(parse(podTemplateYaml(t)), t);
        });

        it(`must carry no pod securityContext and no init container (${role})`, () => {
            const spec = template(role).spec as Record<string, unknown>;
            assert.equal(spec.securityContext, undefined);
            assert.equal(spec.initContainers, undefined);
        });
    }

    it("must be checked by a schema that rejects a malformed template", async () => {
        const t = JSON.parse(JSON.stringify(template("driver"))) as { spec: { tolerations: unknown } };
        t.spec.tolerations = "NoSchedule";
        await assert.rejects(validatePod(t), /tolerations/);
    });

    it("must ask both autoscalers not to disrupt drivers, and not executors", () => {
        assert.deepEqual(template("driver").metadata.annotations, {
            "karpenter.sh/do-not-disrupt": "true",
            "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
        });
        assert.equal(template("executor").metadata.annotations, undefined);
    });

    it("must refuse a sidecar without an explicit non-root UID", () => {
        const rootless = { ...sidecar, securityContext: { runAsNonRoot: true } };
        assert.throws(() => template("driver", "us-west-2a", { sidecars: [rootless] }), /fluent-bit.*runAsUser ≥ 1/);
        const root = { ...sidecar, securityContext: { runAsNonRoot: false, runAsUser: 0 } };
        assert.throws(() => template("driver", "us-west-2a", { sidecars: [root] }), /fluent-bit/);
    });

    it("must refuse a sidecar named like Spark's main container", () => {
        assert.throws(
            () => template("driver", "us-west-2a", { sidecars: [{ ...sidecar, name: "spark-kubernetes-driver" }] }),
            /main container/,
        );
    });

    it("must refuse to declare one of EMR's reserved volumes", () => {
        assert.throws(
            () =>
                template("executor", "us-west-2a", { volumes: [{ name: "emr-container-communicate", emptyDir: {} }] }),
            /reserved/,
        );
    });

    it("must refuse a zone that is not a Spark zone", () => {
        assert.throws(() => template("driver", "us-west-2c"), /no Spark driver pool in us-west-2c/);
    });

    describe("allow-list check", () => {
        const base = () =>
            JSON.parse(JSON.stringify(template("driver"))) as {
                spec: Record<string, unknown> & { containers: Record<string, unknown>[] };
            };

        it("must flag a pod-level securityContext", () => {
            const t = base();
            t.spec.securityContext = { runAsUser: 999 };
            assert.deepEqual(emrTemplateProblems(t), ["spec.securityContext is not in EMR's pod-template allow-list"]);
        });

        it("must flag a command or securityContext on the Spark main container", () => {
            const t = base();
            t.spec.containers[0].command = ["sh"];
            t.spec.containers[0].securityContext = { runAsUser: 999 };
            assert.equal(emrTemplateProblems(t).length, 2);
        });

        it("must flag a reserved mount path on the Spark main container", () => {
            const t = base();
            t.spec.containers[0].volumeMounts = [{ name: "spark-local-dir-1", mountPath: "/tmp" }];
            assert.match(emrTemplateProblems(t).join(), /reserved path \/tmp/);
        });

        it("must flag a root init container", () => {
            const t = base();
            t.spec.initContainers = [{ name: "chown", image: "busybox:1.36", securityContext: { runAsUser: 0 } }];
            assert.match(emrTemplateProblems(t).join(), /initContainers\[0\]/);
        });
    });

    it("must prefer the first architecture of a two-architecture pool, and stay acceptable to EMR and Kubernetes", async () => {
        const mixed = buildPoolContract(["us-west-2a"], { executor: ["arm64", "amd64"] });
        const executor = template("executor", "us-west-2a", { pools: mixed });
        assert.deepEqual(executor.spec.affinity, {
            nodeAffinity: findPool(mixed, "us-west-2a", "executor").nodeAffinity,
        });
        assert.deepEqual(emrTemplateProblems(parse(podTemplateYaml(executor))), []);
        await validatePod(parse(podTemplateYaml(executor)));
        assert.equal(
            template("driver", "us-west-2a", { pools: mixed }).spec.affinity,
            undefined,
            "one-architecture pool",
        );
        assert.equal(template("executor").spec.affinity, undefined, "amd64 pools, as before");
    });
});

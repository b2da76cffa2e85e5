import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PodScheduling, PoolContract, EmrReleaseLabel, TeamSettings } from "../vocabulary";
import type { ClusterContext } from "../cluster";
import type { SparkConf } from "../spark-conf";
import { emrSparkImage, problemLine } from "./operator-chart";
import { SPARK_APPLICATION_TYPE, sampleSparkApplication } from "./sample-application";
import {
    limitRangeManifest,
    metricsScrapePolicyManifest,
    networkPolicyManifests,
    resourceQuotaManifest,
    sparkRoleBindingManifest,
    sparkRoleManifest,
    sparkServiceAccountManifest,
    sparkServiceAccountName,
    teamNamespaceManifest,
} from "./team-manifests";

export interface TeamNamespaceArgs {
    /** The cluster the team's namespace lives in. */
    cluster: ClusterContext;
    /** The team as configured (`teams[]`: name, namespace, quota). */
    team: TeamSettings;
    /** EMR release of the stack, for the sample application's image. */
    emrRelease: EmrReleaseLabel;
    /**
     * Release date that pins the EMR image when the label ends in `-latest` (`emrImageTag`, e.g. "20251111").
     * @default the label's own date (emr-7.12.0-20251111)
     */
    emrImageTag?: string;
    /** The Spark pool contract; the sample application lands on it. */
    pools: PoolContract;
    /**
     * Zone the sample application's driver and executors share; one of the zones of `pools`.
     * @default the first zone of `pools`
     */
    sampleZone?: string;
    /**
     * Create the sample SparkApplication in the cluster (it runs SparkPi once). Otherwise it is only an output.
     * @default false
     */
    deploySample?: boolean;
    /**
     * ARN of the team's job role (the EMR job execution role, which trusts this team's Spark service account);
     * annotated on the service account. Pass the ARN built from the role's deterministic name, so the service
     * account need not wait for IAM.
     */
    jobRoleArn: pulumi.Input<string>;
    /**
     * The platform's and the team's Spark settings (SparkTeamJobs.sparkConf), the sample application's `sparkConf`;
     * resolving once the team's event-log directory exists.
     * @default {}
     */
    sparkConf?: pulumi.Input<SparkConf>;
    /**
     * The stack's batch scheduler for the team's pods (YuniKorn: its name, the team's queue label); the sample
     * application then carries them and asks for gang scheduling.
     * @default the default scheduler
     */
    scheduling?: PodScheduling;
    /** Resources the sample application needs first when deployed: the Spark Operator (its CRDs and webhook). */
    sampleDependsOn?: pulumi.Input<pulumi.Resource>[];
    /**
     * Whether an EMR on EKS virtual cluster targets the namespace (the team composite gives every team one). Its pods then
     * cannot all meet Pod Security `restricted`, so the namespace enforces `baseline` and warns and audits
     * `restricted` (team-manifests.ts).
     * @default true
     */
    emrVirtualCluster?: boolean;
    /**
     * Where the managed Prometheus collector scrapes drivers from (its subnets' CIDRs): admitted to the driver UI
     * port by a NetworkPolicy of its own. None: no such policy.
     * @default []
     */
    metricsScrapeCidrs?: readonly string[];
}

const defaults = {
    deploySample: false,
    emrVirtualCluster: true,
    sampleDependsOn: [] as pulumi.Input<pulumi.Resource>[],
    sparkConf: {} as pulumi.Input<SparkConf>,
};

/**
 * A Spark team's place in the cluster: its namespace (Pod Security `restricted`, enforcing `baseline` when EMR
 * targets it), ResourceQuota and LimitRange from its quota, default-deny network policies with Spark's allows (only
 * on a cluster whose CNI enforces them), the Spark job service account (annotated with the team's job role, which
 * the EMR job execution settings own) and RBAC, and a sample SparkApplication. One part of the team's composite
 * (components/team).
 */
export class TeamNamespace extends pulumi.ComponentResource {
    /** Name of the team's namespace; resolves once the Namespace exists, so what reads it waits for it. */
    readonly namespace: pulumi.Output<string>;
    readonly serviceAccount: string;
    /** ARN of the job role the service account is annotated with. */
    readonly jobRoleArn: pulumi.Output<string>;
    /** The sample SparkApplication manifest. */
    readonly sampleApplication: pulumi.Output<ReturnType<typeof sampleSparkApplication>>;

    constructor(name: string, args: TeamNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:spark:TeamNamespace", name, {}, opts);
        const a = { ...defaults, ...args };
        const { team, cluster } = a;
        const image = emrSparkImage(cluster.region, a.emrRelease, a.emrImageTag);
        if (typeof image !== "string") {
            throw new pulumi.ResourceError(`Spark team ${team.name}: ${problemLine(image)}`, this);
        }
        const zones = [...new Set(a.pools.pools.map((p) => p.zone))];
        const zone = a.sampleZone ?? zones[0];
        if (zone === undefined) {
            throw new pulumi.ResourceError(`Spark team ${team.name}: the pool contract has no zones`, this);
        }
        if (!zones.includes(zone)) {
            throw new pulumi.ResourceError(
                `Spark team ${team.name}: sampleZone ${zone} is not a Spark zone; use one of ${zones.join(", ")}`,
                this,
            );
        }
        const k8sOpts = { parent: this, provider: cluster.provider };

        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            teamNamespaceManifest(team, cluster.kubernetesVersion, a.emrVirtualCluster),
            k8sOpts,
        );
        const inNamespace = { ...k8sOpts, dependsOn: [namespace] };
        new k8s.core.v1.ResourceQuota(`${name}-quota`, resourceQuotaManifest(team), inNamespace);
        new k8s.core.v1.LimitRange(`${name}-limits`, limitRangeManifest(team), inNamespace);
        const enforcer = cluster.networkPolicyEnforcer;
        if (enforcer) {
            const policies: [string, k8s.types.input.networking.v1.NetworkPolicy][] = Object.entries(
                networkPolicyManifests(team),
            );
            const collectorCidrs = a.metricsScrapeCidrs ?? [];
            if (collectorCidrs.length > 0) {
                policies.push(["spark-metrics-scrape", metricsScrapePolicyManifest(team, collectorCidrs)]);
            }
            for (const [policyName, manifest] of policies) {
                new k8s.networking.v1.NetworkPolicy(`${name}-${policyName}`, manifest, {
                    ...k8sOpts,
                    dependsOn: [namespace, enforcer],
                });
            }
        } else {
            void pulumi.log.warn(
                `Spark team ${team.name}: the cluster enforces no NetworkPolicies (VPC CNI enableNetworkPolicy off), ` +
                    "so none are created; its namespace is not isolated",
                this,
            );
        }

        const serviceAccount = sparkServiceAccountName(team);
        const sa = new k8s.core.v1.ServiceAccount(
            `${name}-spark`,
            pulumi.output(a.jobRoleArn).apply((arn) => sparkServiceAccountManifest(team, arn)),
            inNamespace,
        );
        const role = new k8s.rbac.v1.Role(`${name}-spark-role`, sparkRoleManifest(team), inNamespace);
        const binding = new k8s.rbac.v1.RoleBinding(`${name}-spark-binding`, sparkRoleBindingManifest(team), {
            ...k8sOpts,
            dependsOn: [namespace, role, sa],
        });

        this.sampleApplication = pulumi.output(a.sparkConf).apply((sparkConf) =>
            sampleSparkApplication({
                name: `${team.name}-spark-pi`,
                namespace: team.namespace,
                serviceAccount,
                image,
                release: a.emrRelease,
                pools: a.pools,
                zone,
                sparkConf,
                ...(a.scheduling ? { scheduling: a.scheduling } : {}),
            }),
        );
        if (a.deploySample) {
            // The spec waits for the team's Spark settings, and so for its event-log directory.
            new k8s.apiextensions.CustomResource(
                `${name}-sample`,
                {
                    ...SPARK_APPLICATION_TYPE,
                    metadata: { name: `${team.name}-spark-pi`, namespace: team.namespace },
                    spec: this.sampleApplication.spec,
                },
                { ...k8sOpts, dependsOn: [binding, ...a.sampleDependsOn] },
            );
        }

        this.namespace = namespace.metadata.name;
        this.serviceAccount = serviceAccount;
        this.jobRoleArn = pulumi.output(a.jobRoleArn);
        this.registerOutputs({
            namespace: this.namespace,
            serviceAccount: this.serviceAccount,
            jobRoleArn: this.jobRoleArn,
            sampleApplication: this.sampleApplication,
        });
    }
}

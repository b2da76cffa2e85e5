/**
 * Why a job did not complete, read from what the cluster and EMR said (a ClusterSnapshot, EMR's failure reason and
 * state details, the SparkApplication's error message): each likely cause with its evidence and the setting or
 * command that fixes it. Pure, so each failure class is tested on the answers alone.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { ClusterSnapshot } from "./cluster-state";
import type { Cause } from "./report";

export interface DiagnosisContext {
    readonly stack: string;
    readonly region: string;
    readonly clusterName: string;
    readonly namespace: string;
    readonly team: string;
    readonly executionRoleArn: string;
    readonly operatorNamespace: string;
}

export interface FailureReport {
    readonly snapshot: ClusterSnapshot;
    /** EMR's DescribeJobRun answer for an EMR job. */
    readonly emr?: { readonly failureReason?: string; readonly stateDetails?: string };
    /** `status.applicationState.errorMessage` of a SparkApplication. */
    readonly applicationError?: string;
    /** Whether the job ran through the Spark Operator (its health matters then). */
    readonly viaOperator: boolean;
}

const IMAGE_PULL_REASONS = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);

/** Every message the cluster and EMR gave about the job, with where it came from. */
function messages(report: FailureReport): { source: string; text: string }[] {
    const out = report.snapshot.events.map((e) => ({
        source: `event ${e.reason ?? "?"} on ${e.involvedObject?.kind ?? "?"}/${e.involvedObject?.name ?? "?"}`,
        text: e.message ?? "",
    }));
    if (report.emr?.stateDetails) out.push({ source: "EMR stateDetails", text: report.emr.stateDetails });
    if (report.applicationError) out.push({ source: "SparkApplication status", text: report.applicationError });
    return out;
}

const clip = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function imagePull(report: FailureReport, ctx: DiagnosisContext): Cause[] {
    const failures = new Map<string, string>();
    for (const pod of report.snapshot.pods) {
        for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
            const waiting = status.state?.waiting;
            if (waiting?.reason && IMAGE_PULL_REASONS.has(waiting.reason))
                failures.set(status.image, `${pod.metadata?.name}: ${waiting.reason} ${waiting.message ?? ""}`.trim());
        }
    }
    for (const { source, text } of messages(report)) {
        const image = /Failed to pull image "([^"]+)"/.exec(text)?.[1];
        if (image && !failures.has(image)) failures.set(image, `${source}: ${text}`);
    }
    return [...failures].map(([image, evidence]) => ({
        id: "image-pull",
        cause: `image ${image} cannot be pulled`,
        evidence: clip(evidence),
        fix: imagePullFix(image, ctx),
    }));
}

function imagePullFix(image: string, ctx: DiagnosisContext): string {
    const ecr = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)[:@](.+)$/.exec(image);
    const check = ecr
        ? `aws ecr describe-images --registry-id ${ecr[1]} --region ${ecr[2]} --repository-name ${ecr[3]} --image-ids imageTag=${ecr[4]}`
        : `docker manifest inspect ${image}`;
    return `check the tag exists: ${check}. For the EMR image, emrImageTag in Pulumi.${ctx.stack}.yaml must be a published release date of emrReleaseLabel; then pulumi up. If it exists, the nodes cannot reach the registry (node role's ECR read policy, NAT or VPC endpoints).`;
}

function podSecurity(report: FailureReport, ctx: DiagnosisContext): Cause[] {
    for (const { source, text } of messages(report)) {
        const match = /violates PodSecurity "([^"]+)": (.*)/.exec(text);
        if (match)
            return [
                {
                    id: "pod-security",
                    cause: `Pod Security admission (${match[1]}) refused a pod of the job`,
                    evidence: clip(`${source}: ${text}`),
                    fix: `the pod must satisfy the namespace's level (kubectl get namespace ${ctx.namespace} --show-labels): set what the message names (${clip(match[2], 160)}) in the job's pod spec or pod templates, or run pulumi up if the namespace's pod-security labels drifted.`,
                },
            ];
    }
    return [];
}

function webhook(report: FailureReport, ctx: DiagnosisContext): Cause[] {
    for (const { source, text } of messages(report)) {
        const denied = /admission webhook "([^"]+)" denied the request:?\s*(.*)/.exec(text);
        if (denied)
            return [
                {
                    id: "webhook-denied",
                    cause: `admission webhook ${denied[1]} refused an object of the job`,
                    evidence: clip(`${source}: ${text}`),
                    fix: `change what the webhook objects to (${clip(denied[2] || "see the evidence", 160)}); the webhook's configuration: kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations -o name`,
                },
            ];
        const unreachable = /failed calling webhook "([^"]+)"/.exec(text);
        if (unreachable)
            return [
                {
                    id: "webhook-unreachable",
                    cause: `admission webhook ${unreachable[1]} did not answer, so the API server refused the object`,
                    evidence: clip(`${source}: ${text}`),
                    fix: `the webhook's pods must be running and reachable from the API server on their port: kubectl -n ${ctx.operatorNamespace} get pods,endpoints; pulumi up re-creates the Spark Operator and its webhook service.`,
                },
            ];
    }
    return [];
}

function quota(report: FailureReport, ctx: DiagnosisContext): Cause[] {
    for (const { source, text } of messages(report)) {
        if (/exceeded quota|failed quota/.test(text))
            return [
                {
                    id: "quota",
                    cause: `the team's ResourceQuota in ${ctx.namespace} refused the job's pods`,
                    evidence: clip(`${source}: ${text}`),
                    fix: quotaFix(ctx),
                },
            ];
    }
    const full = report.snapshot.quotas.flatMap((q) =>
        Object.entries(q.status?.hard ?? {})
            .filter(([resource, hard]) => q.status?.used?.[resource] === hard)
            .map(([resource, hard]) => `${q.metadata?.name}: ${resource} used ${hard} of ${hard}`),
    );
    const pending = report.snapshot.pods.some((p) => p.status?.phase === "Pending");
    if (full.length > 0 && (pending || report.snapshot.pods.length === 0))
        return [
            {
                id: "quota",
                cause: `the team's ResourceQuota in ${ctx.namespace} is used up, so new pods are refused`,
                evidence: full.join("; "),
                fix: quotaFix(ctx),
            },
        ];
    return [];
}

const quotaFix = (ctx: DiagnosisContext) =>
    `raise teams[${ctx.team}].quota.cpu/memory in Pulumi.${ctx.stack}.yaml and run pulumi up, or lower the job's requests; what uses it now: kubectl -n ${ctx.namespace} describe resourcequota`;

/** Autoscaler and scheduler messages, most specific first. */
const CAPACITY_RULES: readonly {
    id: string;
    pattern: RegExp;
    cause: string;
    fix: (ctx: DiagnosisContext) => string;
}[] = [
    {
        id: "spot-service-linked-role",
        pattern:
            /AuthFailure\.ServiceLinkedRoleCreationNotPermitted|AWSServiceRoleForEC2Spot|service-linked role.*spot/i,
        cause: "Spot capacity cannot launch: the account lacks the EC2 Spot service-linked role",
        fix: (ctx) =>
            `set createSpotServiceLinkedRole: true in Pulumi.${ctx.stack}.yaml and run pulumi up (or aws iam create-service-linked-role --aws-service-name spot.amazonaws.com once per account)`,
    },
    {
        id: "vcpu-quota",
        pattern: /MaxSpotInstanceCountExceeded|VcpuLimitExceeded|InstanceLimitExceeded/,
        cause: "EC2 refused the instances: the account's vCPU quota is used up",
        fix: () =>
            "ask for more in Service Quotas (Spot: L-34B43A08, On-Demand standard: L-1216C47A); npm run preflight shows the quotas against the Spark limits",
    },
    {
        id: "no-capacity",
        pattern:
            /InsufficientInstanceCapacity|UnfulfillableCapacity|InsufficientCapacity|no instance type|could not launch|NoCompatibleInstanceTypes|incompatible with nodepool|all available instance types exceed limits|exceeds? limits/i,
        cause: "the autoscaler found no capacity it may launch for the job's pods (instance types, Spot, zone or pool limits)",
        fix: (ctx) =>
            `widen sparkExecutorInstanceFamilies/sparkExecutorInstanceSizes (Spot) or sparkDriverInstanceFamilies/sparkDriverInstanceSizes, add a zone to sparkZones, or raise sparkMaxVcpuPerZone/sparkMaxMemoryGiBPerZone in Pulumi.${ctx.stack}.yaml, then pulumi up; what it tried: kubectl get nodeclaims; kubectl describe nodepools`,
    },
    {
        id: "no-scale-up",
        pattern: /NotTriggerScaleUp|pod didn't trigger scale-up|max node group size reached/,
        cause: "Cluster Autoscaler did not add a node for the job's pods",
        fix: (ctx) =>
            `the pods' nodeSelector and tolerations must match a Spark node group of their zone (stack output sparkPools) and the group must be below its maximum (sparkMaxVcpuPerZone in Pulumi.${ctx.stack}.yaml); its reasoning: kubectl -n kube-system logs deployment/cluster-autoscaler`,
    },
];

function capacity(report: FailureReport, ctx: DiagnosisContext): Cause[] {
    const all = messages(report);
    for (const rule of CAPACITY_RULES) {
        const hit = all.find(({ text, source }) => rule.pattern.test(text) || rule.pattern.test(source));
        if (hit)
            return [
                { id: rule.id, cause: rule.cause, evidence: clip(`${hit.source}: ${hit.text}`), fix: rule.fix(ctx) },
            ];
    }
    const scheduling = report.snapshot.events.find((e) => e.reason === "FailedScheduling");
    const unscheduled = report.snapshot.pods.find((p) =>
        (p.status?.conditions ?? []).some((c) => c.type === "PodScheduled" && c.status === "False"),
    );
    if (!scheduling && !unscheduled) return [];
    const evidence = scheduling
        ? `FailedScheduling on ${scheduling.involvedObject?.name}: ${scheduling.message ?? ""}`
        : `${unscheduled?.metadata?.name} unscheduled: ${unscheduledMessage(unscheduled)}`;
    return [
        {
            id: "failed-scheduling",
            cause: "the job's pods cannot be scheduled and no node was added for them",
            evidence: clip(evidence),
            fix: `the pods' nodeSelector/tolerations must match a Spark pool in a zone of sparkZones (stack output sparkPools); whether the autoscaler tried: kubectl get nodeclaims (Karpenter) or kubectl -n kube-system logs deployment/cluster-autoscaler; to widen capacity, sparkExecutorInstanceFamilies/Sizes and sparkMaxVcpuPerZone in Pulumi.${ctx.stack}.yaml`,
        },
    ];
}

function unscheduledMessage(pod: V1Pod | undefined): string {
    const condition = (pod?.status?.conditions ?? []).find((c) => c.type === "PodScheduled");
    return condition?.message ?? condition?.reason ?? "PodScheduled=False";
}

function emrAccess(report: FailureReport, ctx: DiagnosisContext): Cause[] {
    const details = report.emr?.stateDetails ?? "";
    const reason = report.emr?.failureReason ?? "";
    if (!details && !reason) return [];
    const evidence = clip(`EMR failureReason ${reason || "-"}: ${details || "-"}`);
    const roleName = ctx.executionRoleArn.split("/").pop() ?? ctx.executionRoleArn;
    if (/AssumeRoleWithWebIdentity|not authorized to perform: sts:AssumeRole|trust/i.test(details))
        return [
            {
                id: "role-trust",
                cause: `the job's pods cannot assume the team's job role ${roleName} (its trust policy does not name them)`,
                evidence,
                fix: `compare aws iam get-role --role-name ${roleName} --query Role.AssumeRolePolicyDocument with the stack (pulumi preview --refresh shows the drift) and run pulumi up; do not run aws emr-containers update-role-trust-policy`,
            },
        ];
    if (
        reason === "CLUSTER_UNAVAILABLE" ||
        /Unauthorized|forbidden|access entr|AccessDenied.*eks|not authorized to access|rbac/i.test(details)
    )
        return [
            {
                id: "access-entry",
                cause: `EMR on EKS cannot reach namespace ${ctx.namespace} (no access entry for its service-linked role, or the entry lost its namespace scope)`,
                evidence,
                fix: `aws eks list-access-entries --cluster-name ${ctx.clusterName} --region ${ctx.region} must list role/aws-service-role/emr-containers.amazonaws.com/AWSServiceRoleForAmazonEMRContainers (AmazonEMRJobPolicy on the team namespaces); run pulumi up to restore it, and if the role itself is missing set emrCreateServiceLinkedRole: true in Pulumi.${ctx.stack}.yaml (or aws iam create-service-linked-role --aws-service-name emr-containers.amazonaws.com)`,
            },
        ];
    return [];
}

function operatorDown(report: FailureReport, ctx: DiagnosisContext): Cause[] {
    const pods = report.snapshot.operatorPods;
    if (!report.viaOperator || pods === undefined) return [];
    const ready = pods.filter(
        (p) => p.status?.phase === "Running" && (p.status.containerStatuses ?? []).every((c) => c.ready),
    );
    if (ready.length > 0) return [];
    const states = pods.map((p) => {
        const waiting = (p.status?.containerStatuses ?? []).find((c) => c.state?.waiting)?.state?.waiting?.reason;
        return `${p.metadata?.name} ${waiting ?? p.status?.phase ?? "?"}`;
    });
    return [
        {
            id: "operator-not-running",
            cause: `the Spark Operator is not running in namespace ${ctx.operatorNamespace}, so nothing acts on SparkApplications`,
            evidence: pods.length === 0 ? `no pods in ${ctx.operatorNamespace}` : clip(states.join("; ")),
            fix: `kubectl -n ${ctx.operatorNamespace} get pods,events and kubectl -n ${ctx.operatorNamespace} describe deployments; pulumi up re-installs the chart (stack output sparkOperatorChart)`,
        },
    ];
}

function crashed(report: FailureReport, ctx: DiagnosisContext): Cause[] {
    for (const pod of report.snapshot.pods) {
        for (const status of pod.status?.containerStatuses ?? []) {
            const terminated = status.state?.terminated ?? status.lastState?.terminated;
            if (terminated && terminated.exitCode !== 0)
                return [
                    {
                        id: "container-failed",
                        cause: `container ${status.name} of ${pod.metadata?.name} exited with ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}`,
                        evidence: clip(terminated.message ?? `exit code ${terminated.exitCode}`),
                        fix: `read its log: kubectl -n ${ctx.namespace} logs ${pod.metadata?.name} -c ${status.name}${terminated.reason === "OOMKilled" ? "; it ran out of memory: raise the job's memory or the LimitRange" : ""}`,
                    },
                ];
        }
    }
    return [];
}

const RULES = [imagePull, podSecurity, webhook, quota, capacity, emrAccess, operatorDown, crashed];

/** The likely causes, most specific first; a fallback pointing at the raw evidence when nothing matched. */
export function diagnose(report: FailureReport, ctx: DiagnosisContext): Cause[] {
    const causes = RULES.flatMap((rule) => rule(report, ctx));
    if (causes.length > 0) return causes;
    const emr = report.emr?.stateDetails ? ` EMR says: ${report.emr.stateDetails}.` : "";
    const unreadable =
        report.snapshot.unreadable.length > 0 ? ` Unreadable: ${report.snapshot.unreadable.join("; ")}.` : "";
    return [
        {
            id: "unknown",
            cause: "nothing the cluster reported explains it",
            evidence: clip(
                `${report.snapshot.pods.length} pod(s), ${report.snapshot.events.length} event(s).${emr}${unreadable}`,
            ),
            fix: `kubectl -n ${ctx.namespace} get pods,events --sort-by=.lastTimestamp, and the driver's log`,
        },
    ];
}

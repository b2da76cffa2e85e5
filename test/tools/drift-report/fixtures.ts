/**
 * Small previews shaped exactly like `pulumi preview --refresh --json` prints them (PreviewDigest / PreviewStep,
 * pkg/backend/display/json.go) and like `--event-log` lines (EngineEvent, sdk/go/common/apitype/events.go).
 */
export const STACK = "dev";
const PREFIX = `urn:pulumi:${STACK}::spark-platform::`;
export const STACK_URN = `${PREFIX}pulumi:pulumi:Stack::spark-platform-${STACK}`;

export const urn = (type: string, name: string, parents = "") => `${PREFIX}${parents}${type}::${name}`;

export const SUBNET = urn("aws:ec2/subnet:Subnet", "vpc-private-a", "spark:network:Vpc$");
export const ROLE = urn("aws:iam/role:Role", "team-data-eng-job", "spark:iam:IrsaRole$");
export const NODE_GROUP = urn("aws:eks/nodeGroup:NodeGroup", "system-nodes");
export const BUCKET = urn("aws:s3/bucketV2:BucketV2", "logs");
export const CONFIG_MAP = urn("kubernetes:core/v1:ConfigMap", "fluent-bit-config");

export interface State {
    urn: string;
    custom: boolean;
    id?: string;
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    parent?: string;
    provider?: string;
}

const typeOf = (u: string) => u.split("::")[2].split("$").pop() as string;

export function state(
    u: string,
    inputs: Record<string, unknown>,
    outputs: Record<string, unknown> = inputs,
    id = "id-1",
): State {
    return { urn: u, custom: true, id, type: typeOf(u), inputs, outputs, parent: STACK_URN };
}

/** The root stack's step, which every digest has (op same, detailedDiff null). */
export const stackStep = {
    op: "same",
    urn: STACK_URN,
    oldState: { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack" },
    newState: { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack" },
    detailedDiff: null,
};

/** With --refresh the digest first lists one refresh step per resource in state: not drift. */
export function refreshStep(s: State) {
    return { op: "refresh", urn: s.urn, provider: "default", oldState: s, newState: s, detailedDiff: null };
}

export function digest(steps: unknown[], extra: Record<string, unknown> = {}) {
    const changeSummary: Record<string, number> = {};
    for (const s of steps as Array<{ op: string }>) changeSummary[s.op] = (changeSummary[s.op] ?? 0) + 1;
    return {
        config: { "aws:region": "us-west-2" },
        steps: [stackStep, ...steps],
        duration: 41_000_000_000,
        changeSummary,
        ...extra,
    };
}

export type Diff = Record<string, { kind: string; inputDiff: boolean }>;

export function updateStep(old: State, next: State, detailedDiff: Diff | null, diffReasons: string[] = []) {
    return {
        op: "update",
        urn: old.urn,
        provider: "default",
        oldState: old,
        newState: { ...next, id: undefined },
        diffReasons,
        detailedDiff,
    };
}

export const lines = (events: unknown[]) =>
    `${events.map((e, i) => JSON.stringify({ sequence: i, timestamp: 1764390000 + i, ...(e as object) })).join("\n")}\n`;

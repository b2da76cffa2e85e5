import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_OUTPUT_LIMITS,
    FLUENT_BIT_CONFIG_MAP,
    FLUENT_BIT_WRAPPER_CONFIG_MAP,
    FluentBitOutputLimits,
    configInputProblems,
    fluentBitConfigData,
    wrapperScriptsData,
} from "./fluent-bit-config";
import { logIndexPrefix } from "../vocabulary";
import { DEFAULT_SIDECAR_TIMINGS, SidecarTimings, timingProblems } from "./sidecar-timings";

export interface TeamLogForwardingArgs {
    /** The team's name: its Spark pods ship logs to its own dated indices. */
    team: string;
    /** The team's namespace, where both ConfigMaps go. */
    namespace: pulumi.Input<string>;
    /** Hostname of the log domain's endpoint (LogDomain.endpoint). */
    domainEndpoint: pulumi.Input<string>;
    /** Region of the domain, for SigV4. */
    region: string;
    /**
     * How the sidecar follows the Spark container; must match the pod templates' sidecar.
     * @default DEFAULT_SIDECAR_TIMINGS
     */
    timings?: SidecarTimings;
    /** Retry and buffer bounds of the Fluent Bit output. @default DEFAULT_OUTPUT_LIMITS */
    limits?: FluentBitOutputLimits;
}

const defaults = { timings: DEFAULT_SIDECAR_TIMINGS, limits: DEFAULT_OUTPUT_LIMITS };

export const SIDECAR_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/name": "fluent-bit-sidecar",
    "app.kubernetes.io/part-of": "spark-platform",
    "app.kubernetes.io/managed-by": "pulumi",
};

/** The two ConfigMaps of one team's namespace, as manifests. */
export function sidecarConfigMaps<N, D>(namespace: N, configData: D, wrapperData: Record<string, string>) {
    return {
        config: {
            apiVersion: "v1" as const,
            kind: "ConfigMap" as const,
            metadata: { name: FLUENT_BIT_CONFIG_MAP, namespace, labels: { ...SIDECAR_LABELS } },
            data: configData,
        },
        wrapper: {
            apiVersion: "v1" as const,
            kind: "ConfigMap" as const,
            metadata: { name: FLUENT_BIT_WRAPPER_CONFIG_MAP, namespace, labels: { ...SIDECAR_LABELS } },
            data: wrapperData,
        },
    };
}

/**
 * The Fluent Bit sidecar ConfigMaps of one team's namespace: `<name>-config` holds `fluent-bit-sidecar-config` (the
 * team's pipeline to its own index) and `<name>-wrapper` holds `fluent-bit-sidecar-wrapper` (the scripts that tie
 * the sidecar to the Spark container). The pod templates mount both by these fixed names (see fluentBitSidecar()).
 * `opts` places them (the team's composite as parent, the cluster's provider). Returns the prefix of the team's
 * dated indices (`<prefix>-YYYY.MM.DD`).
 */
export function createTeamLogForwarding(
    name: string,
    args: TeamLogForwardingArgs,
    opts: pulumi.CustomResourceOptions,
): { indexPrefix: string } {
    const a = { ...defaults, ...args };
    const problems = logForwardingProblems(args);
    if (problems.length > 0) {
        throw new pulumi.ResourceError(
            `Spark log forwarding of team ${a.team}:\n  - ${problems.join("\n  - ")}`,
            opts.parent,
        );
    }
    const indexPrefix = logIndexPrefix(a.team);
    const configData = pulumi.output(a.domainEndpoint).apply((domainEndpoint) =>
        fluentBitConfigData({
            team: a.team,
            indexPrefix,
            domainEndpoint,
            region: a.region,
            timings: a.timings,
            limits: a.limits,
        }),
    );
    const manifests = sidecarConfigMaps(a.namespace, configData, wrapperScriptsData());
    new k8s.core.v1.ConfigMap(`${name}-config`, manifests.config, opts);
    new k8s.core.v1.ConfigMap(`${name}-wrapper`, manifests.wrapper, opts);
    return { indexPrefix };
}

/**
 * Every problem with the args but the endpoint (an Output, checked when it resolves), each naming the input, the
 * value and the fix; empty when they are valid.
 */
export function logForwardingProblems(args: TeamLogForwardingArgs): string[] {
    const a = { ...defaults, ...args };
    const problems: string[] = [...timingProblems(a.timings)];
    let indexPrefix: string;
    try {
        indexPrefix = logIndexPrefix(a.team);
    } catch (e) {
        return [...problems, e instanceof Error ? e.message : String(e)];
    }
    const input = { team: a.team, indexPrefix, region: a.region, timings: a.timings, limits: a.limits };
    problems.push(...configInputProblems({ ...input, domainEndpoint: "endpoint.checked.later" }));
    return [...new Set(problems)];
}

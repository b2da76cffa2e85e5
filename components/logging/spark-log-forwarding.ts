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
import { logIndexPrefix } from "./log-index";
import { DEFAULT_SIDECAR_TIMINGS, SidecarTimings, timingProblems } from "./sidecar-timings";

export interface SparkLogForwardingArgs {
    /** Teams whose Spark pods ship logs; each gets both ConfigMaps in its namespace and its own dated indices. */
    teams: readonly { name: string; namespace: pulumi.Input<string> }[];
    /** Hostname of the log domain's endpoint (LogDomain.endpoint). */
    domainEndpoint: pulumi.Input<string>;
    /** Region of the domain, for SigV4. */
    region: string;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
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
 * The Fluent Bit sidecar ConfigMaps in every team namespace: `fluent-bit-sidecar-config` (the team's pipeline to
 * its own index) and `fluent-bit-sidecar-wrapper` (the scripts that tie the sidecar to the Spark container). The
 * pod templates mount both by these fixed names (see fluentBitSidecar()).
 */
export class SparkLogForwarding extends pulumi.ComponentResource {
    /** Prefix of each team's dated indices (`<prefix>-YYYY.MM.DD`), keyed by team name. */
    readonly indexPrefixes: Readonly<Record<string, string>>;

    constructor(name: string, args: SparkLogForwardingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spark:logging:SparkLogForwarding", name, {}, opts);
        const a = { ...defaults, ...args };
        const problems = logForwardingProblems(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`Spark log forwarding:\n  - ${problems.join("\n  - ")}`, this);
        }
        const indexPrefixes = Object.fromEntries(a.teams.map((team) => [team.name, logIndexPrefix(team.name)]));
        const wrapperData = wrapperScriptsData();

        for (const team of a.teams) {
            const configData = pulumi.output(a.domainEndpoint).apply((domainEndpoint) =>
                fluentBitConfigData({
                    team: team.name,
                    indexPrefix: indexPrefixes[team.name],
                    domainEndpoint,
                    region: a.region,
                    timings: a.timings,
                    limits: a.limits,
                }),
            );
            const manifests = sidecarConfigMaps(team.namespace, configData, wrapperData);
            new k8s.core.v1.ConfigMap(`${name}-${team.name}-config`, manifests.config, {
                parent: this,
                provider: a.provider,
            });
            new k8s.core.v1.ConfigMap(`${name}-${team.name}-wrapper`, manifests.wrapper, {
                parent: this,
                provider: a.provider,
            });
        }

        this.indexPrefixes = indexPrefixes;
        this.registerOutputs({ indexPrefixes: this.indexPrefixes });
    }
}

/**
 * Every problem with the args but the endpoint (an Output, checked when it resolves), each naming the input, the
 * value and the fix; empty when they are valid.
 */
export function logForwardingProblems(args: SparkLogForwardingArgs): string[] {
    const a = { ...defaults, ...args };
    const problems: string[] = [...timingProblems(a.timings)];
    const seen = new Set<string>();
    for (const team of a.teams) {
        if (seen.has(team.name)) problems.push(`team "${team.name}" is listed twice; team names must be unique`);
        seen.add(team.name);
        let indexPrefix: string;
        try {
            indexPrefix = logIndexPrefix(team.name);
        } catch (e) {
            problems.push(e instanceof Error ? e.message : String(e));
            continue;
        }
        const input = { team: team.name, indexPrefix, region: a.region, timings: a.timings, limits: a.limits };
        problems.push(...configInputProblems({ ...input, domainEndpoint: "endpoint.checked.later" }));
    }
    return [...new Set(problems)];
}

/**
 * The stack outputs smoke runs on, read by their exported names (index.ts) and checked before anything is created:
 * from the Pulumi Automation API (`LocalWorkspace.selectStack(...).outputs()`, secrets in clear, as
 * `pulumi stack output --json --show-secrets` prints them), or from such a file.
 */
import * as path from "node:path";
import { InputError, isRecord, readJsonFile } from "../cli";

/** A team's `sparkTeamOutputs.<team>` entry, as far as smoke uses it. */
export interface TeamOutputs {
    readonly name: string;
    readonly namespace: string;
    readonly serviceAccount: string;
    readonly virtualClusterId: string;
    readonly executionRoleArn: string;
    /** The ready-to-run StartJobRun request (EMR containers API field names). */
    readonly startJobRunRequest: Record<string, unknown>;
    /** The sample SparkApplication manifest. */
    readonly sampleSparkApplication: Record<string, unknown>;
    /** Where the team's Spark logs are indexed in the log domain. */
    readonly logIndex: LogIndex;
}

/**
 * The team's log index: one index (`logIndex` output), or one per UTC day, `<prefix>-YYYY.MM.DD` (`logIndexPrefix`
 * output). Searches name concrete indices: the job roles may POST under their own indices' paths only.
 */
export type LogIndex =
    | { readonly kind: "single"; readonly index: string }
    | { readonly kind: "daily"; readonly prefix: string };

/** Where a cluster service answers, for the API server's service proxy. */
export interface ServiceRef {
    readonly namespace: string;
    readonly service: string;
    readonly port: number;
}

export interface StackOutputs {
    readonly region: string;
    readonly clusterName: string;
    /** Kubeconfig (JSON or YAML) of the cluster; authenticates with `aws eks get-token`. */
    readonly kubeconfig: string;
    readonly logDomainEndpoint: string;
    readonly operatorNamespace: string;
    readonly kubecost?: ServiceRef;
    readonly historyServer?: ServiceRef;
    readonly teams: readonly TeamOutputs[];
}

export function readOutputsFile(file: string): Record<string, unknown> {
    const raw = readJsonFile(path.resolve(file), "outputs file");
    if (!isRecord(raw))
        throw new InputError(
            `outputs file ${file} is not a JSON object (write it with \`pulumi stack output --json --show-secrets\`)`,
        );
    return raw;
}

/** Checks the outputs smoke needs; one InputError naming every missing or malformed output. */
export function parseStackOutputs(raw: Record<string, unknown>, source: string): StackOutputs {
    const problems: string[] = [];
    const text = (value: unknown, name: string): string => {
        if (typeof value === "string" && value !== "") return value;
        if (name === "kubeconfig" && isRecord(value)) return JSON.stringify(value);
        problems.push(value === undefined ? `${name} is missing` : `${name} is not a non-empty string`);
        return "";
    };
    const region = text(raw.region, "region");
    const clusterName = text(raw.clusterName, "clusterName");
    const kubeconfig = text(raw.kubeconfig, "kubeconfig");
    const logDomainEndpoint = text(raw.logDomainEndpoint, "logDomainEndpoint");
    const operator = isRecord(raw.sparkOperatorChart) ? raw.sparkOperatorChart : {};
    const operatorNamespace = text(operator.namespace, "sparkOperatorChart.namespace");

    const teams: TeamOutputs[] = [];
    if (!isRecord(raw.sparkTeamOutputs) || Object.keys(raw.sparkTeamOutputs).length === 0) {
        problems.push("sparkTeamOutputs is missing or lists no team");
    } else {
        for (const [name, value] of Object.entries(raw.sparkTeamOutputs)) {
            const team = isRecord(value) ? value : {};
            const field = (key: string) => text(team[key], `sparkTeamOutputs.${name}.${key}`);
            const object = (key: string): Record<string, unknown> => {
                const v = team[key];
                if (isRecord(v)) return v;
                problems.push(`sparkTeamOutputs.${name}.${key} is ${v === undefined ? "missing" : "not an object"}`);
                return {};
            };
            teams.push({
                name,
                namespace: field("namespace"),
                serviceAccount: field("serviceAccount"),
                virtualClusterId: field("virtualClusterId"),
                executionRoleArn: field("executionRoleArn"),
                logIndex:
                    typeof team.logIndexPrefix === "string" && team.logIndexPrefix !== ""
                        ? { kind: "daily", prefix: team.logIndexPrefix }
                        : { kind: "single", index: field("logIndex") },
                startJobRunRequest: object("startJobRunRequest"),
                sampleSparkApplication: object("sampleSparkApplication"),
            });
        }
    }
    if (problems.length > 0)
        throw new InputError(
            `${source} lacks what smoke needs (${problems.join("; ")}); is the stack deployed with this program's outputs?`,
        );
    return {
        region,
        clusterName,
        kubeconfig,
        logDomainEndpoint,
        operatorNamespace,
        kubecost: typeof raw.kubecostPortForward === "string" ? kubecostService(raw.kubecostPortForward) : undefined,
        historyServer: serviceRef(raw.sparkHistoryServer),
        teams,
    };
}

/**
 * Kubecost's service, from the `kubecostPortForward` output (`kubectl port-forward --namespace <ns>
 * deployment/<release>-cost-analyzer 9090`): the chart names the service like the deployment.
 */
function kubecostService(command: string): ServiceRef | undefined {
    const match = /--namespace (\S+) deployment\/(\S+) (\d+)/.exec(command);
    return match ? { namespace: match[1], service: match[2], port: Number(match[3]) } : undefined;
}

function serviceRef(value: unknown): ServiceRef | undefined {
    if (!isRecord(value)) return undefined;
    const { namespace, service, port } = value;
    return typeof namespace === "string" && typeof service === "string" && typeof port === "number"
        ? { namespace, service, port }
        : undefined;
}

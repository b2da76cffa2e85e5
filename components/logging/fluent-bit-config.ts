/**
 * The Fluent Bit configuration of the Spark log sidecar, as pure renderers: the ConfigMaps' data, tested without
 * mocks. Replaces aws-samples/aws-emr-eks-log-forwarding's `fluent-bit-sidecar-config`, with its fixes:
 * `Name opensearch` with `Suppress_Type_Name On` (OpenSearch 2.x rejects the `_type` the `es` output sends), TLS
 * verified, a per-team index written through `/<index>/_bulk` (the only path the team's role may POST to),
 * bounded retries, and bounded memory and disk buffers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SidecarTimings } from "./sidecar-timings";

/** Where the sidecar mounts `fluent-bit-sidecar-config`. */
export const FLUENT_BIT_CONFIG_DIR = "/fluent-bit/etc";
/** Where the sidecar mounts `fluent-bit-sidecar-wrapper`. */
export const WRAPPER_SCRIPTS_DIR = "/scripts";
/** Writable state of the sidecar (tail offsets, filesystem buffers): an emptyDir, the root filesystem is read-only. */
export const FLUENT_BIT_STATE_DIR = "/var/fluent-bit/state";
/** Spark application logs (stdout/stderr per container), shared by EMR with sidecars. */
export const SPARK_APPLICATION_LOG_DIR = "/var/log/spark/user";
/** Spark event logs (driver only), shared by EMR with sidecars. */
export const SPARK_EVENT_LOG_DIR = "/var/log/spark/apps";
/** The Spark container's heartbeat marker directory, shared by EMR with sidecars. */
export const MAIN_CONTAINER_MARKER_DIR = "/var/log/fluentd";

export const FLUENT_BIT_CONFIG_MAP = "fluent-bit-sidecar-config";
export const FLUENT_BIT_WRAPPER_CONFIG_MAP = "fluent-bit-sidecar-wrapper";

/** Scripts of the wrapper ConfigMap, read from `components/logging/scripts/`. */
export const WRAPPER_SCRIPTS = ["entrypoint.sh", "watch-main-container.sh"] as const;

export interface FluentBitOutputLimits {
    /** Attempts per chunk before Fluent Bit drops it (bounded, so a dead domain cannot pin memory forever). */
    retryLimit: number;
    /** Memory each tail input may buffer before it pauses reading (Fluent Bit size, e.g. `50M`). */
    memBufLimit: string;
    /** Disk the output's filesystem buffer may use before the oldest chunks are dropped (e.g. `512M`). */
    storageLimit: string;
}

export const DEFAULT_OUTPUT_LIMITS: Readonly<FluentBitOutputLimits> = {
    retryLimit: 5,
    memBufLimit: "50M",
    storageLimit: "512M",
};

export interface FluentBitConfigInput {
    /** Team the namespace belongs to; added to every record. */
    team: string;
    /** The team's index (see `logIndexName`). */
    index: string;
    /** Hostname of the OpenSearch domain's endpoint, without scheme. */
    domainEndpoint: string;
    /** Region of the domain, for SigV4. */
    region: string;
    /** Sidecar timings; Fluent Bit's shutdown grace is the flush grace. */
    timings: SidecarTimings;
    /** Retry and buffer bounds. */
    limits: FluentBitOutputLimits;
}

/** Problems with the input, each naming the field, the value and the fix; empty when it is valid. */
export function configInputProblems(input: FluentBitConfigInput): string[] {
    const problems: string[] = [];
    // Every value lands on a line of the configuration: nothing may carry a newline or a space into it.
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(input.team)) problems.push(`team "${input.team}" is not a DNS label`);
    if (!/^[a-z0-9][a-z0-9-]{0,254}$/.test(input.index))
        problems.push(`index "${input.index}" is not a lowercase index name`);
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(input.domainEndpoint)) {
        problems.push(`domainEndpoint "${input.domainEndpoint}" is not a hostname; give the endpoint without https://`);
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(input.region)) problems.push(`region "${input.region}" is not an AWS region`);
    if (!Number.isInteger(input.limits.retryLimit) || input.limits.retryLimit < 1 || input.limits.retryLimit > 20) {
        problems.push(
            `retryLimit is ${input.limits.retryLimit}; use 1–20 so a failing domain cannot hold chunks forever`,
        );
    }
    for (const key of ["memBufLimit", "storageLimit"] as const) {
        if (!/^\d+[KMG]$/.test(input.limits[key]))
            problems.push(`${key} is "${input.limits[key]}"; use a size such as 50M`);
    }
    return problems;
}

/** `fluent-bit.conf`: two tail inputs (application and event logs), record enrichment, the OpenSearch output. */
export function renderFluentBitConf(input: FluentBitConfigInput): string {
    const problems = configInputProblems(input);
    if (problems.length > 0)
        throw new Error(`Fluent Bit configuration of team "${input.team}": ${problems.join("; ")}`);
    const { limits } = input;
    return [
        section("SERVICE", [
            ["Flush", "1"],
            // On SIGTERM Fluent Bit keeps flushing this long; the watcher kills it only after the same grace.
            ["Grace", String(input.timings.flushGraceSeconds)],
            ["Daemon", "Off"],
            ["Log_Level", "info"],
            ["Parsers_File", `${FLUENT_BIT_CONFIG_DIR}/parsers.conf`],
            ["HTTP_Server", "Off"],
            ["storage.path", `${FLUENT_BIT_STATE_DIR}/buffers`],
            ["storage.sync", "normal"],
            ["storage.backlog.mem_limit", "16M"],
        ]),
        section("INPUT", [
            ["Name", "tail"],
            ["Alias", "spark_application_logs"],
            ["Tag", "spark.application"],
            ["Path", `${SPARK_APPLICATION_LOG_DIR}/*/*`],
            ["Path_Key", "filename"],
            ["DB", `${FLUENT_BIT_STATE_DIR}/application-logs.db`],
            // The sidecar may start after the Spark container has written its first lines.
            ["Read_from_Head", "On"],
            ["multiline.parser", "spark_log4j_multiline"],
            ["Buffer_Chunk_Size", "1M"],
            ["Buffer_Max_Size", "5M"],
            ["Mem_Buf_Limit", limits.memBufLimit],
            ["Skip_Long_Lines", "On"],
            ["Skip_Empty_Lines", "On"],
            ["Refresh_Interval", "5"],
            ["storage.type", "filesystem"],
        ]),
        section("INPUT", [
            ["Name", "tail"],
            ["Alias", "spark_event_logs"],
            ["Tag", "spark.event"],
            ["Path", `${SPARK_EVENT_LOG_DIR}/*`],
            ["Path_Key", "filename"],
            ["DB", `${FLUENT_BIT_STATE_DIR}/event-logs.db`],
            ["Read_from_Head", "On"],
            // Event log lines are single JSON events, some large (job start events carry every Spark property).
            ["Buffer_Chunk_Size", "1M"],
            ["Buffer_Max_Size", "16M"],
            ["Mem_Buf_Limit", limits.memBufLimit],
            ["Skip_Long_Lines", "On"],
            ["Skip_Empty_Lines", "On"],
            ["Refresh_Interval", "5"],
            ["storage.type", "filesystem"],
        ]),
        section("FILTER", [
            ["Name", "parser"],
            ["Match", "spark.application"],
            ["Key_Name", "log"],
            ["Parser", "spark_log4j"],
            ["Reserve_Data", "On"],
            ["Preserve_Key", "On"],
        ]),
        section("FILTER", [
            ["Name", "modify"],
            ["Match", "spark.application"],
            ["Add", "log_type application"],
        ]),
        section("FILTER", [
            ["Name", "modify"],
            ["Match", "spark.event"],
            ["Add", "log_type event"],
        ]),
        section("FILTER", [
            ["Name", "modify"],
            ["Match", "spark.*"],
            ["Add", `team ${input.team}`],
            // Set on the container from the downward API (see fluent-bit-sidecar.ts).
            ["Add", "pod_name ${POD_NAME}"],
            ["Add", "namespace ${POD_NAMESPACE}"],
            ["Add", "spark_role ${SPARK_ROLE}"],
        ]),
        section("OUTPUT", [
            ["Name", "opensearch"],
            ["Alias", "team_index"],
            ["Match", "spark.*"],
            ["Host", input.domainEndpoint],
            ["Port", "443"],
            // Bulk requests go to /<index>/_bulk: the path the team's role and the domain policy allow, nothing else.
            ["Path", `/${input.index}`],
            ["Index", input.index],
            ["Suppress_Type_Name", "On"],
            ["tls", "On"],
            ["tls.verify", "On"],
            ["AWS_Auth", "On"],
            ["AWS_Region", input.region],
            ["Replace_Dots", "On"],
            // A retried bulk request must not index the same line twice.
            ["Generate_ID", "On"],
            ["Trace_Error", "On"],
            ["Buffer_Size", "512K"],
            ["Retry_Limit", String(limits.retryLimit)],
            ["storage.total_limit_size", limits.storageLimit],
        ]),
    ].join("\n");
}

/**
 * `parsers.conf`: EMR's log4j2 layout of Spark application logs (`yy/MM/dd HH:mm:ss LEVEL logger: message`), and
 * a multiline rule that keeps a stack trace with the line that logged it.
 */
export function renderParsersConf(): string {
    return [
        section("PARSER", [
            ["Name", "spark_log4j"],
            ["Format", "regex"],
            [
                "Regex",
                "^(?<time>\\d{2}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}) " +
                    "(?<level>[A-Z]+) (?<logger>[^:]+): (?<message>.*)$",
            ],
            ["Time_Key", "time"],
            ["Time_Format", "%y/%m/%d %H:%M:%S"],
            ["Time_Keep", "On"],
        ]),
        section("MULTILINE_PARSER", [
            ["name", "spark_log4j_multiline"],
            ["type", "regex"],
            ["flush_timeout", "1000"],
            ["rule", '"start_state" "/^\\d{2}\\/\\d{2}\\/\\d{2} \\d{2}:\\d{2}:\\d{2} /" "cont"'],
            ["rule", '"cont" "/^(?!\\d{2}\\/\\d{2}\\/\\d{2} \\d{2}:\\d{2}:\\d{2} )/" "cont"'],
        ]),
    ].join("\n");
}

/** Data of `fluent-bit-sidecar-config` for one team. */
export function fluentBitConfigData(input: FluentBitConfigInput): Record<string, string> {
    return { "fluent-bit.conf": renderFluentBitConf(input), "parsers.conf": renderParsersConf() };
}

/** Data of `fluent-bit-sidecar-wrapper`: the scripts, byte for byte as they are in the repository. */
export function wrapperScriptsData(scriptsDir = path.join(__dirname, "scripts")): Record<string, string> {
    return Object.fromEntries(
        WRAPPER_SCRIPTS.map((file) => [file, fs.readFileSync(path.join(scriptsDir, file), "utf8")]),
    );
}

function section(name: string, entries: readonly (readonly [string, string])[]): string {
    const width = Math.max(...entries.map(([key]) => key.length)) + 1;
    return [`[${name}]`, ...entries.map(([key, value]) => `    ${key.padEnd(width)}${value}`), ""].join("\n");
}

/**
 * The Fluent Bit configuration of the Spark log sidecar, as pure renderers: the ConfigMaps' data, tested without
 * mocks. Replaces aws-samples/aws-emr-eks-log-forwarding's `fluent-bit-sidecar-config`, with its fixes:
 * `Name opensearch` with `Suppress_Type_Name On` (OpenSearch 2.x rejects the `_type` the `es` output sends), TLS
 * verified, one dated index per team and day (`<prefix>-YYYY.MM.DD`, so whole days can be deleted after the
 * retention) written through `/<prefix>/_bulk` (the only bulk path the team's role may POST to), bounded retries,
 * and bounded memory and disk buffers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LOG_INDEX_DATE_FORMAT } from "./log-index";
import { SidecarTimings } from "./sidecar-timings";

/** Where the sidecar mounts `fluent-bit-sidecar-config`. */
export const FLUENT_BIT_CONFIG_DIR = "/fluent-bit/etc";
/** Where the sidecar mounts `fluent-bit-sidecar-wrapper`. */
export const WRAPPER_SCRIPTS_DIR = "/scripts";
/** Writable state of the sidecar (tail offsets, filesystem buffers): an emptyDir, the root filesystem is read-only. */
export const FLUENT_BIT_STATE_DIR = "/var/fluent-bit/state";
/** Spark application logs (stdout/stderr per container), shared by EMR with sidecars. */
export const SPARK_APPLICATION_LOG_DIR = "/var/log/spark/user";
/**
 * Where the sidecar mounts EMR's `temp-data-dir` (the Spark container's /tmp), read-only: executors without a
 * monitoring configuration keep their end marker there (`SIDECAR_SIGNAL_FILE`).
 */
export const SPARK_TEMP_DATA_DIR = "/var/emr-temp-data";
/** The Spark container's heartbeat marker directory, shared by EMR with sidecars. */
export const MAIN_CONTAINER_MARKER_DIR = "/var/log/fluentd";

export const FLUENT_BIT_CONFIG_MAP = "fluent-bit-sidecar-config";
export const FLUENT_BIT_WRAPPER_CONFIG_MAP = "fluent-bit-sidecar-wrapper";

/** Scripts of the wrapper ConfigMap, read from `components/logging/scripts/`. */
export const WRAPPER_SCRIPTS = ["entrypoint.sh", "watch-main-container.sh"] as const;

export interface FluentBitOutputLimits {
    /** Attempts per chunk before Fluent Bit drops it (bounded, so a dead domain cannot pin memory forever). */
    retryLimit: number;
    /**
     * Chunks Fluent Bit keeps in memory (`storage.max_chunks_up`); the rest wait on disk. With filesystem storage
     * this, not `Mem_Buf_Limit`, bounds the buffers' memory: a chunk is about 2 MiB (Fluent Bit's "Buffering and
     * storage"), and Fluent Bit's default of 128 would allow ~256 MiB while the domain is slow.
     */
    maxChunksUp: number;
    /** Disk the output's filesystem buffer may use before the oldest chunks are dropped (e.g. `512M`). */
    storageLimit: string;
}

export const DEFAULT_OUTPUT_LIMITS: Readonly<FluentBitOutputLimits> = {
    retryLimit: 5,
    maxChunksUp: 32,
    storageLimit: "512M",
};

/** Fluent Bit's upper bound of one chunk, MiB ("chunks are never much larger than 2 MB"). */
export const CHUNK_SIZE_MIB = 2;
/** Memory of backlog chunks loaded at start (`storage.backlog.mem_limit`), MiB. */
const BACKLOG_MEM_LIMIT_MIB = 16;
/** The tail input's largest line buffer (`Buffer_Max_Size`), MiB. */
const TAIL_BUFFER_MAX_MIB = 5;
/** Fluent Bit itself, its multiline state, the TLS client and the output's response buffer, MiB. */
const PROCESS_BASELINE_MIB = 96;

/**
 * The sidecar's memory limit for the given buffer bounds: the process, every chunk allowed up, the backlog and the
 * tail's line buffer, rounded up to 32 MiB. Sized from the configuration so a slow domain fills the buffers on disk
 * instead of OOM-killing the sidecar (and losing what it held).
 */
export function sidecarMemoryLimitMiB(limits: FluentBitOutputLimits): number {
    const needed =
        PROCESS_BASELINE_MIB + limits.maxChunksUp * CHUNK_SIZE_MIB + BACKLOG_MEM_LIMIT_MIB + TAIL_BUFFER_MAX_MIB;
    return Math.ceil(needed / 32) * 32;
}

export interface FluentBitConfigInput {
    /** Team the namespace belongs to; added to every record. */
    team: string;
    /** Prefix of the team's dated indices (see `logIndexPrefix`): `<prefix>-YYYY.MM.DD`. */
    indexPrefix: string;
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
    if (!/^[a-z0-9][a-z0-9-]{0,240}$/.test(input.indexPrefix))
        problems.push(`indexPrefix "${input.indexPrefix}" is not a lowercase index name`);
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(input.domainEndpoint)) {
        problems.push(`domainEndpoint "${input.domainEndpoint}" is not a hostname; give the endpoint without https://`);
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(input.region)) problems.push(`region "${input.region}" is not an AWS region`);
    if (!Number.isInteger(input.limits.retryLimit) || input.limits.retryLimit < 1 || input.limits.retryLimit > 20) {
        problems.push(
            `retryLimit is ${input.limits.retryLimit}; use 1–20 so a failing domain cannot hold chunks forever`,
        );
    }
    const chunks = input.limits.maxChunksUp;
    if (!Number.isInteger(chunks) || chunks < 4 || chunks > 128) {
        problems.push(`maxChunksUp is ${chunks}; use 4–128 (each chunk up holds about ${CHUNK_SIZE_MIB} MiB)`);
    }
    if (!/^\d+[KMG]$/.test(input.limits.storageLimit))
        problems.push(`storageLimit is "${input.limits.storageLimit}"; use a size such as 512M`);
    return problems;
}

/**
 * `fluent-bit.conf`: the application-log tail input, record enrichment, the OpenSearch output. No event-log input:
 * `spark.eventLog.dir` points at the platform bucket, so the event-log directory stays empty.
 */
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
            // The memory bound of filesystem buffering; the container's limit is sized from it.
            ["storage.max_chunks_up", String(limits.maxChunksUp)],
            ["storage.backlog.mem_limit", `${BACKLOG_MEM_LIMIT_MIB}M`],
        ]),
        section("INPUT", [
            ["Name", "tail"],
            ["Alias", "spark_application_logs"],
            ["Tag", "spark.application"],
            ["Path", `${SPARK_APPLICATION_LOG_DIR}/*/*`],
            // EMR's own log shipper keeps its read positions (*.pos) beside the logs: not log lines.
            ["Exclude_Path", "*.pos"],
            ["Path_Key", "filename"],
            ["DB", `${FLUENT_BIT_STATE_DIR}/application-logs.db`],
            // The sidecar may start after the Spark container has written its first lines.
            ["Read_from_Head", "On"],
            ["multiline.parser", "spark_log4j_multiline"],
            ["Buffer_Chunk_Size", "1M"],
            ["Buffer_Max_Size", `${TAIL_BUFFER_MAX_MIB}M`],
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
            // Bulk requests go to /<prefix>/_bulk: the one bulk path the team's role and the domain policy allow.
            ["Path", `/${input.indexPrefix}`],
            // One index per team and day, `<prefix>-YYYY.MM.DD`, dated when the line is shipped (a parsed log time
            // could name a day already past the retention): whole days are deleted once older than the retention.
            ["Logstash_Format", "On"],
            ["Logstash_Prefix", input.indexPrefix],
            ["Logstash_DateFormat", LOG_INDEX_DATE_FORMAT],
            ["Current_Time_Index", "On"],
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

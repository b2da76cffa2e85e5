/**
 * Layout of the platform bucket: one top-level prefix per kind of object, then one prefix per team. Kind first,
 * so a lifecycle rule (whose filter is a literal prefix) covers every team's logs at once, and team second, so a
 * job execution role can be granted exactly its own team's objects.
 */
import { glueDatabaseProblem } from "../vocabulary";

/** Top-level prefixes; lifecycle rules and IAM grants are written against these. */
export const BUCKET_PREFIXES = {
    /** Job code and dependencies the team uploads (CI); jobs only read it. */
    code: "code/",
    /** Driver/executor pod templates the platform uploads; jobs only read them. */
    podTemplates: "pod-templates/",
    /** Container logs EMR on EKS ships (monitoringConfiguration.s3MonitoringConfiguration). */
    logs: "logs/",
    /** Spark event logs (spark.eventLog.dir), read by the Spark History Server / persistent app UI. */
    sparkEvents: "spark-events/",
    /** The team's working data: what its jobs read and write. */
    data: "data/",
    /**
     * Spark's fallback storage (`spark.storage.decommission.fallbackStorage.path`): shuffle blocks a reclaimed Spot
     * executor could hand to no peer. Spark removes them at the end of a job; a lifecycle rule removes what a failed
     * driver left behind.
     */
    shuffleFallback: "shuffle-fallback/",
} as const;

export type PrefixKind = keyof typeof BUCKET_PREFIXES;

export type TeamPrefixes = Readonly<Record<PrefixKind, string>>;

const TEAM = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The team's prefix of one kind, e.g. `code/data-team-a/`, unchecked: for messages about a name still being read. */
export function teamPrefix(kind: PrefixKind, team: string): string {
    return `${BUCKET_PREFIXES[kind]}${team}/`;
}

/** The team's prefix of each kind, e.g. `logs/data-team-a/`. */
export function teamPrefixes(team: string): TeamPrefixes {
    if (!TEAM.test(team))
        throw new Error(`team ${JSON.stringify(team)} is not a DNS label; it names the team's bucket prefixes`);
    const entries = Object.keys(BUCKET_PREFIXES).map((kind) => [kind, teamPrefix(kind as PrefixKind, team)]);
    return Object.fromEntries(entries) as Record<PrefixKind, string>;
}

/**
 * Location of a Glue database the team owns: `data/<team>/<database>.db/`, Hive's warehouse convention under the
 * team's data prefix, so the tables Spark creates in it (`<location>/<table>`) are objects the team's role may
 * write, and no other team's. The `.db` suffix keeps a database apart from a plain folder of the same name.
 */
export function glueDatabasePrefix(team: string, database: string): string {
    const problem = glueDatabaseProblem(database);
    if (problem !== undefined) throw new Error(`Glue database ${JSON.stringify(database)} ${problem}`);
    return `${teamPrefixes(team).data}${database}.db/`;
}

/**
 * The key of a prefix's directory marker: the prefix itself, a zero-byte object ending in `/`, which S3 file systems
 * (S3A, EMRFS) take as an existing directory. Spark's event-log writer refuses to start when `spark.eventLog.dir`
 * is not a directory (`EventLogFileWriter.requireLogBaseDirAsDirectory`).
 */
export function directoryMarkerKey(prefix: string): string {
    if (!prefix.endsWith("/")) throw new Error(`prefix ${JSON.stringify(prefix)} must end in /`);
    return prefix;
}

/** The prefix as a path without its trailing `/`: the key a file system probes first when it stats the directory. */
export function directoryPathKey(prefix: string): string {
    return directoryMarkerKey(prefix).slice(0, -1);
}

/** `s3://<bucket>/<key>`. */
export function s3Uri(bucket: string, key: string): string {
    return `s3://${bucket}/${key}`;
}

/**
 * The whole stack configuration, parsed and validated in one place before any resource is created. Each section
 * (./sections/) reads its keys; this composes them and reports every problem at once.
 *
 * Keys with scalar or list values are declared (type, default, description) in Pulumi.yaml; the engine fills in
 * their defaults. `teams` and `tags` hold objects, which Pulumi.yaml's config schema cannot type, so they are
 * documented there and checked here.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigReader, RawConfig } from "./config-reader";
import { InvalidConfigError } from "./invalid-config-error";
import { AlertSettings, readAlerts } from "./sections/alerts";
import { MetricsSettings, readMetrics } from "./sections/metrics";
import { imageArchitectureProblems } from "./pulled-images";
import { reportUnknownKeys } from "./setting-keys";
import { AwsSettings, readAws } from "./sections/aws";
import { CapacitySettings, readCapacity } from "./sections/capacity";
import { EmrSettings, readEmr } from "./sections/emr";
import { ClusterSettings, readCluster } from "./sections/cluster";
import { NetworkSettings, readNetwork } from "./sections/network";
import {
    LogForwardingSettings,
    OpenSearchSettings,
    readLogForwarding,
    readObservability,
} from "./sections/observability";
import { SparkSettings, readSpark } from "./sections/spark";
import { readTags } from "./sections/tags";
import { type TeamSettings, platformBucketName, queueLabelProblem } from "../components/vocabulary";
import { readTeams } from "./sections/teams";
import { SparkUiSettings, readSparkUi } from "./sections/spark-ui";

export interface Settings {
    readonly project: string;
    readonly stack: string;
    /** Prefix of every physical name: `spark-<stack>`. Also the EKS cluster name. */
    readonly namePrefix: string;
    readonly aws: AwsSettings;
    readonly network: NetworkSettings;
    readonly cluster: ClusterSettings;
    readonly spark: SparkSettings;
    readonly teams: readonly TeamSettings[];
    /** The log store of the observability section (the `opensearch*` keys). */
    readonly opensearch: OpenSearchSettings;
    /** The Fluent Bit sidecar that ships each Spark pod's logs to the domain (the `fluentBit*` keys). */
    readonly logForwarding: LogForwardingSettings;
    /** Tags applied to every AWS resource, on top of the ones the program sets. */
    readonly tags: Readonly<Record<string, string>>;
    /** Node capacity: the system node group and the instance shapes of the Spark pools. */
    readonly capacity: CapacitySettings;
    /** EMR on EKS job execution: the platform bucket and log retention (the `emr*` keys). */
    readonly emr: EmrSettings;
    /** Who gets the platform's alerts. */
    readonly alerts: AlertSettings;
    /** Where people look at the Spark metrics: the optional Grafana workspace. */
    readonly metrics: MetricsSettings;
    /** The login-protected Spark UI (the `sparkUi*` keys); undefined when off, the default. */
    readonly sparkUi?: SparkUiSettings;
}

/** Parses `raw` into Settings, or throws one InvalidConfigError listing every problem, one line each. */
export function parseSettings(raw: RawConfig, project: string, stack: string): Settings {
    const r = new ConfigReader(raw, project);
    const namePrefix = `spark-${stack}`;
    // A misspelt key first: the "is not set" that often follows it is its consequence.
    reportUnknownKeys(r, raw);
    // Later sections check against earlier ones (zones against the region, Spark zones against the VPC's).
    const aws = readAws(r);
    const network = readNetwork(r, aws?.region);
    const cluster = readCluster(r, network?.vpcCidr, aws?.partition);
    const spark = readSpark(r, network?.availabilityZones, aws?.region);
    // The platform bucket is in the stack's account, one of aws:allowedAccountIds (the provider refuses any other).
    const platformBuckets = aws?.allowedAccountIds.map((account) =>
        platformBucketName(namePrefix, account, aws.region),
    );
    const teams = readTeams(r, aws?.partition, platformBuckets);
    if (spark?.batchScheduler === "yunikorn") {
        teams?.forEach((team, i) => {
            const problem = queueLabelProblem(team);
            if (problem !== undefined) r.report(`teams[${i}].namespace`, team.namespace, problem);
        });
    }
    const opensearch = readObservability(r, {
        vpcZones: network?.availabilityZones,
        clusterAdmins: cluster?.adminPrincipalArns,
        partition: aws?.partition,
    });
    const logForwarding = readLogForwarding(r);
    const tags = readTags(r);
    const capacity = readCapacity(r);
    const emr = readEmr(r);
    const alerts = readAlerts(r);
    const metrics = readMetrics(r);
    const sparkUi = readSparkUi(r, { region: aws?.region, partition: aws?.partition });
    // Any stack name Pulumi accepts works: every AWS name derived from it is fitted to its limits
    // (components/vocabulary/stack-names.ts).
    if (
        r.errors.length > 0 ||
        !aws ||
        !network ||
        !cluster ||
        !spark ||
        !teams ||
        !opensearch ||
        !logForwarding ||
        !tags ||
        !capacity ||
        !emr ||
        !alerts ||
        !metrics ||
        sparkUi === null
    ) {
        throw new InvalidConfigError(r.errors);
    }
    const settings: Settings = {
        project,
        stack,
        namePrefix,
        aws,
        network,
        cluster,
        spark,
        teams,
        opensearch,
        logForwarding,
        tags,
        capacity,
        emr,
        alerts,
        metrics,
        ...(sparkUi === undefined ? {} : { sparkUi }),
    };
    // Last, as it needs the whole stack: which images run where, and on which architectures.
    const imageProblems = imageArchitectureProblems(settings, r.namespace);
    if (imageProblems.length > 0) throw new InvalidConfigError(imageProblems);
    return settings;
}

/** Reads the configuration the engine passed to this program (PULUMI_CONFIG), for `pulumi up` and the offline plan. */
export function loadSettings(): Settings {
    const raw = new Map<string, string>();
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        raw.set(key, value);
    }
    return parseSettings(raw, pulumi.getProject(), pulumi.getStack());
}

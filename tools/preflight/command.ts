/**
 * `npm run preflight -- --stack <name> [--json]`: before the first `pulumi up`, checks with the user's AWS
 * credentials what the offline tests cannot see, and prints pass or fail with a fix for each check as it goes.
 * Exit 0 all pass, 1 a check failed, 2 bad usage, an invalid stack file or no usable credentials.
 */
import { AmpClient } from "@aws-sdk/client-amp";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECRClient } from "@aws-sdk/client-ecr";
import { EKSClient } from "@aws-sdk/client-eks";
import { IAMClient } from "@aws-sdk/client-iam";
import { GlueClient } from "@aws-sdk/client-glue";
import { OpenSearchClient } from "@aws-sdk/client-opensearch";
import { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { readdirSync } from "node:fs";
import { CHARTS_DIR, readChartPin } from "../../components/charts";
import { CONTROLLER_CHART } from "../../components/ingress";
import { problemLine, sparkOperatorChart } from "../../components/spark";
import { AUTOSCALERS } from "../../components/vocabulary";
import { InvalidConfigError, type Settings, parseSettings } from "../../stack-config";
import { type Command, ExitCode, InputError, UsageError, callerIdentity, parseOptions } from "../cli";
import { PROJECT_DIR } from "../plan/plan";
import { StackConfigError, readProject, readStackConfig } from "../plan/stack-config";
import { type AwsClients, CHECKS, type CheckResult, runCheck } from "./checks";
import { type ChartSource, chartSourceOf, preflightPlan } from "./plan";

export const USAGE = `Usage: npm run preflight -- --stack <name> [--stack-dir <folder>] [--json]

  --stack <name>        check what Pulumi.<name>.yaml will need from AWS, with the credentials of this shell
  --stack-dir <folder>  read Pulumi.<name>.yaml from this folder instead of the project's
  --json                print {"stack","caller","checks":[{id,title,status,detail,fix}]} on stdout (progress on stderr)

Exit status: 0 every check passed, 1 a check failed, 2 bad usage, an invalid stack file or no AWS credentials.`;

/** The chart pin whose coordinates come from the EMR release label and the region, not from pin.yaml. */
const SPARK_OPERATOR_PIN = "spark-operator";

export interface PreflightClients extends AwsClients {
    readonly sts: STSClient;
}

export interface PreflightDeps {
    /** SDK clients for the stack's region; tests hand in mocked ones. */
    readonly clientsFor: (region: string) => PreflightClients;
    /** Folder of Pulumi.yaml; @default the project. */
    readonly projectDir?: string;
    /** Folder of Pulumi.<stack>.yaml; @default projectDir. */
    readonly stackDir?: string;
}

export function defaultClients(region: string): PreflightClients {
    return {
        sts: new STSClient({ region }),
        ec2: new EC2Client({ region }),
        eks: new EKSClient({ region }),
        ssm: new SSMClient({ region }),
        // IAM and Service Quotas are answered per partition/region like the rest.
        iam: new IAMClient({ region }),
        quotas: new ServiceQuotasClient({ region }),
        ecr: new ECRClient({ region }),
        amp: new AmpClient({ region }),
        opensearch: new OpenSearchClient({ region }),
        glue: new GlueClient({ region }),
        fetch: (url, init) => fetch(url, init),
    };
}

export function preflightCommand(deps: PreflightDeps = { clientsFor: defaultClients }): Command {
    return async (argv, io) => {
        const options = parseOptions(argv, {
            stack: { type: "string" },
            "stack-dir": { type: "string" },
            json: { type: "boolean" },
            help: { type: "boolean", short: "h" },
        });
        if (options.help) {
            io.stdout(`${USAGE}\n`);
            return ExitCode.ok;
        }
        if (!options.stack) throw new UsageError("--stack <name> is required");
        const settings = loadStackSettings(options.stack, { ...deps, stackDir: options["stack-dir"] ?? deps.stackDir });
        const plan = preflightPlan(settings, pinnedCharts(settings), settings.capacity.createSpotServiceLinkedRole);
        const clients = deps.clientsFor(settings.aws.region);
        const progress = (text: string) => (options.json ? io.stderr(text) : io.stdout(text));

        progress(`preflight for stack ${options.stack} in ${settings.aws.region}\n`);
        const caller = await callerIdentity(clients.sts, "preflight");
        progress(`caller: ${caller.arn}\n`);

        const checks = CHECKS.filter((c) => c.applies?.(plan) ?? true);
        const results: CheckResult[] = [];
        for (const [i, check] of checks.entries()) {
            progress(`[${i + 1}/${checks.length}] ${check.title} … `);
            const result = await runCheck(check, plan, clients, caller);
            results.push(result);
            progress(`${formatResult(result)}\n`);
        }
        const failed = results.filter((r) => r.status === "fail").length;
        progress(
            failed === 0
                ? `\nAll ${results.length} checks passed.\n`
                : `\n${failed} of ${results.length} checks failed.\n`,
        );
        if (options.json) io.stdout(`${JSON.stringify({ stack: options.stack, caller, checks: results })}\n`);
        return failed === 0 ? ExitCode.ok : ExitCode.failed;
    };
}

function formatResult(result: CheckResult): string {
    return result.status === "pass"
        ? `pass\n      ${result.detail}`
        : `FAIL\n      ${result.detail}\n      fix: ${result.fix ?? ""}`;
}

function loadStackSettings(stack: string, deps: PreflightDeps): Settings {
    const projectDir = deps.projectDir ?? PROJECT_DIR;
    try {
        const project = readProject(projectDir);
        return parseSettings(readStackConfig(deps.stackDir ?? projectDir, project, stack), project.name, stack);
    } catch (e) {
        if (e instanceof InvalidConfigError || e instanceof StackConfigError)
            throw new InputError(e.message.replace(/\n/g, "\n  "));
        throw e;
    }
}

/** Every pinned chart as the program pulls it; the Spark Operator's version and registry follow the settings. */
function pinnedCharts(settings: Settings): ChartSource[] {
    return (
        readdirSync(CHARTS_DIR, { withFileTypes: true })
            .filter((d) => d.isDirectory())
            .map((d) => readChartPin(d.name))
            // Only the autoscaler the stack runs is installed; the other's chart is never pulled.
            .filter((pin) => !isAutoscaler(pin.name) || pin.name === settings.cluster.autoscaler)
            // The load balancer controller serves only the login-protected Spark UI.
            .filter((pin) => pin.name !== CONTROLLER_CHART || settings.sparkUi !== undefined)
            .map((pin) => {
                if (pin.name !== SPARK_OPERATOR_PIN) return chartSourceOf(pin);
                const operator = sparkOperatorChart(
                    settings.aws.region,
                    settings.spark.emrRelease,
                    settings.spark.operatorSource,
                );
                if (Array.isArray(operator)) throw new InputError(operator.map(problemLine).join("; "));
                return {
                    name: pin.name,
                    reference: operator.chart,
                    version: operator.version,
                    ecrRegistryId: operator.registry?.accountId,
                };
            })
            .sort((a, b) => a.name.localeCompare(b.name))
    );
}

const isAutoscaler = (name: string): boolean => (AUTOSCALERS as readonly string[]).includes(name);

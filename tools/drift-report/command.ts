/**
 * `npm run drift:report -- --preview <file> [--events <file>] [--ignore <file>] [--json]`: the drift report of a
 * `pulumi preview --refresh --json` run. Exit 0 no drift (a due rotation is reported, not counted as drift), 3 drift,
 * 1 the preview itself failed, 2 bad usage or unreadable input.
 */
import * as path from "node:path";
import { Command, ExitCode, parseOptions, readTextFile, readYamlFile, UsageError } from "../cli";
import { readDriftRules } from "./ignore";
import { driftMarkdown } from "./markdown";
import { emptyRun, mergeRuns, readEventLog, readPreview } from "./preview";
import { buildReport, verdictOf } from "./report";

/** Exit status when the preview completed and found drift. */
export const DRIFT_EXIT = 3;

export const DEFAULT_IGNORE_FILE = path.resolve(__dirname, "..", "..", "drift-ignore.yaml");

export const USAGE = `Usage: npm run drift:report -- --preview <preview.json> [--events <events.jsonl>]
                                        [--ignore <file>] [--json]

  --preview <file>  stdout of \`pulumi preview --refresh --json\` (empty when the CLI failed before the engine ran)
  --events <file>   the engine event log of the same run (\`--event-log <file>\`): adds policy findings and diagnostics
  --ignore <file>   ignore list and rotations; defaults to drift-ignore.yaml at the repository root
  --json            print {"drifted":[…],"rotations":[…],"ignored":[…],"errors":[…],"policy":[…]} instead of Markdown

Exit status: 0 no drift (a rotation due is not drift), 3 drift, 1 the preview failed (its errors are shown),
2 bad usage or unreadable input.`;

export const driftReport: Command = async (argv, io) => {
    const options = parseOptions(argv, {
        preview: { type: "string" },
        events: { type: "string" },
        ignore: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
    });
    if (options.help) {
        io.stdout(`${USAGE}\n`);
        return ExitCode.ok;
    }
    if (options.preview === undefined || options.preview === "") throw new UsageError("--preview <file> is required");
    if (options.events === "" || options.ignore === "") throw new UsageError("option values must not be empty");

    const ignoreFile = options.ignore ?? DEFAULT_IGNORE_FILE;
    const rules = readDriftRules(readYamlFile(ignoreFile, "ignore list"), ignoreFile);
    const preview = readPreview(readTextFile(options.preview, "preview output"), options.preview);
    const events =
        options.events === undefined
            ? emptyRun()
            : readEventLog(readTextFile(options.events, "event log"), options.events);
    const report = buildReport(mergeRuns(preview, events), rules);

    io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : driftMarkdown(report));
    const verdict = verdictOf(report);
    if (verdict === "failed") {
        io.stderr(`drift:report: the preview failed: ${report.errors[0].message.split("\n")[0]}\n`);
        return ExitCode.failed;
    }
    return verdict === "drift" ? DRIFT_EXIT : ExitCode.ok;
};

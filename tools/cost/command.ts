/**
 * `npm run cost`: the offline cost estimate of a stack (the one `npm run plan` prints), and with --base the
 * difference from the same stack in another checkout (the pull request's base branch), as Markdown for the
 * pull-request verdict. Only the stack files and Pulumi.yaml of --base are read, never its code.
 */
import * as path from "node:path";
import { InvalidConfigError, parseSettings } from "../../stack-config";
import { type CommandIo, ExitCode, InputError, UsageError, firstLine, parseOptions } from "../cli";
import { PROJECT_DIR } from "../plan/plan";
import { StackConfigError, StackFileMissingError, readProject, readStackConfig } from "../plan/stack-config";
import { type CostEstimate, estimateCost } from "../cost-estimate/estimate";
import { costDiffMarkdown, formatCostEstimate } from "../cost-estimate/format";
import { readPriceTable } from "../cost-estimate/price-table";

export const COST_USAGE = `usage: npm run cost -- --stack <name> [--stack-dir <folder>] [--base <checkout>]

  --stack <name>        estimate Pulumi.<name>.yaml
  --stack-dir <folder>  folder holding Pulumi.<name>.yaml (default: the project folder)
  --base <checkout>     print the difference from the same stack in that checkout (its Pulumi.yaml and
                        Pulumi.<name>.yaml), as Markdown

Exit status: 0 estimated (or outside the price table, which the output says); 2 bad usage, no such stack or an
invalid stack file.`;

const OPTIONS = {
    stack: { type: "string" },
    "stack-dir": { type: "string" },
    base: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

/** The estimate of a stack of a project folder; throws StackConfigError/InvalidConfigError on a bad stack file. */
export function estimateStack(projectDir: string, stackDir: string, stack: string): CostEstimate {
    const project = readProject(projectDir);
    const settings = parseSettings(readStackConfig(stackDir, project, stack), project.name, stack);
    return estimateCost(settings, readPriceTable());
}

export async function costCommand(argv: readonly string[], io: CommandIo): Promise<number> {
    const options = parseOptions(argv, OPTIONS);
    if (options.help) {
        io.stdout(`${COST_USAGE}\n`);
        return ExitCode.ok;
    }
    if (!options.stack) throw new UsageError("--stack <name> is required");
    if ([options["stack-dir"], options.base].includes("")) throw new UsageError("option values must not be empty");
    const stack = options.stack;
    let head: CostEstimate;
    try {
        head = estimateStack(PROJECT_DIR, path.resolve(options["stack-dir"] ?? PROJECT_DIR), stack);
    } catch (e) {
        if (e instanceof InvalidConfigError || e instanceof StackConfigError) throw new InputError(firstLine(e));
        throw e;
    }
    if (options.base === undefined) {
        io.stdout(formatCostEstimate(head));
        return ExitCode.ok;
    }
    const baseDir = path.resolve(options.base);
    let base: CostEstimate | undefined;
    try {
        base = estimateStack(baseDir, baseDir, stack);
    } catch (e) {
        if (e instanceof StackFileMissingError) base = undefined;
        else if (e instanceof InvalidConfigError || e instanceof StackConfigError)
            base = { covered: false, reason: `its stack file does not parse here (${firstLine(e)})` };
        else throw e;
    }
    io.stdout(costDiffMarkdown(stack, base, head));
    return ExitCode.ok;
}

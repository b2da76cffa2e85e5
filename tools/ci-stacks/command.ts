/**
 * `npm run ci:stacks -- --for <pull-request|drift> [--github-output <file>] [--summary <file>]`: the stacks a
 * workflow works on, from `.github/ci-stacks.yaml` checked against the stack files. Without --github-output it prints
 * the plan as JSON. With it, it appends `matrix=<json>`, `count=<n>` and `stacks=<names>` to that file (GitHub's step
 * outputs), prints a warning annotation per stack it will not preview, and appends a table of every stack and its
 * fate to --summary. Exit 2 with one line on a mistake in the list.
 */
import { appendFileSync } from "node:fs";
import * as path from "node:path";
import { Command, ExitCode, parseOptions, UsageError } from "../cli";
import { planWorkflow, readCiStacks, type Workflow, type WorkflowPlan } from "./ci-stacks";

export const USAGE =
    "Usage: npm run ci:stacks -- --for <pull-request|drift> [--github-output <file>] [--summary <file>] [--dir <project>]";

const WORKFLOWS: readonly Workflow[] = ["pull-request", "drift"];

export const ciStacksCommand: Command = async (argv, io) => {
    const options = parseOptions(argv, {
        for: { type: "string" },
        "github-output": { type: "string" },
        summary: { type: "string" },
        dir: { type: "string" },
    });
    const workflow = options.for as Workflow | undefined;
    if (workflow === undefined || !WORKFLOWS.includes(workflow))
        throw new UsageError(`--for must be one of ${WORKFLOWS.join(", ")}`);
    const dir = options.dir ?? path.resolve(__dirname, "..", "..");
    const plan = planWorkflow(dir, readCiStacks(dir), workflow);
    if (options["github-output"] === undefined) {
        io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
        return ExitCode.ok;
    }
    appendFileSync(
        options["github-output"],
        `matrix=${JSON.stringify(plan.matrix)}\ncount=${plan.matrix.length}\nstacks=${plan.stacks.join(" ")}\n`,
    );
    for (const { stack, reason } of plan.skipped)
        io.stdout(`::warning title=${workflow} does not preview stack ${stack}::${escapeAnnotation(reason)}\n`);
    if (options.summary !== undefined) appendFileSync(options.summary, summaryMarkdown(workflow, plan));
    return ExitCode.ok;
};

/** Workflow commands end at a newline and treat % specially (GitHub's toolkit escapes them the same way). */
function escapeAnnotation(text: string): string {
    return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function summaryMarkdown(workflow: Workflow, plan: WorkflowPlan): string {
    const rows = [
        ...plan.matrix.map((m) => `| \`${m.stack}\` | previewed on \`${m.runner}\` as \`${m.role}\` |`),
        ...plan.skipped.map((s) => `| \`${s.stack}\` | not previewed: ${s.reason.replace(/\|/g, "\\|")} |`),
    ];
    return `### Stacks of the ${workflow} workflow (.github/ci-stacks.yaml)\n\n| Stack | |\n| --- | --- |\n${rows.join("\n")}\n\n`;
}

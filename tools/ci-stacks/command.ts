/**
 * `npm run ci:stacks -- --for <pull-request|drift|smoke> [--stack <name>] [--github-output <file>] [--summary <file>]`:
 * the stacks a workflow works on, from `.github/ci-stacks.yaml` checked against the stack files. Without
 * --github-output it prints the plan as JSON. With it, it appends `matrix=<json>`, `count=<n>` and `stacks=<names>`
 * to that file (GitHub's step outputs), prints a warning annotation per stack it will not preview, and appends a
 * table of every stack and its fate to --summary. Exit 2 with one line on a mistake in the list.
 *
 * `--for smoke --stack <name>` plans the one stack a person asked to smoke-test: a stack CI cannot smoke-test (no
 * runner, no smokeRole, a cluster its runner cannot reach) is an error annotation and exit 1, not a warning, because
 * a green run would read as a passed smoke test.
 */
import { appendFileSync } from "node:fs";
import * as path from "node:path";
import { Command, ExitCode, InputError, parseOptions, UsageError } from "../cli";
import { closestName } from "../../components/vocabulary";
import {
    CI_STACKS_FILE,
    planWorkflow,
    readCiStacks,
    type CiStack,
    type Workflow,
    type WorkflowPlan,
} from "./ci-stacks";

export const USAGE =
    "Usage: npm run ci:stacks -- --for <pull-request|drift|smoke> [--stack <name>] [--github-output <file>] " +
    "[--summary <file>] [--dir <project>]";

const WORKFLOWS: readonly Workflow[] = ["pull-request", "drift", "smoke"];

export const ciStacksCommand: Command = async (argv, io) => {
    const options = parseOptions(argv, {
        for: { type: "string" },
        "github-output": { type: "string" },
        summary: { type: "string" },
        stack: { type: "string" },
        dir: { type: "string" },
    });
    const workflow = options.for as Workflow | undefined;
    if (workflow === undefined || !WORKFLOWS.includes(workflow))
        throw new UsageError(`--for must be one of ${WORKFLOWS.join(", ")}`);
    if ((workflow === "smoke") !== (options.stack !== undefined))
        throw new UsageError(
            workflow === "smoke" ? "--for smoke needs --stack <name>" : "--stack goes only with --for smoke",
        );
    const dir = options.dir ?? path.resolve(__dirname, "..", "..");
    const plan = planWorkflow(dir, chosenStacks(readCiStacks(dir), options.stack), workflow);
    // A smoke test someone asked for and CI cannot run fails the run: a green run would read as a passed test.
    const refused = workflow === "smoke" ? plan.skipped : [];
    if (options["github-output"] === undefined) {
        io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
        return refused.length > 0 ? ExitCode.failed : ExitCode.ok;
    }
    appendFileSync(
        options["github-output"],
        `matrix=${JSON.stringify(plan.matrix)}\ncount=${plan.matrix.length}\nstacks=${plan.stacks.join(" ")}\n`,
    );
    for (const { stack, reason } of plan.skipped) {
        const [level, title] =
            workflow === "smoke"
                ? ["error", `CI cannot smoke-test stack ${stack}`]
                : ["warning", `${workflow} does not preview stack ${stack}`];
        io.stdout(`::${level} title=${title}::${escapeAnnotation(reason)}\n`);
    }
    if (options.summary !== undefined) appendFileSync(options.summary, summaryMarkdown(workflow, plan));
    return refused.length > 0 ? ExitCode.failed : ExitCode.ok;
};

/** The one stack asked for, or every stack; a name the list does not hold is a one-line error. */
function chosenStacks(stacks: CiStack[], stack: string | undefined): CiStack[] {
    if (stack === undefined) return stacks;
    const chosen = stacks.filter((s) => s.stack === stack);
    if (chosen.length === 0) {
        const names = stacks.map((s) => s.stack);
        const near = closestName(stack, names);
        throw new InputError(
            `stack "${stack}" is not in ${CI_STACKS_FILE}${near ? `; did you mean "${near}"?` : ""} (listed: ${names.join(", ")})`,
        );
    }
    return chosen;
}

/** Workflow commands end at a newline and treat % specially (GitHub's toolkit escapes them the same way). */
function escapeAnnotation(text: string): string {
    return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function summaryMarkdown(workflow: Workflow, plan: WorkflowPlan): string {
    const verb = workflow === "smoke" ? "smoke-tested" : "previewed";
    const rows = [
        ...plan.matrix.map((m) => `| \`${m.stack}\` | ${verb} on \`${m.runner}\` as \`${m.role}\` |`),
        ...plan.skipped.map((s) => `| \`${s.stack}\` | not ${verb}: ${s.reason.replace(/\|/g, "\\|")} |`),
    ];
    return `### Stacks of the ${workflow} workflow (.github/ci-stacks.yaml)\n\n| Stack | |\n| --- | --- |\n${rows.join("\n")}\n\n`;
}

/**
 * A stack's outputs through the Pulumi Automation API, secrets in clear (the Automation API reads them as
 * `pulumi stack output --json --show-secrets` does). It drives the Pulumi CLI, which must be installed and logged
 * in to the stack's backend.
 */
import { InputError, firstLine } from "../cli";

export async function readOutputsWithAutomation(stack: string, projectDir: string): Promise<Record<string, unknown>> {
    try {
        // Loaded only when needed: the Automation API takes seconds to load, and --outputs does without it.
        const { LocalWorkspace } = await import("@pulumi/pulumi/automation/index.js");
        const workspaceStack = await LocalWorkspace.selectStack({ stackName: stack, workDir: projectDir });
        const outputs = await workspaceStack.outputs();
        return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
    } catch (e) {
        // A missing CLI surfaces as a CommandError whose message holds `spawn pulumi ENOENT` past its first line.
        const message = e instanceof Error ? e.message : String(e);
        if (/spawn pulumi ENOENT|Command failed with ENOENT/.test(message))
            throw new InputError(
                `the Pulumi CLI is needed to read stack ${stack}'s outputs and was not found (install it: https://www.pulumi.com/docs/install/), or pass --outputs <file> written by \`pulumi stack output --json --show-secrets\``,
            );
        const stderr = /stderr: (.+)/.exec(message)?.[1]?.trim();
        throw new InputError(`cannot read the outputs of stack ${stack}: ${stderr || firstLine(e).trim()}`);
    }
}

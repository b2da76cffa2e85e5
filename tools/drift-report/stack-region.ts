/**
 * `npx tsx tools/drift-report/stack-region.ts --stack <name>`: prints `aws:region` from `Pulumi.<name>.yaml`, so the
 * workflows take each stack's region from the stack's own config instead of a constant. Exit 2 with one line
 * naming the file and the fix when the file or the key is missing.
 */
import * as path from "node:path";
import { Command, ExitCode, InputError, parseOptions, readYamlFile, runCommand, UsageError } from "../cli";

/** AWS region names: partition prefix, geography, number (us-west-2, us-gov-west-1, cn-north-1, eu-central-2). */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** `aws:region` of a parsed stack file; InputError when it is absent or not a region name. */
export function stackRegion(doc: unknown, file: string): string {
    const config = typeof doc === "object" && doc !== null ? (doc as { config?: unknown }).config : undefined;
    const region =
        typeof config === "object" && config !== null ? (config as Record<string, unknown>)["aws:region"] : undefined;
    if (region === undefined)
        throw new InputError(`${file} sets no aws:region; run \`pulumi config set aws:region <region>\``);
    if (typeof region !== "string" || !REGION.test(region)) {
        throw new InputError(
            `${file}: aws:region ${JSON.stringify(region)} is not an AWS region name (e.g. us-west-2)`,
        );
    }
    return region;
}

export const USAGE = "Usage: npx tsx tools/drift-report/stack-region.ts --stack <name> [--dir <project dir>]";

export const printStackRegion: Command = async (argv, io) => {
    const options = parseOptions(argv, { stack: { type: "string" }, dir: { type: "string" } });
    if (!options.stack || !/^[\w.-]+$/.test(options.stack))
        throw new UsageError("--stack <name> is required (a stack name)");
    const file = path.join(options.dir ?? path.resolve(__dirname, "..", ".."), `Pulumi.${options.stack}.yaml`);
    io.stdout(`${stackRegion(readYamlFile(file, "stack config"), file)}\n`);
    return ExitCode.ok;
};

if (require.main === module) runCommand("stack-region", USAGE, printStackRegion);

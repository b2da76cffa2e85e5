/**
 * A command run through `runCommand` as the tools' cli.ts files run theirs, for the process-level test of the shared
 * entry point: it writes `argv[0]` lines of output, leaves a timer running (as a planned program may leave handles
 * open), and returns `argv[1]` as its exit code.
 */
import { runCommand } from "../../../tools/cli";

runCommand("chatty", "usage: chatty <lines> <exit code>", async ([lines, code], io) => {
    for (let i = 0; i < Number(lines); i++) io.stdout(`line ${i} ${"x".repeat(100)}\n`);
    io.stdout("end of report\n");
    setInterval(() => undefined, 60_000);
    return Number(code);
});

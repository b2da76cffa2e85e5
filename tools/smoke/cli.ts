import { runCommand } from "../cli";
import { DEFAULT_DEPS, USAGE, smokeCommand } from "./command";

// The AWS SDK's Node 20 advisory says nothing about this run (the SDK is pinned in the lockfile); see preflight.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// The first Ctrl-C stops the waits and cleans up what the run created; a second one leaves at once.
const interrupt = new AbortController();
process.once("SIGINT", () => {
    interrupt.abort();
    process.once("SIGINT", () => process.exit(130));
});

runCommand("smoke", USAGE, smokeCommand({ ...DEFAULT_DEPS, signal: interrupt.signal }));

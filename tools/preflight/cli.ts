import { runCommand } from "../cli";
import { USAGE, preflightCommand } from "./command";

// The AWS SDK warns on Node 20 that its releases after January 2027 need Node 22; the SDK is pinned exactly in the
// lockfile, so the advisory says nothing about this run and would bury the one-line answers preflight prints.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

runCommand("preflight", USAGE, preflightCommand());

/** Process entry of `npm run policy:check`; the command itself is tools/policy-check/command.ts. */
import { runCommand } from "../cli";
import { POLICY_CHECK_USAGE, policyCheckCommand } from "./command";

runCommand("policy:check", POLICY_CHECK_USAGE, policyCheckCommand);

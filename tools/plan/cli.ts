/** Process entry of `npm run plan`; the command itself is tools/plan/command.ts. */
import { runCommand } from "../cli";
import { PLAN_USAGE, planCommand } from "./command";

runCommand("plan", PLAN_USAGE, planCommand);

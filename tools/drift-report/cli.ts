/** Process entry of `npm run drift:report`; the command itself is in command.ts so tests run it in-process. */
import { runCommand } from "../cli";
import { driftReport, USAGE } from "./command";

runCommand("drift:report", USAGE, driftReport);

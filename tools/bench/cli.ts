/** Process entry of `npm run bench`; the command itself is tools/bench/command.ts. */
import { runCommand } from "../cli";
import { BENCH_USAGE, benchCommand } from "./command";

runCommand("bench", BENCH_USAGE, benchCommand);

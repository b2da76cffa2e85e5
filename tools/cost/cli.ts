import { runCommand } from "../cli";
import { COST_USAGE, costCommand } from "./command";

runCommand("cost", COST_USAGE, costCommand);

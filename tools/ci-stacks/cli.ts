import { runCommand } from "../cli";
import { ciStacksCommand, USAGE } from "./command";

runCommand("ci:stacks", USAGE, ciStacksCommand);

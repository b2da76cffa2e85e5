/**
 * What every offline tool shares: the command-line plumbing (errors, input readers, options, the process entry
 * point) and, for the tools that talk to AWS, who the credentials belong to.
 */
export * from "./plumbing";
export { type Caller, callerIdentity } from "./aws-caller";

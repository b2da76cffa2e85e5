import * as pulumi from "@pulumi/pulumi";

/**
 * Stack configuration that does not pass validation. A RunError, so the Pulumi CLI prints the message alone,
 * without a stack trace.
 */
export class InvalidConfigError extends pulumi.RunError {
    constructor(readonly problems: readonly string[]) {
        super(problems.map((p) => `invalid stack config: ${p}`).join("\n"));
        this.name = "InvalidConfigError";
    }
}

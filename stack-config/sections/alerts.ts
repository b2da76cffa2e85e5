import { ConfigReader, matches } from "../config-reader";

/** Who hears about failed jobs and a log domain in trouble (the `alert*` keys). */
export interface AlertSettings {
    /** Addresses subscribed by e-mail to the stack's alert topic; each confirms once. */
    readonly emailSubscriptions: readonly string[];
}

/** What SNS accepts as an e-mail endpoint, loosely: one `@`, a dotted domain, no spaces. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function readAlerts(r: ConfigReader): AlertSettings | undefined {
    const emails = r.stringList("alertEmails", "list the e-mail addresses that get the platform's alerts, or []", {
        allowEmpty: true,
    });
    const ok = r.checkEach(
        "alertEmails",
        emails,
        matches(
            EMAIL,
            "is not an e-mail address (name@example.com); subscribe other endpoints to the alertTopicArn output",
        ),
    );
    return emails !== undefined && ok ? { emailSubscriptions: emails } : undefined;
}

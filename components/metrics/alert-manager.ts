/**
 * The workspace's alert manager definition: every alert goes to the stack's SNS topic (the only receiver AMP
 * supports; `sigv4.region` is required, `api_url` and `http_config` are refused: AMP user guide,
 * "AMP-alertmanager-receiver-config").
 */
import { stringify } from "yaml";

export interface AlertManagerInput {
    readonly topicArn: string;
    readonly region: string;
    /** Head of every message's subject, e.g. the stack's name prefix. */
    readonly subjectPrefix: string;
}

export const ALERT_RECEIVER = "alert-topic";

export function alertManagerConfig(input: AlertManagerInput) {
    if (!/^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(input.topicArn)) {
        throw new Error(`alert manager: ${JSON.stringify(input.topicArn)} is not an SNS topic ARN`);
    }
    return {
        route: {
            receiver: ALERT_RECEIVER,
            group_by: ["alertname", "team", "namespace"],
            group_wait: "1m",
            group_interval: "10m",
            repeat_interval: "4h",
        },
        receivers: [
            {
                name: ALERT_RECEIVER,
                sns_configs: [
                    {
                        topic_arn: input.topicArn,
                        sigv4: { region: input.region },
                        // SNS subjects are at most 100 characters; the default template can be longer.
                        subject: `${input.subjectPrefix}: {{ .GroupLabels.alertname }}`,
                    },
                ],
            },
        ],
    };
}

/** What `aws.amp.AlertManagerDefinition` takes: the Alertmanager configuration as a string under `alertmanager_config`. */
export function alertManagerDefinition(input: AlertManagerInput): string {
    return stringify({ alertmanager_config: stringify(alertManagerConfig(input), { lineWidth: 0 }) }, { lineWidth: 0 });
}

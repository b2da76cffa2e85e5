import { ConfigReader } from "../config-reader";
import {
    GRAFANA_WORKSPACE_OPTIONS,
    type GrafanaAuthentication,
    grafanaAuthenticationOf,
} from "../../components/vocabulary";

/** Where people look at the Spark metrics (the `grafana*` keys). */
export interface MetricsSettings {
    /** How people sign in to the stack's Amazon Managed Grafana workspace; absent: no workspace. */
    readonly grafanaAuthentication?: GrafanaAuthentication;
}

export function readMetrics(r: ConfigReader): MetricsSettings | undefined {
    const option = r.oneOf("grafanaWorkspace", GRAFANA_WORKSPACE_OPTIONS);
    if (option === undefined) return undefined;
    const authentication = grafanaAuthenticationOf(option);
    return authentication === undefined ? {} : { grafanaAuthentication: authentication };
}

/**
 * The rotation of the token the program provisions the Grafana workspace with. Amazon Managed Grafana service account
 * tokens live 30 days at most (CreateWorkspaceServiceAccountToken `secondsToLive`), and only `pulumi up` mints one, so
 * the token is named for the rotation window of the day the program runs in: the first `pulumi up` of a new window
 * replaces it (the new token is made before the old one is deleted, and the Grafana provider takes the new one
 * before it touches a dashboard). Because a token lives two windows, the one in the state is still valid for a whole
 * window after the last `pulumi up`: refreshes and deletions, which run with the token in the state, keep working that
 * long, and `pulumi up` works at any time, since it mints a token before it calls Grafana.
 */

/** The longest life AMG grants a service account token: 30 days. */
export const GRAFANA_TOKEN_SECONDS_TO_LIVE = 30 * 24 * 60 * 60;

/** Rotation window: half a token's life, so the token in the state outlives the window after the one it was made in. */
export const GRAFANA_TOKEN_ROTATION_DAYS = 15;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface GrafanaTokenRotation {
    /** The token's name: `pulumi-<first day of the window, UTC>`. */
    readonly name: string;
    /** Where the window starts and ends (exclusive). */
    readonly windowStart: Date;
    readonly windowEnd: Date;
    readonly secondsToLive: number;
}

/** The token for a program run at `now`: windows of GRAFANA_TOKEN_ROTATION_DAYS counted from the Unix epoch, UTC. */
export function grafanaTokenRotation(now: Date): GrafanaTokenRotation {
    const ms = now.getTime();
    if (!Number.isFinite(ms)) throw new Error(`the Grafana token rotation needs a valid date, got ${String(now)}`);
    const windowMs = GRAFANA_TOKEN_ROTATION_DAYS * DAY_MS;
    const start = Math.floor(ms / windowMs) * windowMs;
    const windowStart = new Date(start);
    return {
        name: `pulumi-${windowStart.toISOString().slice(0, 10)}`,
        windowStart,
        windowEnd: new Date(start + windowMs),
        secondsToLive: GRAFANA_TOKEN_SECONDS_TO_LIVE,
    };
}

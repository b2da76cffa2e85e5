/** `--timeout` values: a whole number with a unit, `90s`, `20m`, `1h`. */
import { UsageError } from "../cli";

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

export function parseDuration(option: string, value: string): number {
    const match = /^(\d+)(s|m|h)$/.exec(value.trim());
    const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : 0;
    if (!match || ms <= 0 || ms > 24 * UNIT_MS.h)
        throw new UsageError(`${option} "${value}" is not a duration between 1s and 24h, such as 90s, 20m or 1h`);
    return ms;
}

/** Elapsed time as progress lines show it: `42s`, `3m07s`. */
export function formatElapsed(ms: number): string {
    const seconds = Math.floor(ms / 1000);
    return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/**
 * Kubernetes quantities in the grammar of YuniKorn's queue resources: digits and an SI suffix only, no decimal
 * point (yunikorn-core pkg/common/resources/quantity.go, v1.8.0: `^[0-9]+\s*([mkKMGTPE]i?)?$`, `m` for vcore only).
 * A team's "1.5" cores or "1.5Gi" must become "1500m" and "1610612736", exactly: the queue's maximum has to equal
 * the ResourceQuota that Kubernetes reads from the same setting.
 */

const QUANTITY = /^(\d*)(?:\.(\d+))?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const DECIMAL: Readonly<Record<string, number>> = { k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** YuniKorn's resource names for CPU and memory. */
export type YuniKornResource = "vcore" | "memory";

/**
 * The quantity as YuniKorn reads it, with the same value Kubernetes gives it (rounded up to the resource's
 * smallest unit, a millicore or a byte, as Kubernetes rounds requests). Throws on text that is not a quantity.
 */
export function yunikornQuantity(quantity: string, resource: YuniKornResource): string {
    const m = QUANTITY.exec(quantity);
    if (!m || (m[1] === "" && m[2] === undefined)) {
        throw new RangeError(`${JSON.stringify(quantity)} is not a Kubernetes quantity such as 500m, 64 or 256Gi`);
    }
    const [, whole, fraction, suffix = ""] = m;
    // Already in YuniKorn's grammar: keep the text as written, so the queue reads like the quota.
    if (fraction === undefined && (suffix !== "m" || resource === "vcore")) return quantity;
    // value = mantissa / 10^fraction digits × the suffix's factor; counted in millicores for vcore, bytes for memory.
    let numerator = BigInt(`${whole}${fraction ?? ""}`);
    let denominator = 10n ** BigInt((fraction ?? "").length);
    if (suffix === "m") denominator *= 1000n;
    else if (suffix in DECIMAL) numerator *= 10n ** BigInt(DECIMAL[suffix]);
    else if (suffix in BINARY) numerator *= 2n ** BigInt(BINARY[suffix]);
    if (resource === "vcore") numerator *= 1000n;
    const units = (numerator + denominator - 1n) / denominator;
    return resource === "vcore" ? `${units}m` : `${units}`;
}

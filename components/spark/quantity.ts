/**
 * Kubernetes resource quantities ("500m", "64", "256Gi") as numbers, to compare a team's quota with the
 * platform's per-container defaults.
 */
const SUFFIX: Readonly<Record<string, number>> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};
const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The quantity in base units (cores, bytes). Throws on anything that is not a plain decimal quantity. */
export function quantityValue(quantity: string): number {
    const m = QUANTITY.exec(quantity);
    if (!m) throw new RangeError(`${JSON.stringify(quantity)} is not a Kubernetes quantity such as 500m, 64 or 256Gi`);
    return Number(m[1]) * SUFFIX[m[2] ?? ""];
}

/** The smaller of two quantities, as written. */
export function minQuantity(a: string, b: string): string {
    return quantityValue(b) < quantityValue(a) ? b : a;
}

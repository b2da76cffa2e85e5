/** IPv4 CIDR blocks: parsed once (from the stack config), then compared and subdivided by the network. */

export interface Cidr {
    readonly text: string;
    /** First address as an unsigned 32-bit integer. */
    readonly base: number;
    readonly prefixLength: number;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses an IPv4 CIDR block, rejecting octets over 255, prefixes over 32 and host bits that are set. */
export function parseCidr(text: string): Cidr | string {
    const m = IPV4_CIDR.exec(text);
    if (!m) return "is not an IPv4 CIDR block such as 10.0.0.0/16";
    const octets = m.slice(1, 5).map(Number);
    const prefixLength = Number(m[5]);
    if (octets.some((o) => o > 255)) return "has an octet above 255";
    if (prefixLength > 32) return "has a prefix length above /32";
    const base = octets.reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - prefixLength);
    if (base % size !== 0) {
        return `has host bits set; the network address is ${formatCidr(base - (base % size), prefixLength)}`;
    }
    return { text, base, prefixLength };
}

export function formatCidr(base: number, prefixLength: number): string {
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefixLength}`;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    const aEnd = a.base + 2 ** (32 - a.prefixLength);
    const bEnd = b.base + 2 ** (32 - b.prefixLength);
    return a.base < bEnd && b.base < aEnd;
}

/** The `index`-th block of `newBits` more bits inside `parent` (Terraform's cidrsubnet). */
export function subdivideCidr(parent: Cidr, newBits: number, index: number): Cidr {
    const prefixLength = parent.prefixLength + newBits;
    if (prefixLength > 32 || index < 0 || index >= 2 ** newBits) {
        throw new RangeError(`cannot take block ${index} of /${prefixLength} inside ${parent.text}`);
    }
    const base = parent.base + index * 2 ** (32 - prefixLength);
    return { text: formatCidr(base, prefixLength), base, prefixLength };
}

/** True when `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
    return (
        outer.prefixLength <= inner.prefixLength &&
        inner.base >= outer.base &&
        inner.base + 2 ** (32 - inner.prefixLength) <= outer.base + 2 ** (32 - outer.prefixLength)
    );
}

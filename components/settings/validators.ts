/**
 * Pure checks over configuration values. Each returns a parsed value or a description of what is
 * wrong, so the settings parser can collect every problem before anything is registered.
 */

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

/** RFC 1123 label: what Kubernetes requires of namespace names. */
export function isDnsLabel(value: string): boolean {
    return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** A positive Kubernetes resource quantity such as "64", "500m" or "256Gi". */
export function isPositiveQuantity(value: string): boolean {
    return QUANTITY.test(value) && Number.parseFloat(value) > 0;
}

export interface EmrReleaseLabel {
    readonly label: string;
    readonly major: number;
    readonly minor: number;
    readonly patch: number;
    /**
     * Version of the EMR Spark Operator chart that matches the release: the label without the `emr-` prefix and the
     * `-latest` / date suffix (emr-7.12.0-latest → 7.12.0, emr-6.12.0-java17-latest → 6.12.0-java17).
     */
    readonly sparkOperatorChartVersion: string;
}

const EMR_RELEASE_LABEL = /^emr-(\d+)\.(\d+)\.(\d+)((?:-[a-z][a-z0-9]*)*)-(latest|\d{8})$/;

/** The Spark Operator ships for EMR 6.10.0 and later (EMR on EKS guide, "Setting up the Spark operator"). */
export const MIN_EMR_RELEASE = { major: 6, minor: 10 } as const;

export function parseEmrReleaseLabel(label: string): EmrReleaseLabel | string {
    const m = EMR_RELEASE_LABEL.exec(label);
    if (!m) return "is not an EMR release label such as emr-7.12.0-latest or emr-7.12.0-20251111";
    const [major, minor, patch] = [m[1], m[2], m[3]].map(Number);
    if (major < MIN_EMR_RELEASE.major || (major === MIN_EMR_RELEASE.major && minor < MIN_EMR_RELEASE.minor)) {
        return `is older than emr-${MIN_EMR_RELEASE.major}.${MIN_EMR_RELEASE.minor}.0, the first release with the EMR Spark Operator`;
    }
    return { label, major, minor, patch, sparkOperatorChartVersion: `${major}.${minor}.${patch}${m[4]}` };
}

const IAM_PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(role|user)\/[\w+=,.@\-/]+$/;

export interface IamPrincipalArn {
    readonly arn: string;
    readonly partition: string;
    readonly accountId: string;
}

export function parseIamPrincipalArn(arn: string): IamPrincipalArn | string {
    const m = IAM_PRINCIPAL_ARN.exec(arn);
    if (!m) return "is not an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admin";
    return { arn, partition: m[1], accountId: m[2] };
}

/** A plain object (a YAML or JSON map): not null, not a list. */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The known name closest to `name` by edit distance (case-insensitive), for "did you mean" hints; undefined when
 * nothing is close enough to be a plausible typo (more than a third of the longer name differs).
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
    let best: { name: string; distance: number } | undefined;
    for (const candidate of known) {
        const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
        if (!best || distance < best.distance) best = { name: candidate, distance };
    }
    if (!best) return undefined;
    const tolerance = Math.max(2, Math.ceil(Math.max(name.length, best.name.length) / 3));
    return best.distance <= tolerance ? best.name : undefined;
}

/** Levenshtein distance, with a transposition counted as one edit. */
function editDistance(a: string, b: string): number {
    const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) rows[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
        }
    }
    return rows[a.length][b.length];
}

/** True when `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
    return (
        outer.prefixLength <= inner.prefixLength &&
        inner.base >= outer.base &&
        inner.base + 2 ** (32 - inner.prefixLength) <= outer.base + 2 ** (32 - outer.prefixLength)
    );
}

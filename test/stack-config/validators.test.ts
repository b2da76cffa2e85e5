import * as assert from "node:assert/strict";
import { Cidr, subdivideCidr, cidrsOverlap, parseCidr, parseEmrReleaseLabel } from "../../components/vocabulary";
import { isDnsLabel, isPositiveQuantity } from "../../stack-config/validators";

function cidr(text: string): Cidr {
    const parsed = parseCidr(text);
    assert.equal(typeof parsed, "object", `${text}: ${String(parsed)}`);
    return parsed as Cidr;
}

describe("config validators", () => {
    it("parses CIDR blocks and rejects malformed ones", () => {
        assert.equal(cidr("10.20.0.0/16").prefixLength, 16);
        assert.equal(parseCidr("10.20.0.0"), "is not an IPv4 CIDR block such as 10.0.0.0/16");
        assert.equal(parseCidr("10.20.0.0/33"), "has a prefix length above /32");
        assert.equal(parseCidr("10.20.0.5/24"), "has host bits set; the network address is 10.20.0.0/24");
    });

    it("detects overlapping ranges", () => {
        assert.ok(cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.0.128.0/17")));
        assert.ok(!cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.1.0.0/16")));
        assert.ok(
            cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.0.0.0/15")),
            "a range overlaps the larger range holding it",
        );
    });

    it("subdivides a block like Terraform's cidrsubnet", () => {
        assert.equal(subdivideCidr(cidr("10.0.0.0/16"), 3, 0).text, "10.0.0.0/19");
        assert.equal(subdivideCidr(cidr("10.0.0.0/16"), 3, 6).text, "10.0.192.0/19");
        assert.throws(() => subdivideCidr(cidr("10.0.0.0/16"), 3, 8), RangeError);
    });

    it("accepts Kubernetes quantities and DNS labels, and nothing else", () => {
        for (const q of ["64", "500m", "256Gi", "1.5", "2T"]) assert.ok(isPositiveQuantity(q), q);
        for (const q of ["0", "lots", "-1", "1GB", ""]) assert.ok(!isPositiveQuantity(q), q);
        assert.ok(isDnsLabel("spark-team-a"));
        for (const l of ["Spark", "-a", "a-", "a_b", "a".repeat(64)]) assert.ok(!isDnsLabel(l), l);
    });

    it("derives the Spark Operator chart version from the EMR release label", () => {
        const version = (label: string) => {
            const parsed = parseEmrReleaseLabel(label);
            return typeof parsed === "string" ? parsed : parsed.sparkOperatorChartVersion;
        };
        assert.equal(version("emr-7.12.0-latest"), "7.12.0");
        assert.equal(version("emr-6.12.0-java17-latest"), "6.12.0-java17");
        assert.equal(version("emr-7.13.0-20260410"), "7.13.0");
        assert.match(version("emr-6.9.0-latest"), /older than emr-6.10.0/);
    });
});

import { ConfigReader } from "../config-reader";
import type { Cidr } from "../../components/vocabulary";

/** The VPC is carved into eight equal blocks: one private subnet per AZ, and one block split into public subnets. */
export const MAX_AVAILABILITY_ZONES = 6;

export interface NetworkSettings {
    readonly vpcCidr: Cidr;
    readonly availabilityZones: readonly string[];
    /** NAT gateways, placed in the first N zones; other zones route through them in turn. */
    readonly natGatewayCount: number;
    readonly flowLogs: boolean;
}

export function readNetwork(r: ConfigReader, region: string | undefined): NetworkSettings | undefined {
    const vpcCidr = r.cidr("vpcCidr", { minPrefix: 16, maxPrefix: 20 });
    const zones = r.stringList("availabilityZones", "list at least two availability zones of aws:region", {
        allowEmpty: false,
    });
    const countOk = r.check("availabilityZones", zones, (list) => {
        if (list.length < 2) return "has fewer than two zones; EKS needs subnets in at least two";
        if (list.length > MAX_AVAILABILITY_ZONES) {
            return `has more than ${MAX_AVAILABILITY_ZONES} zones; use at most ${MAX_AVAILABILITY_ZONES}`;
        }
        return undefined;
    });
    const inRegion =
        region === undefined ||
        r.checkFirst("availabilityZones", zones, (zone) =>
            new RegExp(`^${region}[a-z]$`).test(zone)
                ? undefined
                : `is not an availability zone of ${region}; use names such as ${region}a`,
        );
    const natGatewayCount = zones ? r.integer("natGatewayCount", 1, zones.length) : undefined;
    const flowLogs = r.boolean("vpcFlowLogs");
    if (!vpcCidr || !zones || !countOk || !inRegion || natGatewayCount === undefined || flowLogs === undefined) {
        return undefined;
    }
    return { vpcCidr, availabilityZones: zones, natGatewayCount, flowLogs };
}

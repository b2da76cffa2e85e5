import { Cidr, subdivideCidr } from "../vocabulary";

export interface ZoneSubnets {
    readonly zone: string;
    readonly privateCidr: string;
    readonly publicCidr: string;
}

/**
 * Splits the VPC into eight equal blocks: blocks 0-5 are the private subnets of up to six zones (nodes and pods
 * take their IPs from these, so they get the space), block 6 is cut into eight public subnets (NAT gateways and
 * load balancers only), and block 7 stays free for later use. A /16 gives /19 private and /22 public subnets.
 */
export function layoutSubnets(vpcCidr: Cidr, zones: readonly string[]): ZoneSubnets[] {
    if (zones.length > 6) throw new RangeError(`at most 6 zones fit the subnet layout, got ${zones.length}`);
    const publicBlock = subdivideCidr(vpcCidr, 3, 6);
    return zones.map((zone, i) => ({
        zone,
        privateCidr: subdivideCidr(vpcCidr, 3, i).text,
        publicCidr: subdivideCidr(publicBlock, 3, i).text,
    }));
}

import { planFixture } from "../../support/fixture-stacks";
import { ofType } from "../../support/plan-queries";
import * as assert from "node:assert/strict";
import { layoutSubnets } from "../../../components/network";
import { parseCidr, type Cidr } from "../../../components/vocabulary";
import type { CapturedResource } from "../../../tools/plan/capture";
import { PlanResult } from "../../../tools/plan/plan";
import { nonEmpty } from "../../support/non-empty";

const str = (r: CapturedResource, key: string) => r.inputs[key] as string;
const tags = (r: CapturedResource) => (r.inputs.tags ?? {}) as Record<string, string>;

describe("network component", () => {
    let dev: PlanResult;
    let prod: PlanResult;
    before(async () => {
        dev = await planFixture({ stack: "dev" });
        prod = await planFixture({ stack: "prod" });
    });

    for (const [stack, zones] of [
        ["dev", ["us-west-2a", "us-west-2b"]],
        ["prod", ["us-west-2a", "us-west-2b", "us-west-2c"]],
    ] as const) {
        it(`puts one public and one private subnet in each configured zone (${stack})`, () => {
            const plan = stack === "dev" ? dev : prod;
            const subnets = ofType(plan, "aws:ec2/subnet:Subnet");
            const kind = (r: CapturedResource) => (tags(r)["kubernetes.io/role/elb"] ? "public" : "private");
            for (const k of ["public", "private"]) {
                assert.deepEqual(
                    subnets
                        .filter((s) => kind(s) === k)
                        .map((s) => str(s, "availabilityZone"))
                        .sort(),
                    [...zones],
                );
            }
        });
    }

    it("carves non-overlapping subnets out of the VPC range", () => {
        const vpc = parseCidr(str(ofType(prod, "aws:ec2/vpc:Vpc")[0], "cidrBlock")) as Cidr;
        const blocks = ofType(prod, "aws:ec2/subnet:Subnet").map((s) => parseCidr(str(s, "cidrBlock")) as Cidr);
        for (const b of blocks) {
            assert.ok(
                b.base >= vpc.base && b.base + 2 ** (32 - b.prefixLength) <= vpc.base + 2 ** (32 - vpc.prefixLength),
                b.text,
            );
        }
        const sorted = [...blocks].sort((a, b) => a.base - b.base);
        sorted
            .slice(1)
            .forEach((b, i) =>
                assert.ok(
                    b.base >= sorted[i].base + 2 ** (32 - sorted[i].prefixLength),
                    `${sorted[i].text} overlaps ${b.text}`,
                ),
            );
    });

    it("gives private subnets most of the address space", () => {
        const layout = layoutSubnets(parseCidr("10.0.0.0/16") as Cidr, ["a1", "a2", "a3"]);
        assert.deepEqual(
            layout.map((z) => z.privateCidr),
            ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
        );
        assert.deepEqual(
            layout.map((z) => z.publicCidr),
            ["10.0.192.0/22", "10.0.196.0/22", "10.0.200.0/22"],
        );
    });

    it("creates one NAT gateway in dev and one per zone in prod", () => {
        assert.equal(ofType(dev, "aws:ec2/natGateway:NatGateway").length, 1);
        assert.equal(ofType(prod, "aws:ec2/natGateway:NatGateway").length, 3);
    });

    it("routes each private subnet's internet traffic through a NAT gateway in its own zone when there is one per zone", () => {
        const natZone = new Map<string, string>();
        const subnetZone = new Map(
            ofType(prod, "aws:ec2/subnet:Subnet").map((s) => [s.id, str(s, "availabilityZone")]),
        );
        for (const nat of ofType(prod, "aws:ec2/natGateway:NatGateway"))
            natZone.set(String(nat.id), subnetZone.get(str(nat, "subnetId"))!);
        const tables = new Map(ofType(prod, "aws:ec2/routeTable:RouteTable").map((t) => [t.id, t]));
        const associations = ofType(prod, "aws:ec2/routeTableAssociation:RouteTableAssociation");
        let privateSubnets = 0;
        for (const assoc of associations) {
            const zone = subnetZone.get(str(assoc, "subnetId"))!;
            const routes = tables.get(str(assoc, "routeTableId"))!.inputs.routes as Array<Record<string, string>>;
            const natId = routes.find((r) => r.cidrBlock === "0.0.0.0/0")?.natGatewayId;
            if (natId === undefined) continue; // a public subnet: its default route is the internet gateway
            privateSubnets++;
            assert.equal(
                natZone.get(natId),
                zone,
                `private subnet in ${zone} routes through a NAT gateway in ${natZone.get(natId)}`,
            );
        }
        assert.equal(privateSubnets, 3);
    });

    it("routes public subnets to the internet gateway", () => {
        const igw = ofType(dev, "aws:ec2/internetGateway:InternetGateway")[0];
        const table = dev.resources.find(
            (r) => r.type === "aws:ec2/routeTable:RouteTable" && r.name === "network-public",
        )!;
        assert.deepEqual(table.inputs.routes, [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }]);
    });

    it("tags subnets for load balancer and Karpenter discovery", () => {
        for (const s of nonEmpty(ofType(dev, "aws:ec2/subnet:Subnet"), "subnet")) {
            const t = tags(s);
            if (t["kubernetes.io/role/elb"]) {
                assert.equal(
                    s.inputs.mapPublicIpOnLaunch,
                    false,
                    "public subnets must not hand out public IPs to nodes",
                );
                assert.equal(
                    t["karpenter.sh/discovery"],
                    undefined,
                    "Karpenter must never launch nodes into public subnets",
                );
            } else {
                assert.equal(t["kubernetes.io/role/internal-elb"], "1");
                assert.equal(t["karpenter.sh/discovery"], "spark-dev");
            }
            assert.match(t.Name, /^spark-dev-(public|private)-us-west-2[ab]$/);
        }
    });

    it("keeps S3 traffic on a gateway endpoint attached to every private route table", () => {
        const endpoint = ofType(prod, "aws:ec2/vpcEndpoint:VpcEndpoint")[0];
        assert.equal(endpoint.inputs.serviceName, "com.amazonaws.us-west-2.s3");
        assert.equal(endpoint.inputs.vpcEndpointType, "Gateway");
        const privateTables = ofType(prod, "aws:ec2/routeTable:RouteTable")
            .filter((t) => t.name.includes("-private-"))
            .map((t) => t.id);
        assert.deepEqual([...(endpoint.inputs.routeTableIds as string[])].sort(), privateTables.sort());
    });

    it("sends flow logs to CloudWatch only where the stack asks for them (prod)", () => {
        assert.equal(ofType(dev, "aws:ec2/flowLog:FlowLog").length, 0);
        const [flowLog] = ofType(prod, "aws:ec2/flowLog:FlowLog");
        assert.equal(flowLog.inputs.trafficType, "ALL");
        const role = prod.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "network-flow-logs")!;
        const trust = JSON.parse(str(role, "assumeRolePolicy"));
        assert.deepEqual(trust.Statement[0].Principal, { Service: "vpc-flow-logs.amazonaws.com" });
        assert.deepEqual(trust.Statement[0].Condition, { StringEquals: { "aws:SourceAccount": "222222222222" } });
    });

    it("exposes private subnet ids per zone for single-zone node pools", () => {
        const outputs = prod.outputs.privateSubnetIdsByZone as Record<string, string>;
        const subnetZone = new Map(
            ofType(prod, "aws:ec2/subnet:Subnet").map((s) => [s.id, str(s, "availabilityZone")]),
        );
        assert.deepEqual(Object.keys(outputs).sort(), ["us-west-2a", "us-west-2b", "us-west-2c"]);
        for (const [zone, id] of Object.entries(outputs)) assert.equal(subnetZone.get(id), zone);
    });
});

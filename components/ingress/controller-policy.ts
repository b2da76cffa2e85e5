/**
 * The AWS Load Balancer Controller's IAM policy, exactly as its release publishes it (one document per partition),
 * kept as data beside the chart's pin: charts/aws-load-balancer-controller/pin.yaml `iamPolicies` names each file,
 * where it was read and its git blob id there.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CHARTS_DIR } from "../charts";
import { isRecord, type Partition } from "../vocabulary";

export const CONTROLLER_CHART = "aws-load-balancer-controller";

export interface PublishedPolicy {
    /** Path of the document, relative to the chart's folder. */
    readonly file: string;
    /** Where it was read. */
    readonly url: string;
    /** Its git blob id in the controller's repository at the release tag. */
    readonly blob: string;
}

/** The pin's `iamPolicies`, by partition. */
export function publishedControllerPolicies(chartsDir = CHARTS_DIR): Readonly<Record<Partition, PublishedPolicy>> {
    const pinFile = path.join(chartsDir, CONTROLLER_CHART, "pin.yaml");
    const doc: unknown = parse(readFileSync(pinFile, "utf8"));
    const policies = isRecord(doc) ? doc.iamPolicies : undefined;
    const partitions: Partition[] = ["aws", "aws-cn", "aws-us-gov"];
    if (!isRecord(policies) || !partitions.every((p) => isPublished(policies[p]))) {
        throw new Error(`${pinFile}: iamPolicies must give file, url and blob for ${partitions.join(", ")}`);
    }
    return policies as Record<Partition, PublishedPolicy>;
}

function isPublished(value: unknown): value is PublishedPolicy {
    return (
        isRecord(value) &&
        typeof value.file === "string" &&
        typeof value.url === "string" &&
        typeof value.blob === "string" &&
        /^[0-9a-f]{40}$/.test(value.blob)
    );
}

/** The controller's policy document for a partition, as published (JSON text). */
export function controllerPolicyDocument(partition: Partition, chartsDir = CHARTS_DIR): string {
    const published = publishedControllerPolicies(chartsDir)[partition];
    const text = readFileSync(path.join(chartsDir, CONTROLLER_CHART, published.file), "utf8");
    JSON.parse(text); // a corrupted file fails here, before IAM refuses it mid-deployment
    return text;
}

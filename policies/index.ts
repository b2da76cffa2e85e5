/**
 * Entry point the Pulumi CLI runs for `--policy-pack policies`. Constructing a PolicyPack starts the analyzer's
 * gRPC server, so nothing else may import this file: tests and the offline check import ./pack instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_DESCRIPTION, PACK_ENFORCEMENT_LEVEL, PACK_NAME, PACK_POLICIES } from "./pack";

new PolicyPack(PACK_NAME, {
    description: PACK_DESCRIPTION,
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    policies: PACK_POLICIES,
});

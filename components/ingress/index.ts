export {
    CONTROLLER_SERVICE_ACCOUNT,
    CONTROLLER_WEBHOOK_SERVICE,
    LoadBalancerController,
    controllerWebhookDnsNames,
} from "./load-balancer-controller";
export type { LoadBalancerControllerArgs } from "./load-balancer-controller";
export { CONTROLLER_CHART, controllerPolicyDocument, publishedControllerPolicies } from "./controller-policy";
export type { PublishedPolicy } from "./controller-policy";

export {
    CHARTS_DIR,
    EXACT_VERSION,
    deepMerge,
    installPinnedChart,
    chartSupportProblem,
    kubernetesRangeIncludes,
    readAllChartPins,
    readBaseValues,
    readChartPin,
} from "./pinned-chart";
export type { ChartPin, PinnedChartArgs, RegistryCredentials, Values } from "./pinned-chart";
export { HOOK_NEEDS, chartHookProblems, hookRendered, parseChartHooks } from "./chart-hooks";
export type { ChartHook, HookNeed } from "./chart-hooks";
export { issueWebhookTls } from "./webhook-tls";
export type { WebhookTls, WebhookTlsArgs } from "./webhook-tls";

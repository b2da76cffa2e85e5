export { readChartPin, readBaseValues, deepMerge, pinnedChartArgs, EXACT_VERSION, CHARTS_DIR } from "./pinned-chart";
export type { ChartPin, Values } from "./pinned-chart";

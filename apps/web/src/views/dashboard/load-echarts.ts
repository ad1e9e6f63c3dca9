import type * as EChartsModule from './echarts';

let pending: Promise<typeof EChartsModule> | null = null;

/** The echarts chunk, fetched once however many charts mount at the same time. */
export function loadECharts(): Promise<typeof EChartsModule> {
  pending ??= import('./echarts');
  return pending;
}

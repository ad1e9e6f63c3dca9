import type { DayCount, ProjectStats } from '@/api/stats';
import type { ChartOption } from './echarts';

/** Element Plus' status colours, the same in light and dark mode, so a chart reads like the tags around it. */
export const CHART_COLORS = { succeeded: '#67c23a', failed: '#f56c6c', other: '#909399', warning: '#e6a23c', primary: '#409eff' };

/** More bars than this stop being readable on a laptop; projects arrive busiest first. */
export const MAX_PROJECTS = 12;

export interface ChartLabels {
  succeeded: string;
  failed: string;
  other: string;
  rate: string;
  duration: string;
  releases: string;
}

// Tooltips are HTML and project names are user input.
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const GRID = { left: 8, right: 24, top: 36, bottom: 8, containLabel: true };

export function perDayOption(days: DayCount[], labels: ChartLabels): ChartOption {
  const series = (name: string, color: string, values: number[]) => ({
    type: 'bar' as const,
    name,
    stack: 'releases',
    barMaxWidth: 28,
    itemStyle: { color },
    emphasis: { focus: 'series' as const },
    data: values,
  });
  return {
    grid: GRID,
    legend: { top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: days.map((d) => d.date.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      series(labels.succeeded, CHART_COLORS.succeeded, days.map((d) => d.succeeded)),
      series(labels.failed, CHART_COLORS.failed, days.map((d) => d.failed)),
      series(labels.other, CHART_COLORS.other, days.map((d) => Math.max(0, d.total - d.succeeded - d.failed))),
    ],
  };
}

export const rateColor = (rate: number) => (rate >= 0.9 ? CHART_COLORS.succeeded : rate >= 0.7 ? CHART_COLORS.warning : CHART_COLORS.failed);

export const rated = (projects: ProjectStats[]) => projects.filter((p) => p.successRate !== null).slice(0, MAX_PROJECTS);
export const timed = (projects: ProjectStats[]) => projects.filter((p) => p.medianDurationSeconds !== null).slice(0, MAX_PROJECTS);

/** Bars per project need room: the chart grows with the number of projects. */
export const projectChartHeight = (count: number) => `${Math.max(160, count * 30 + 50)}px`;

export function successRateOption(projects: ProjectStats[], labels: ChartLabels): ChartOption {
  const rows = rated(projects);
  return {
    grid: { ...GRID, top: 8 },
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const p = rows[(params as { dataIndex: number }).dataIndex];
        if (!p) return '';
        const percent = Math.round((p.successRate ?? 0) * 1000) / 10;
        return `${escapeHtml(p.projectName)}<br/>${escapeHtml(labels.rate)}: ${percent}%<br/>${escapeHtml(labels.succeeded)} ${p.succeeded} · ${escapeHtml(labels.failed)} ${p.failed} · ${escapeHtml(labels.releases)} ${p.total}`;
      },
    },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', inverse: true, data: rows.map((p) => p.projectName), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        name: labels.rate,
        barMaxWidth: 18,
        label: { show: true, position: 'right', formatter: '{c}%' },
        data: rows.map((p) => ({ value: Math.round((p.successRate ?? 0) * 1000) / 10, itemStyle: { color: rateColor(p.successRate ?? 0) } })),
      },
    ],
  };
}

/** Bar labels stay short in every language; the tooltip says it in words. */
export function compactSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 6) / 10}m`;
  return `${Math.round(seconds / 360) / 10}h`;
}

/** The axis counts in the unit of the longest bar, so ticks land on round minutes or hours instead of 100 s steps. */
function durationUnit(maxSeconds: number): { seconds: number; suffix: string } {
  if (maxSeconds >= 7200) return { seconds: 3600, suffix: 'h' };
  if (maxSeconds >= 120) return { seconds: 60, suffix: 'm' };
  return { seconds: 1, suffix: 's' };
}

export function durationOption(projects: ProjectStats[], labels: ChartLabels, spell: (seconds: number) => string): ChartOption {
  const rows = timed(projects);
  const unit = durationUnit(Math.max(0, ...rows.map((p) => p.medianDurationSeconds ?? 0)));
  return {
    grid: { ...GRID, top: 8 },
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const p = rows[(params as { dataIndex: number }).dataIndex];
        if (!p) return '';
        return `${escapeHtml(p.projectName)}<br/>${escapeHtml(labels.duration)}: ${escapeHtml(spell(p.medianDurationSeconds ?? 0))}`;
      },
    },
    xAxis: { type: 'value', axisLabel: { formatter: `{value}${unit.suffix}` } },
    yAxis: { type: 'category', inverse: true, data: rows.map((p) => p.projectName), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        name: labels.duration,
        barMaxWidth: 18,
        itemStyle: { color: CHART_COLORS.primary },
        label: { show: true, position: 'right', formatter: (params) => compactSeconds(rows[(params as { dataIndex: number }).dataIndex]?.medianDurationSeconds ?? 0) },
        data: rows.map((p) => Math.round(((p.medianDurationSeconds ?? 0) / unit.seconds) * 100) / 100),
      },
    ],
  };
}

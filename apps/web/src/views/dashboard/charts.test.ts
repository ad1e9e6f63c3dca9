import { describe, expect, it } from 'vitest';
import type { ProjectStats } from '@/api/stats';
import { compactSeconds, durationOption, successRateOption, type ChartLabels } from './charts';

const labels: ChartLabels = { succeeded: 'ok', failed: 'failed', other: 'other', rate: 'rate', duration: 'duration', releases: 'releases' };

const project = (overrides: Partial<ProjectStats>): ProjectStats => ({
  projectId: 'p',
  projectName: 'shop',
  total: 4,
  succeeded: 3,
  failed: 1,
  successRate: 0.75,
  medianDurationSeconds: 60,
  ...overrides,
});

describe('dashboard charts', () => {
  it('shows a project name in the tooltip as text, never as markup', () => {
    const option = successRateOption([project({ projectName: '<img src=x onerror=alert(1)>' })], labels);
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = formatter({ dataIndex: 0 });
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('rate: 75%');
  });

  it('keeps duration ticks short', () => {
    expect([compactSeconds(42), compactSeconds(90), compactSeconds(5400)]).toEqual(['42s', '1.5m', '1.5h']);
  });

  it('counts the duration axis in minutes once a median passes two minutes', () => {
    const option = durationOption([project({ medianDurationSeconds: 600 }), project({ projectName: 'api', medianDurationSeconds: 90 })], labels, String);
    const series = (option.series as { data: number[] }[])[0]!;
    expect(series.data).toEqual([10, 1.5]);
    expect((option.xAxis as { axisLabel: { formatter: string } }).axisLabel.formatter).toBe('{value}m');
  });
});

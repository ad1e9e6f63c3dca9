import { describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { router } from '@/router';
import type { ReleaseSummary } from '@/api/releases';
import type { ReleaseStats } from '@/api/stats';
import { usePreferencesStore } from '@/stores/preferences';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { releaseSummary } from '@/test/releases';
import DashboardView from './index.vue';

interface FakeChart {
  el: HTMLElement;
  theme: string;
  options: Record<string, unknown>[];
  setOption: (option: Record<string, unknown>) => void;
  setTheme: ReturnType<typeof vi.fn>;
  resize: ReturnType<typeof vi.fn>;
  dispose: ReturnType<typeof vi.fn>;
}

// happy-dom has no canvas: the echarts module is replaced by charts that record what they were asked to draw.
const charts = vi.hoisted(() => [] as FakeChart[]);
vi.mock('./echarts', () => ({
  init: (el: HTMLElement, theme: string) => {
    const chart: FakeChart = {
      el,
      theme,
      options: [],
      setOption: (option) => chart.options.push(option),
      setTheme: vi.fn(),
      resize: vi.fn(),
      dispose: vi.fn(),
    };
    charts.push(chart);
    return chart;
  },
}));

const id = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;

const byState: Partial<Record<string, { items: ReleaseSummary[]; total: number }>> = {
  running: { items: [releaseSummary({ id: id(1), state: 'running', ref: 'v3', startedAt: '2026-11-23T10:00:00.000Z' })], total: 1 },
  paused: { items: [releaseSummary({ id: id(2), state: 'paused', ref: 'v2', startedAt: '2026-11-23T09:00:00.000Z' })], total: 1 },
  queued: { items: [releaseSummary({ id: id(3), state: 'queued', ref: 'v4', queuedAt: '2026-11-23T10:05:00.000Z' })], total: 3 },
  pending_approval: { items: [releaseSummary({ id: id(4), state: 'pending_approval' })], total: 5 },
  failed: { items: [releaseSummary({ id: id(5), state: 'failed', ref: 'bad-1', error: 'healthcheck failed on web-2', finishedAt: '2026-11-22T08:00:00.000Z' })], total: 1 },
  interrupted: { items: [releaseSummary({ id: id(6), state: 'interrupted', ref: 'bad-2', finishedAt: '2026-11-23T08:00:00.000Z' })], total: 1 },
};

const stats: ReleaseStats = {
  from: '2026-11-22',
  to: '2026-11-23',
  perDay: [
    { date: '2026-11-22', total: 5, succeeded: 3, failed: 1 },
    { date: '2026-11-23', total: 2, succeeded: 2, failed: 0 },
  ],
  projects: [
    { projectId: id(7), projectName: 'shop', total: 6, succeeded: 5, failed: 1, successRate: 5 / 6, medianDurationSeconds: 95 },
    { projectId: id(8), projectName: 'search', total: 1, succeeded: 0, failed: 0, successRate: null, medianDurationSeconds: null },
  ],
  running: 2,
  queued: 3,
  pendingApproval: 5,
};

const NO_SETUP = { groups: 1, credentials: 1, servers: 2, projects: 1, environments: 1, releases: 12 };
const VERSIONS = {
  total: 2,
  items: [
    { projectId: id(7), projectName: 'shop', environmentId: id(9), environmentName: 'prod', current: { releaseId: id(1), number: 42, ref: 'v1.2.0', commit: 'd30924f1'.padEnd(40, '0'), at: '2026-11-23T10:00:00.000Z' } },
    { projectId: id(7), projectName: 'shop', environmentId: id(0), environmentName: 'test', current: null },
  ],
};

function stubDashboard(statsAnswer: () => Response = () => json(200, stats), setup: typeof NO_SETUP = NO_SETUP): RecordedRequest[] {
  return stubFetch({
    'GET /api/stats/setup': () => json(200, setup),
    'GET /api/stats/environment-versions': () => json(200, VERSIONS),
    'GET /api/releases': (req) => {
      const state = new URL(req.url, 'http://localhost').searchParams.get('state') ?? '';
      const page = byState[state] ?? { items: [], total: 0 };
      return json(200, { ...page, page: 1, pageSize: 20 });
    },
    'GET /api/stats/releases': statsAnswer,
  });
}

async function mountDashboard(): Promise<VueWrapper> {
  charts.length = 0;
  const wrapper = await mountSignedIn(DashboardView, '/dashboard');
  await vi.waitFor(() => expect(charts).toHaveLength(3));
  await flushPromises();
  return wrapper;
}

const countOf = (wrapper: VueWrapper, key: string) => wrapper.get(`[data-testid="count-${key}"] [data-testid="count-value"]`).text();

isolateViewTests();

describe('dashboard', () => {
  it('shows what each environment runs now, linked to its release', async () => {
    stubDashboard();
    const wrapper = await mountDashboard();
    const card = wrapper.get('[data-testid="environment-versions"]');
    expect(card.text()).toContain('各环境当前版本');
    expect(wrapper.get(`[data-testid="env-version-${id(9)}"]`).text()).toBe('#42 v1.2.0 d30924f1');
    expect(card.text()).toContain('尚未发布');
    expect(wrapper.find('[data-testid="setup-checklist"]').exists()).toBe(false);
  });

  it('walks a new installation to its first release, ticking the steps already done', async () => {
    stubDashboard(undefined, { groups: 1, credentials: 1, servers: 0, projects: 0, environments: 0, releases: 0 });
    const wrapper = await mountDashboard();
    const steps = wrapper.findAll('[data-testid="setup-checklist"] li');
    expect(steps.map((li) => [li.attributes('data-testid'), li.attributes('data-done')])).toEqual([
      ['setup-groups', 'true'],
      ['setup-credentials', 'true'],
      ['setup-servers', 'false'],
      ['setup-projects', 'false'],
      ['setup-environments', 'false'],
      ['setup-releases', 'false'],
    ]);
    expect(wrapper.get('[data-testid="setup-servers"]').classes()).toContain('setup__step--next');
    await wrapper.get('[data-testid="setup-servers"] a').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('servers'));
  });

  it('greets the user and counts running (incl. paused), queued and pending releases, each linking to its list', async () => {
    stubDashboard();
    const wrapper = await mountDashboard();

    expect(wrapper.get('[data-testid="welcome-username"]').text()).toBe('admin');
    expect([countOf(wrapper, 'running'), countOf(wrapper, 'queued'), countOf(wrapper, 'pendingApproval')]).toEqual(['2', '3', '5']);

    await wrapper.get('[data-testid="count-pendingApproval"]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/releases?state=pending_approval'));
  });

  it('lists running releases before queued ones and the latest failures newest first', async () => {
    stubDashboard();
    const wrapper = await mountDashboard();

    const active = wrapper.findAll('[data-testid="active-item"]').map((i) => i.text());
    expect(active.map((t) => t.match(/v\d/)?.[0])).toEqual(['v2', 'v3', 'v4']);
    const failures = wrapper.findAll('[data-testid="failure-item"]');
    expect(failures.map((f) => f.text().match(/bad-\d/)?.[0])).toEqual(['bad-2', 'bad-1']);
    expect(failures[1]!.text()).toContain('healthcheck failed on web-2');
    expect(failures[0]!.get('a').attributes('href')).toBe(`/releases/${id(6)}`);
  });

  it('draws releases per day stacked, success rate and median duration per project from the statistics', async () => {
    const calls = stubDashboard();
    await mountDashboard();

    expect(calls.find((c) => c.url.startsWith('/api/stats'))?.url).toBe('/api/stats/releases?days=14');
    expect(charts).toHaveLength(3);
    const drawn = (testid: string) =>
      charts.find((c) => c.el.dataset.testid === testid)?.options.at(-1) as { series: { data: unknown[] }[]; yAxis: { data?: string[] } } | undefined;
    const [perDay, rate, duration] = [drawn('chart-per-day'), drawn('chart-success-rate'), drawn('chart-duration')];
    expect(perDay!.series.map((s) => s.data)).toEqual([
      [3, 2],
      [1, 0],
      [1, 0],
    ]);
    // A project with nothing finished has no rate and no bar.
    expect(rate!.yAxis.data).toEqual(['shop']);
    expect(rate!.series[0]!.data).toEqual([expect.objectContaining({ value: 83.3 })]);
    // 95 s is plotted in seconds; longer medians switch the axis to minutes or hours.
    expect(duration!.series[0]!.data).toEqual([95]);
  });

  it('asks for another period when the user picks one', async () => {
    const calls = stubDashboard();
    const wrapper = await mountDashboard();
    const thirty = wrapper.findAll('[data-testid="stats-days"] input').find((i) => (i.element as HTMLInputElement).value === '30');
    await thirty!.setValue(true);
    await flushPromises();
    expect(calls.filter((c) => c.url.startsWith('/api/stats/releases')).map((c) => c.url)).toEqual(['/api/stats/releases?days=14', '/api/stats/releases?days=30']);
  });

  it('re-themes the charts when dark mode is switched and resizes them with the window', async () => {
    stubDashboard();
    await mountDashboard();
    expect(charts.every((c) => c.theme === 'default')).toBe(true);

    usePreferencesStore().setDark(true);
    await flushPromises();
    expect(charts.map((c) => c.setTheme.mock.calls)).toEqual([[['dark']], [['dark']], [['dark']]]);

    window.dispatchEvent(new Event('resize'));
    expect(charts.every((c) => c.resize.mock.calls.length > 0)).toBe(true);
  });

  it('keeps the live counts when the statistics cannot be loaded', async () => {
    stubDashboard(() => json(500, { error: { code: 'INTERNAL', message: 'boom' } }));
    charts.length = 0;
    const wrapper = await mountSignedIn(DashboardView, '/dashboard');
    await flushPromises();

    expect(countOf(wrapper, 'queued')).toBe('3');
    expect(wrapper.text()).toContain('统计数据加载失败');
    expect(charts).toHaveLength(0);
  });
});

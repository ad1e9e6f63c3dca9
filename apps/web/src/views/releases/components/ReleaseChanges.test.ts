import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { setLocale } from '@/locales';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import ReleaseChanges from './ReleaseChanges.vue';

const ENV = '00000000-0000-4000-8000-0000000000e1';
const RELEASE = '00000000-0000-4000-8000-000000000009';
const FROM = 'feed0000aaaabbbbccccddddeeeeffff00001111';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
const commit = (i: number, webUrl: string | null = `https://git.example.com/shop/-/commit/${String(i).repeat(40)}`) => ({
  sha: String(i).repeat(40),
  message: `feat: change ${i}\n\nbody of ${i}`,
  author: `dev${i}`,
  date: hoursAgo(i),
  webUrl,
});
const view = (ref: string, over: Record<string, unknown> = {}) => ({
  ref,
  from: { commit: FROM, releaseId: RELEASE, ref: 'v1.0.0' },
  commits: [commit(1), commit(2, null)],
  truncated: false,
  source: 'gitlab',
  note: null,
  ...over,
});

const changesPath = `GET /api/environments/${ENV}/changes`;
const refOf = (req: RecordedRequest) => new URL(req.url, 'http://localhost').searchParams.get('ref');
const changeCalls = (calls: RecordedRequest[]) => calls.filter((c) => c.url.startsWith(`/api/environments/${ENV}/changes`));

const mountChanges = (environmentId: string, gitRef: string) =>
  mountSignedIn(ReleaseChanges, '', { props: { environmentId, gitRef } });

isolateViewTests();

describe('what a release changes', () => {
  it('lists the commits since the running release, linking the ones with a web page', async () => {
    const calls = stubFetch({ [changesPath]: (req) => json(200, view(refOf(req) ?? '')) });
    const wrapper = await mountChanges(ENV, 'main');
    expect(wrapper.find('[data-testid="changes-loading"]').exists()).toBe(true);

    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-testid="changes-summary"]').exists()).toBe(true);
    });
    expect(changeCalls(calls).map((c) => c.url)).toEqual([`/api/environments/${ENV}/changes?ref=main`]);
    expect(wrapper.get('[data-testid="changes-summary"]').text()).toBe('自 feed0000（v1.0.0）以来的 2 个提交');
    const rows = wrapper.findAll('[data-testid="changes-commit"]');
    expect(rows).toHaveLength(2);
    const link = rows[0]!.get('a[data-testid="changes-sha"]');
    expect(link.text()).toBe('11111111');
    expect(link.attributes('href')).toBe(`https://git.example.com/shop/-/commit/${'1'.repeat(40)}`);
    expect(link.attributes('target')).toBe('_blank');
    // Only the subject line is listed; the whole message stays in the tooltip.
    expect(rows[0]!.text()).toContain('feat: change 1');
    expect(rows[0]!.text()).not.toContain('body of 1');
    expect(rows[0]!.text()).toContain('dev1 · 1小时前');
    expect(rows[1]!.find('a').exists()).toBe(false);
    expect(rows[1]!.get('[data-testid="changes-sha"]').text()).toBe('22222222');
    expect(wrapper.find('[data-testid="changes-more"]').exists()).toBe(false);

    setLocale('en');
    await flushPromises();
    expect(wrapper.get('[data-testid="changes-summary"]').text()).toBe('2 commits since feed0000 (v1.0.0)');
  });

  it('folds a long list after five commits and says when it was cut off', async () => {
    const many = Array.from({ length: 7 }, (_, i) => commit(i + 1));
    stubFetch({ [changesPath]: (req) => json(200, view(refOf(req) ?? '', { commits: many, truncated: true })) });
    const wrapper = await mountChanges(ENV, 'main');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.findAll('[data-testid="changes-commit"]')).toHaveLength(5);
    });
    expect(wrapper.get('[data-testid="changes-summary"]').text()).toBe('自 feed0000（v1.0.0）以来的 7+ 个提交');
    expect(wrapper.find('[data-testid="changes-more"]').exists()).toBe(false);

    await wrapper.get('[data-testid="changes-toggle"]').trigger('click');
    expect(wrapper.findAll('[data-testid="changes-commit"]')).toHaveLength(7);
    expect(wrapper.get('[data-testid="changes-more"]').text()).toBe('…以及更多提交');
    await wrapper.get('[data-testid="changes-toggle"]').trigger('click');
    expect(wrapper.findAll('[data-testid="changes-commit"]')).toHaveLength(5);
  });

  it('shows the note instead of a list, and says so when nothing would change', async () => {
    const answers: Record<string, unknown> = {
      main: view('main', { from: null, commits: [], note: '首次发布：该环境还没有成功的发布' }),
      'v1.0.0': view('v1.0.0', { commits: [] }),
    };
    stubFetch({ [changesPath]: (req) => json(200, answers[refOf(req) ?? '']) });
    const wrapper = await mountChanges(ENV, 'main');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="changes-note"]').text()).toBe('首次发布：该环境还没有成功的发布');
    });
    expect(wrapper.find('[data-testid="changes-commit"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="changes-summary"]').exists()).toBe(false);

    await wrapper.setProps({ gitRef: 'v1.0.0' });
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-testid="changes-none"]').exists()).toBe(true);
    });
    expect(wrapper.find('[data-testid="changes-note"]').exists()).toBe(false);
  });

  it('asks once for the last of quick changes, nothing while a choice is missing, and shows only the latest answer', async () => {
    let releaseSlow: (() => void) | undefined;
    const calls = stubFetch({
      [changesPath]: async (req) => {
        const ref = refOf(req) ?? '';
        if (ref === 'slow') await new Promise<void>((resolve) => (releaseSlow = resolve));
        return json(200, view(ref, { commits: [commit(ref === 'slow' ? 3 : 4)] }));
      },
    });
    const wrapper = await mountChanges('', 'main');
    await wrapper.setProps({ environmentId: ENV, gitRef: '' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(changeCalls(calls)).toHaveLength(0);
    expect(wrapper.find('[data-testid="release-changes"]').exists()).toBe(false);

    await wrapper.setProps({ gitRef: 'v0.9.0' });
    await wrapper.setProps({ gitRef: 'slow' });
    await vi.waitFor(() => expect(releaseSlow).toBeDefined());
    expect(changeCalls(calls).map(refOf)).toEqual(['slow']);

    await wrapper.setProps({ gitRef: 'fast' });
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-testid="changes-commit"]').text()).toContain('feat: change 4');
    });
    // The answer for the earlier choice arrives last and must not replace the current one.
    releaseSlow!();
    await flushPromises();
    expect(changeCalls(calls).map(refOf)).toEqual(['slow', 'fast']);
    expect(wrapper.findAll('[data-testid="changes-commit"]').map((row) => row.text())).toEqual([
      expect.stringContaining('feat: change 4'),
    ]);
  });

  it('shows a failure inline', async () => {
    stubFetch({
      [changesPath]: () => json(502, { error: { code: 'GIT_UNAVAILABLE', message: '无法连接 Git 仓库' } }),
    });
    const wrapper = await mountChanges(ENV, 'main');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="changes-error"]').text()).toBe(
        '无法读取将发布的变更：无法连接 Git 仓库。不影响提交发布单。',
      );
    });
    expect(wrapper.find('[data-testid="changes-commit"]').exists()).toBe(false);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { router } from '@/router';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { RELEASE_ID, releaseSummary } from '@/test/releases';
import ListView from './index.vue';

const PROJECT = '00000000-0000-4000-8000-0000000000a1';
const RELEASE = RELEASE_ID;

const summary = releaseSummary({
  id: RELEASE,
  state: 'succeeded',
  projectId: PROJECT,
  ref: 'v1.2.0',
  commit: 'abcdef0123456789abcdef0123456789abcdef01',
  description: 'spring sale',
});

const mountList = (path: string) => mountSignedIn(ListView, path);

isolateViewTests();

describe('release list view', () => {
  it('loads the page the URL describes and opens a release on row click', async () => {
    const calls = stubFetch({
      'GET /api/projects': () => json(200, { items: [], total: 0, page: 1, pageSize: 200 }),
      [`GET /api/projects/${PROJECT}/environments`]: () => json(200, { items: [], total: 0, page: 1, pageSize: 200 }),
      'GET /api/releases': () => json(200, { items: [summary], total: 41, page: 2, pageSize: 20 }),
    });
    const wrapper = await mountList(`/releases?project=${PROJECT}&state=succeeded&page=2`);

    const list = calls.find((c) => c.url.startsWith('/api/releases'));
    const params = new URL(list?.url ?? '', 'http://localhost').searchParams;
    expect(Object.fromEntries(params)).toEqual({ projectId: PROJECT, state: 'succeeded', page: '2', pageSize: '20' });
    expect(wrapper.text()).toContain('shop / prod');
    expect(wrapper.text()).toContain('abcdef01');
    expect(wrapper.text()).toContain('成功');

    await wrapper.get('.el-table__row').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/releases/${RELEASE}`));
  });

  it('filters by creator and creation days, keeps them in the URL and sends local-day bounds', async () => {
    const calls = stubFetch({
      'GET /api/projects': () => json(200, { items: [], total: 0, page: 1, pageSize: 200 }),
      'GET /api/releases': () => json(200, { items: [], total: 0, page: 1, pageSize: 20 }),
    });
    const wrapper = await mountList('/releases?from=2026-11-01&to=2026-11-03&page=3');

    const sent = () => Object.fromEntries(new URL(calls.filter((c) => c.url.startsWith('/api/releases')).at(-1)?.url ?? '', 'http://localhost').searchParams);
    expect(sent()).toEqual({
      createdFrom: new Date(2026, 10, 1).toISOString(),
      createdTo: new Date(2026, 10, 4).toISOString(),
      page: '3',
      pageSize: '20',
    });
    expect(wrapper.text()).toContain('暂无发布单');

    const creator = wrapper.get('input[data-testid="filter-created-by"]');
    await creator.setValue(' alice ');
    await creator.trigger('change');
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ by: 'alice', from: '2026-11-01', to: '2026-11-03' }));
    await vi.waitFor(() => expect(sent()).toMatchObject({ createdBy: 'alice', page: '1' }));
  });
});

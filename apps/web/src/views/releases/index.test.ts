import { describe, expect, it, vi } from 'vitest';
import { router } from '@/router';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import ListView from './index.vue';

const PROJECT = '00000000-0000-4000-8000-0000000000a1';
const RELEASE = '00000000-0000-4000-8000-000000000001';

const summary = {
  id: RELEASE,
  kind: 'release',
  state: 'succeeded',
  projectId: PROJECT,
  projectName: 'shop',
  groupId: 'g',
  environmentId: 'e',
  environmentName: 'prod',
  ref: 'v1.2.0',
  commit: 'abcdef0123456789abcdef0123456789abcdef01',
  description: 'spring sale',
  rollout: { strategy: 'parallel' },
  rollbackToId: null,
  createdBy: 'alice',
  approvedBy: null,
  approvedAt: null,
  reviewComment: '',
  abortRequested: false,
  queuedAt: null,
  scheduledAt: null,
  startedAt: null,
  finishedAt: null,
  createdAt: '2026-11-23T10:00:00.000Z',
  error: null,
  lastSeq: 0,
};

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
});

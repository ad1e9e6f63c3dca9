import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { router } from '@/router';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import NewView from './new.vue';

const PROJECT = '00000000-0000-4000-8000-0000000000a1';
const ENV = '00000000-0000-4000-8000-0000000000e1';
const CREATED = '00000000-0000-4000-8000-000000000009';

const page = <T>(items: T[]) => ({ items, total: items.length, page: 1, pageSize: 200 });

const environment = {
  id: ENV,
  projectId: PROJECT,
  name: 'prod',
  deployPath: '/srv/shop',
  servers: [],
  variables: [],
  rollout: { strategy: 'parallel', concurrency: 4, batches: [], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true },
  requireApproval: true,
  releaseWindows: [],
  timezone: 'Asia/Shanghai',
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
};

function routes() {
  return {
    'GET /api/projects': () => json(200, page([{ id: PROJECT, name: 'shop' }])),
    [`GET /api/projects/${PROJECT}/environments`]: () => json(200, page([environment])),
    [`GET /api/projects/${PROJECT}/refs`]: () =>
      json(200, { branches: [{ name: 'main', sha: 'a'.repeat(40) }], tags: [{ name: 'v1.0.0', sha: 'b'.repeat(40) }], fetchedAt: '2026-11-23T10:00:00.000Z' }),
    [`GET /api/environments/${ENV}/window-status`]: () =>
      json(200, { inside: false, restricted: true, timezone: 'Asia/Shanghai', now: '2026-11-23T10:00:00.000Z', localTime: '2026-11-23 18:00 Mon', windows: [] }),
    'POST /api/releases': () => json(201, { id: CREATED }),
  };
}

const mountNew = (path: string) => mountSignedIn(NewView, path);

isolateViewTests();

describe('new release view', () => {
  it('pre-fills from the URL, warns about approval and windows, and submits a batched rollout', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}&ref=v1.0.0`);

    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('该环境需要审批');
      expect(wrapper.text()).toContain('当前不在该环境的发布窗口内（2026-11-23 18:00 Mon）');
    });
    expect(calls.some((c) => c.url === `/api/projects/${PROJECT}/refs`)).toBe(true);

    await wrapper.get('.new__description textarea').setValue('双十一前的修复');
    await wrapper.get('[data-testid="form-rollout"] input[value="batches"]').setValue(true);
    await wrapper.get('.new__batches input').setValue('1, 25%, 100%');
    await wrapper.get('form').trigger('submit');

    await vi.waitFor(async () => {
      await flushPromises();
      expect(router.currentRoute.value.fullPath).toBe(`/releases/${CREATED}`);
    });
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({
      environmentId: ENV,
      ref: 'v1.0.0',
      description: '双十一前的修复',
      rollout: {
        strategy: 'batches',
        concurrency: 4,
        batches: [1, '25%', '100%'],
        betweenBatches: { mode: 'manual' },
        failure: { tolerate: 0 },
        autoRollback: true,
      },
    });
  });

  it('does not submit without a ref', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountNew(`/release/new?project=${PROJECT}&env=${ENV}`);

    await wrapper.get('form').trigger('submit');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('请选择或输入要发布的版本');
    });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });
});

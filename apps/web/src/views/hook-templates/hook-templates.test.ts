import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { HookTemplate } from '@/api/hook-templates';
import { useAuthStore } from '@/stores/auth';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import HookTemplatesView from './index.vue';
import { lastQuery, messageBoxButton, page, rowOf, scriptText, settle, typeIntoScript } from '@/test/ui';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const RESTART = '00000000-0000-4000-8000-0000000000e1';
const WARMUP = '00000000-0000-4000-8000-0000000000e2';

const template = (over: Partial<HookTemplate> = {}): HookTemplate => ({
  id: RESTART,
  groupId: GROUP,
  name: 'restart-php-fpm',
  description: 'reload php-fpm after switching',
  script: '#!/bin/sh\nset -e\nsudo systemctl reload php-fpm\n',
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

function routes(extra: Record<string, (req: RecordedRequest) => Response> = {}) {
  return {
    'GET /api/hook-templates': () => json(200, page([template(), template({ id: WARMUP, groupId: null, name: 'warm-cache', description: '', script: 'curl -fsS http://127.0.0.1/warmup\n' })])),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: 'shop' }])),
    ...extra,
  };
}

const mountList = (path = '/hook-templates') => mountSignedIn(HookTemplatesView, path);

isolateViewTests();

describe('hook templates view', () => {
  it('lists templates with scope, description and the script\'s first command, and sends the search term', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountList();

    const restart = rowOf(wrapper, 'restart-php-fpm');
    expect(restart.text()).toContain('shop');
    expect(restart.text()).toContain('reload php-fpm after switching');
    expect(restart.text()).toContain('sudo systemctl reload php-fpm');
    expect(rowOf(wrapper, 'warm-cache').text()).toContain('全局');

    const search = wrapper.get('[data-testid="hook-template-search"]');
    await search.setValue('php');
    await search.trigger('change');
    await settle();
    expect(lastQuery(calls, '/api/hook-templates')).toEqual({ q: 'php', page: '1', pageSize: '20' });
  });

  it('refuses a template without a name or script and creates one with both', async () => {
    const calls = stubFetch(routes({ 'POST /api/hook-templates': () => json(201, template({ id: '00000000-0000-4000-8000-0000000000e9' })) }));
    const wrapper = await mountList(`/hook-templates?group=${GROUP}`);

    await wrapper.get('[data-testid="hook-template-create"]').trigger('click');
    await settle();
    await typeIntoScript('hook-template-script', '  ');
    await wrapper.get('[data-testid="hook-template-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      const text = wrapper.get('[data-testid="hook-template-dialog"]').text();
      expect(text).toContain('请输入名称');
      expect(text).toContain('请输入脚本内容');
    });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await wrapper.get('[data-testid="hook-template-name"]').setValue('clear-opcache');
    await typeIntoScript('hook-template-script', 'set -e\nphp artisan opcache:clear\n');
    await wrapper.get('[data-testid="hook-template-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ groupId: GROUP, name: 'clear-opcache', script: 'set -e\nphp artisan opcache:clear\n' });
  });

  it('edits the script of an existing template', async () => {
    const calls = stubFetch(routes({ [`PATCH /api/hook-templates/${RESTART}`]: () => json(200, template()) }));
    const wrapper = await mountList();

    await rowOf(wrapper, 'restart-php-fpm').get('[data-testid="hook-template-edit"]').trigger('click');
    await settle();
    expect(await scriptText('hook-template-script')).toBe('#!/bin/sh\nset -e\nsudo systemctl reload php-fpm\n');
    await typeIntoScript('hook-template-script', 'sudo systemctl restart php-fpm\n');
    await wrapper.get('[data-testid="hook-template-save"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'PATCH')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      name: 'restart-php-fpm',
      description: 'reload php-fpm after switching',
      script: 'sudo systemctl restart php-fpm\n',
    });
  });

  it('deletes only after confirmation', async () => {
    const calls = stubFetch(routes({ [`DELETE /api/hook-templates/${RESTART}`]: () => new Response(null, { status: 204 }) }));
    const wrapper = await mountList();

    await rowOf(wrapper, 'restart-php-fpm').get('[data-testid="hook-template-delete"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('cancel'));
    expect(document.body.textContent).toContain('确定删除“restart-php-fpm”吗？');
    messageBoxButton('cancel').click();
    await settle();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await rowOf(wrapper, 'restart-php-fpm').get('[data-testid="hook-template-delete"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('primary'));
    messageBoxButton('primary').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
    });
  });

  it('lets a group owner view but not change global templates, and a viewer change nothing', async () => {
    stubFetch(routes());
    const wrapper = await mountList();
    const auth = useAuthStore();
    auth.user = { id: 'u3', username: 'owner', displayName: 'Owner', email: null, isAdmin: false, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'owner' }] };
    await flushPromises();

    expect(wrapper.find('[data-testid="hook-template-create"]').exists()).toBe(true);
    expect(rowOf(wrapper, 'restart-php-fpm').find('[data-testid="hook-template-delete"]').exists()).toBe(true);
    const global = rowOf(wrapper, 'warm-cache');
    expect(global.find('[data-testid="hook-template-delete"]').exists()).toBe(false);
    await global.get('[data-testid="hook-template-view"]').trigger('click');
    await settle();
    expect(wrapper.get('[data-testid="hook-template-dialog"]').text()).toContain('查看模板');
    expect(wrapper.find('[data-testid="hook-template-save"]').exists()).toBe(false);

    auth.user = { ...auth.user, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'viewer' }] };
    await flushPromises();
    expect(wrapper.find('[data-testid="hook-template-create"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="hook-template-edit"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="hook-template-delete"]').exists()).toBe(false);
  });
});

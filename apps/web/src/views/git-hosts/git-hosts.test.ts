import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { GitHostKey } from '@/api/git-hosts';
import { adminUser, json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { lastQuery, messageBoxButton, page, rowOf, settle } from '@/test/ui';
import GitHostsView from './index.vue';

const PIN_ID = '00000000-0000-4000-8000-0000000000e1';

const pin = (over: Partial<GitHostKey> = {}): GitHostKey => ({
  id: PIN_ID,
  host: 'gitlab.example.com',
  port: 2222,
  fingerprints: [
    { type: 'ssh-ed25519', fingerprint: 'SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU' },
    { type: 'ecdsa-sha2-nistp256', fingerprint: 'SHA256:p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM' },
  ],
  pinnedAt: '2026-11-30T08:00:00.000Z',
  pinnedBy: 'alice',
  ...over,
});

const routes = (extra = {}) => ({
  'GET /api/git-host-keys': () => json(200, page([pin(), pin({ id: '00000000-0000-4000-8000-0000000000e2', host: 'github.com', port: 22, fingerprints: [], pinnedBy: null })])),
  ...extra,
});

isolateViewTests();

describe('git host keys view', () => {
  it('lists each pinned host and port with its fingerprints, when and by whom, and searches by host', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountSignedIn(GitHostsView, '/git-host-keys');

    expect(wrapper.text()).toContain('首次使用即信任');
    const row = rowOf(wrapper, 'gitlab.example.com:2222');
    expect(row.findAll('[data-testid="git-host-fingerprint"]').map((f) => f.text())).toEqual([
      'ssh-ed25519 SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU',
      'ecdsa-sha2-nistp256 SHA256:p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM',
    ]);
    expect(row.text()).toContain('alice');
    expect(row.text()).toContain('2026');
    expect(rowOf(wrapper, 'github.com:22').text()).toContain('—');

    const search = wrapper.get('[data-testid="git-host-search"]');
    await search.setValue('gitlab');
    await search.trigger('change');
    await settle();
    expect(lastQuery(calls, '/api/git-host-keys')).toEqual({ q: 'gitlab', page: '1', pageSize: '20' });
  });

  it('resets a pin only after a confirmation that the next Git call trusts whatever key the host presents', async () => {
    const calls = stubFetch(routes({ [`DELETE /api/git-host-keys/${PIN_ID}`]: () => new Response(null, { status: 204 }) }));
    const wrapper = await mountSignedIn(GitHostsView, '/git-host-keys');

    await rowOf(wrapper, 'gitlab.example.com:2222').get('[data-testid="git-host-reset"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('cancel'));
    const box = document.querySelectorAll('.el-message-box');
    expect(box[box.length - 1]?.textContent).toContain('确定重置 gitlab.example.com:2222 的主机密钥吗？下一次访问该主机的 Git 操作会信任它届时出示的任何密钥');
    messageBoxButton('cancel').click();
    await settle();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await rowOf(wrapper, 'gitlab.example.com:2222').get('[data-testid="git-host-reset"]').trigger('click');
    await vi.waitFor(() => messageBoxButton('primary'));
    messageBoxButton('primary').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`/api/git-host-keys/${PIN_ID}`]);
    });
  });

  it('shows no reset to a user who is not an administrator', async () => {
    stubFetch(routes());
    const wrapper = await mountSignedIn(GitHostsView, '/git-host-keys', { user: { ...adminUser, isAdmin: false } });
    expect(rowOf(wrapper, 'gitlab.example.com:2222').text()).toContain('alice');
    expect(wrapper.find('[data-testid="git-host-reset"]').exists()).toBe(false);
  });
});

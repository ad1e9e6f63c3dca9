import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { MessagePreview } from '@/api/alerts';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { page, rowOf, settle } from '@/test/ui';
import ChannelsView from './index.vue';

const GROUP = '00000000-0000-4000-8000-0000000000a1';

const channel = (id: string, name: string, kind: string) => ({
  id,
  groupId: GROUP,
  name,
  kind,
  settings: kind === 'email' ? { host: 'smtp.example.com', port: 465 } : {},
  secretHints: {},
  lastTest: { at: null, ok: null, answer: null },
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
});

const HTML = '<p>Release <b>failed</b></p><script>parent.stolen = true</script>';

/** The message each kind gets: e-mail is HTML, DingTalk markdown. */
function preview(req: RecordedRequest): Response {
  const q = new URL(req.url, 'http://localhost').searchParams;
  const body: MessagePreview =
    q.get('kind') === 'email'
      ? { kind: 'email', title: '[发布失败] shop-web / prod', format: 'html', body: HTML }
      : { kind: 'dingtalk', title: `${q.get('event')} ${q.get('locale')}`, format: 'markdown', body: '### 发布失败\n- 项目：shop-web' };
  return json(200, body);
}

const previewCalls = (calls: RecordedRequest[]) =>
  calls.filter((c) => c.url.startsWith('/api/notification-previews')).map((c) => Object.fromEntries(new URL(c.url, 'http://localhost').searchParams));

isolateViewTests();

describe('message previews', () => {
  it('shows an e-mail\'s HTML in a sandbox that allows nothing, for the kind of the row', async () => {
    const calls = stubFetch({
      'GET /api/notification-channels': () => json(200, page([channel('00000000-0000-4000-8000-0000000000d2', 'mail', 'email')])),
      'GET /api/groups': () => json(200, page([{ id: GROUP, name: 'shop' }])),
      'GET /api/notification-previews': preview,
    });
    const wrapper = await mountSignedIn(ChannelsView, '/notification-channels');

    await rowOf(wrapper, 'mail').get('[data-testid="channel-preview"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.querySelector('[data-testid="preview-html"]')).not.toBeNull();
    });
    expect(previewCalls(calls)).toEqual([{ kind: 'email', event: 'failed', locale: 'zh-CN' }]);
    const frame = document.querySelector<HTMLIFrameElement>('[data-testid="preview-html"]');
    expect(frame?.getAttribute('sandbox')).toBe('');
    expect(frame?.getAttribute('srcdoc')).toBe(HTML);
    expect(document.querySelector('[data-testid="preview-title"]')?.textContent).toBe('[发布失败] shop-web / prod');
    // The markup is never put into the page itself.
    expect(document.querySelector('[data-testid="preview-dialog"] b')).toBeNull();
    expect(document.querySelector('[data-testid="preview-body"]')).toBeNull();
  });

  it('shows markdown as text and asks again for another event and language', async () => {
    const calls = stubFetch({
      'GET /api/notification-channels': () => json(200, page([channel('00000000-0000-4000-8000-0000000000d1', 'ops robot', 'dingtalk')])),
      'GET /api/groups': () => json(200, page([{ id: GROUP, name: 'shop' }])),
      'GET /api/notification-previews': preview,
    });
    const wrapper = await mountSignedIn(ChannelsView, '/notification-channels');

    await wrapper.get('[data-testid="channel-preview-open"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.querySelector('[data-testid="preview-body"]')?.textContent).toBe('### 发布失败\n- 项目：shop-web');
    });
    expect(document.querySelector('[data-testid="preview-html"]')).toBeNull();

    document.querySelector<HTMLElement>('[data-testid="preview-locale"] .el-select__wrapper')?.click();
    await settle();
    [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.trim() === '英文')?.click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.querySelector('[data-testid="preview-title"]')?.textContent).toBe('failed en');
    });
    expect(previewCalls(calls)).toEqual([
      { kind: 'dingtalk', event: 'failed', locale: 'zh-CN' },
      { kind: 'dingtalk', event: 'failed', locale: 'en' },
    ]);
  });
});

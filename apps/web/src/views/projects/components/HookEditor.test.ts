import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import type { HookStage } from '@/api/projects';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { byTestId, scriptText, settle, typeIntoScript } from '@/test/ui';
import HookEditor from './HookEditor.vue';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const template = { id: '00000000-0000-4000-8000-0000000000d1', groupId: null, name: '清理缓存', description: '', script: 'rm -rf cache/*', createdAt: '', updatedAt: '' };
const page = <T>(items: T[]) => ({ items, total: items.length, page: 1, pageSize: 200 });

const empty = (): Record<HookStage, string> => ({ 'before-checkout': '', 'after-checkout': '', 'before-release': '', 'after-release': '' });

async function mountEditor(hooks: Record<HookStage, string>) {
  const model = ref(hooks);
  const Host = defineComponent(() => () => h(HookEditor, { modelValue: model.value, 'onUpdate:modelValue': (v: Record<HookStage, string>) => (model.value = v), groupId: GROUP }));
  const wrapper = await mountSignedIn(Host);
  return { wrapper, model };
}

isolateViewTests();

describe('hook editor', () => {
  it('inserts a template into the current stage', async () => {
    const calls = stubFetch({ 'GET /api/hook-templates': (req) => json(200, page(req.url.includes('global=true') ? [template] : [])) });
    const { model } = await mountEditor(empty());
    await settle();
    expect(calls.map((c) => c.url)).toEqual(expect.arrayContaining([expect.stringContaining(`groupId=${GROUP}`), expect.stringContaining('global=true')]));

    byTestId('hook-template-before-checkout').querySelector<HTMLElement>('.el-select__wrapper')?.click();
    await settle();
    [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((li) => li.textContent?.includes('清理缓存'))?.click();
    await settle();
    expect(model.value['before-checkout']).toBe('rm -rf cache/*');
    expect(await scriptText('hook-script-before-checkout')).toBe('rm -rf cache/*');
  });

  it('keeps what is typed into a stage\'s script for that stage only', async () => {
    stubFetch({ 'GET /api/hook-templates': () => json(200, page([])) });
    const { model } = await mountEditor(empty());
    await settle();

    await typeIntoScript('hook-script-before-checkout', 'git lfs install');
    expect(model.value).toEqual({ ...empty(), 'before-checkout': 'git lfs install' });
  });

  it('saves the current script as a template under the name asked for', async () => {
    const calls = stubFetch({
      'GET /api/hook-templates': () => json(200, page([])),
      'POST /api/hook-templates': () => json(201, { ...template, groupId: GROUP, name: 'migrate' }),
    });
    await mountEditor({ ...empty(), 'before-checkout': 'echo migrate' });
    await settle();

    byTestId('hook-save-template-before-checkout').click();
    await settle();
    const input = document.querySelector<HTMLInputElement>('.el-message-box__input input');
    if (!input) throw new Error('no prompt');
    input.value = 'migrate';
    input.dispatchEvent(new Event('input'));
    await settle();
    document.querySelector<HTMLElement>('.el-message-box__btns .el-button--primary')?.click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ groupId: GROUP, name: 'migrate', script: 'echo migrate' });
    });
  });
});

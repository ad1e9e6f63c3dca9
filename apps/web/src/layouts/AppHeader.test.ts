import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import { useBreadcrumbLabel } from '@/composables/useBreadcrumb';
import { router } from '@/router';
import { useAuthStore } from '@/stores/auth';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import AppHeader from './AppHeader.vue';

isolateViewTests();

async function mountHeader() {
  const wrapper = await mountSignedIn(AppHeader, '/dashboard', { props: { collapsed: false } });
  return { wrapper, auth: useAuthStore() };
}

async function choose(testId: string): Promise<void> {
  document.querySelector<HTMLElement>('.header__user')?.click();
  await vi.waitFor(() => expect(document.querySelector(`[data-testid="${testId}"]`)).not.toBeNull());
  document.querySelector<HTMLElement>(`[data-testid="${testId}"]`)?.click();
  await flushPromises();
}

function type(testId: string, value: string): void {
  const input = document.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`);
  if (!input) throw new Error(`no ${testId}`);
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

async function fillAndSave(current: string, next: string, confirm = next): Promise<void> {
  type('change-password-current', current);
  type('change-password-new', next);
  type('change-password-confirm', confirm);
  await flushPromises();
  document.querySelector<HTMLButtonElement>('[data-testid="change-password-save"]')?.click();
}

describe('header user menu', () => {
  it('opens the API tokens page', async () => {
    stubFetch({});
    await mountHeader();
    await choose('user-menu-tokens');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('tokens'));
  });

  it('opens the personal notification settings', async () => {
    stubFetch({});
    await mountHeader();
    await choose('user-menu-notifications');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('my-notifications'));
  });

  it('keeps the session when the current password is wrong, and signs out after a successful change', async () => {
    let currentIsRight = false;
    const calls = stubFetch({
      'POST /api/auth/password': () =>
        currentIsRight
          ? new Response(null, { status: 204 })
          : json(401, { error: { code: 'UNAUTHORIZED', message: 'Current password is wrong' } }),
    });
    const { auth } = await mountHeader();
    await choose('user-menu-password');
    await vi.waitFor(() => expect(document.querySelector('[data-testid="change-password-dialog"]')).not.toBeNull());

    await fillAndSave('old secret', 'new secret 1', 'new secret 2');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.textContent).toContain('两次输入的密码不一致');
    });
    expect(calls).toHaveLength(0);

    await fillAndSave('wrong', 'new secret 1');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.textContent).toContain('当前密码不正确');
    });
    expect(calls[0]?.body).toEqual({ currentPassword: 'wrong', newPassword: 'new secret 1' });
    expect(auth.token).toBe('tok-1');

    currentIsRight = true;
    await fillAndSave('old secret', 'new secret 1');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(router.currentRoute.value.name).toBe('login');
    });
    expect(auth.token).toBeNull();
  });
});

describe('header breadcrumb', () => {
  const trail = () =>
    [...document.querySelectorAll('[data-testid="breadcrumb"] .el-breadcrumb__inner')].map((c) =>
      c.textContent?.trim(),
    );

  it('shows a list page alone', async () => {
    stubFetch({});
    await mountSignedIn(AppHeader, '/projects', { props: { collapsed: false } });
    expect(trail()).toEqual(['项目']);
  });

  it('puts a page under its section, the section linking back to its list', async () => {
    stubFetch({});
    await mountSignedIn(AppHeader, '/release/new', { props: { collapsed: false } });
    expect(trail()).toEqual(['发布单', '新建发布单']);
    expect(document.querySelector('[data-testid="breadcrumb"] a')?.getAttribute('href')).toBe('/releases');
  });

  it('names a detail page as the page says, and by its route title once the page is gone', async () => {
    stubFetch({});
    const name = ref<string | null>(null);
    const showPage = ref(true);
    const Page = defineComponent(() => {
      useBreadcrumbLabel(name);
      return () => null;
    });
    const Shell = defineComponent(() => () => [h(AppHeader, { collapsed: false }), showPage.value ? h(Page) : null]);
    await mountSignedIn(Shell, '/projects/p1');
    expect(trail()).toEqual(['项目', '项目详情']);

    name.value = 'shop-api';
    await flushPromises();
    expect(trail()).toEqual(['项目', 'shop-api']);

    showPage.value = false;
    await flushPromises();
    expect(trail()).toEqual(['项目', '项目详情']);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { GitPlatform, RemoteProject } from '@/api/git-platforms';
import { router } from '@/router';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { byTestId, lastQuery, page, rowOf, settle } from '@/test/ui';
import ProjectsView from '../projects/index.vue';
import { projectSlug } from './import';
import RemoteProjectsView from './projects.vue';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const OTHER = '00000000-0000-4000-8000-0000000000b2';
const LAB_ID = '00000000-0000-4000-8000-0000000000d1';
const GROUP_TOKEN = '00000000-0000-4000-8000-0000000000c1';
const GLOBAL_TOKEN = '00000000-0000-4000-8000-0000000000c2';
const NEW_PROJECT = '00000000-0000-4000-8000-0000000000e1';
const PROJECTS_PATH = `/api/git-platforms/${LAB_ID}/projects`;

const platform = (over: Partial<GitPlatform> = {}): GitPlatform => ({
  id: LAB_ID,
  groupId: GROUP,
  name: 'corp-gitlab',
  kind: 'gitlab',
  baseUrl: 'https://example.com/gitlab',
  credentialId: GROUP_TOKEN,
  credentialName: 'gitlab-bot',
  check: { checkedAt: null, ok: null, message: null, tokenUser: null, tokenScopes: [] },
  sync: { runningSince: null, mode: 'full', syncedAt: '2026-12-02T08:00:00.000Z', fullSyncedAt: '2026-12-02T08:00:00.000Z', ok: true, message: null, projects: 45 },
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

const remote = (over: Partial<RemoteProject> = {}): RemoteProject => ({
  id: '00000000-0000-4000-8000-0000000000f1',
  platformId: LAB_ID,
  remoteId: '1234',
  pathWithNamespace: 'shop/backend/Order Service+API',
  name: 'Order Service+API',
  description: '订单服务',
  defaultBranch: 'develop',
  httpUrl: 'https://example.com/gitlab/shop/backend/order-service-api.git',
  sshUrl: 'git@example.com:shop/backend/order-service-api.git',
  webUrl: 'https://example.com/gitlab/shop/backend/order-service-api',
  archived: false,
  lastActivityAt: '2026-12-01T12:00:00.000Z',
  ...over,
});

const OLD = remote({ id: '00000000-0000-4000-8000-0000000000f2', remoteId: '77', pathWithNamespace: 'legacy/billing', name: 'billing', description: '', defaultBranch: null, archived: true, lastActivityAt: null, webUrl: 'https://example.com/gitlab/legacy/billing' });

const presets = [
  { id: 'java-jar', label: 'Java (Spring Boot jar)', description: '', buildCommand: 'mvn -B -q -DskipTests package', artifactPaths: ['target/app.jar'], sharedDirs: ['logs'], sharedFiles: [], restartCommand: 'java -jar', healthCheck: null, service: { manager: 'none', command: 'java -jar target/app.jar' } },
];

function routes(extra: Record<string, (req: RecordedRequest) => Response> = {}) {
  return {
    [`GET /api/git-platforms/${LAB_ID}`]: () => json(200, platform()),
    [`GET ${PROJECTS_PATH}`]: () => json(200, page([remote(), OLD], 45)),
    'GET /api/projects': () => json(200, page([])),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: 'shop' }, { id: OTHER, name: 'pay' }])),
    'GET /api/project-presets': () => json(200, { items: presets }),
    'GET /api/credentials': (req: RecordedRequest) => {
      const global = new URL(req.url, 'http://localhost').searchParams.get('global') === 'true';
      const token = global
        ? { id: GLOBAL_TOKEN, groupId: null, name: 'global-bot' }
        : { id: GROUP_TOKEN, groupId: GROUP, name: 'gitlab-bot' };
      return json(200, page([{ ...token, description: '', kind: 'git_token', username: 'oauth2', publicKey: null, fingerprint: null, boundHost: null, createdAt: '2026-11-23T10:00:00.000Z', updatedAt: '2026-11-23T10:00:00.000Z' }]));
    },
    'GET /api/servers': () => json(200, page([])),
    'GET /api/hook-templates': () => json(200, page([])),
    'POST /api/projects': (req: RecordedRequest) => json(201, { ...(req.body as object), id: NEW_PROJECT }),
    ...extra,
  };
}

/** The value of a form input of the (teleported) project form. */
const inputValue = (testId: string) => document.querySelector<HTMLInputElement>(`input[data-testid="${testId}"]`)?.value;

/** Chooses the type preset: the one thing an import leaves to the user. */
async function pickPreset(id: string): Promise<void> {
  byTestId('project-form-preset').querySelector<HTMLElement>('.el-select__wrapper')?.click();
  await settle();
  byTestId(`preset-option-${id}`).click();
  await settle();
}

/** Clicks Import on the row showing `text`, then shows the Projects page the way the router would. */
async function importRow(text: string) {
  const list = await mountSignedIn(RemoteProjectsView, `/git-platforms/${LAB_ID}/projects`);
  await rowOf(list, text).get('[data-testid="remote-project-import"]').trigger('click');
  await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('projects'));
  list.unmount();
  const projects = await mountSignedIn(ProjectsView);
  await settle();
  return projects;
}

isolateViewTests();

describe('a Git platform\'s synced projects', () => {
  it('makes a project name of the last path segment', () => {
    expect(projectSlug('shop/backend/Order Service+API', '7')).toBe('order-service-api');
    expect(projectSlug('Team/My.App_v2', '7')).toBe('my.app_v2');
    expect(projectSlug('group/sub/_internal..tools', '7')).toBe('internal.tools');
    expect(projectSlug('group/sub/中文项目', '42')).toBe('project-42');
  });

  it('lists them with link, description, branch, archived tag and activity; searches, filters and pages through the URL', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountSignedIn(RemoteProjectsView, `/git-platforms/${LAB_ID}/projects?q=shop`);

    expect(lastQuery(calls, PROJECTS_PATH)).toEqual({ q: 'shop', page: '1', pageSize: '20' });
    expect(wrapper.get('[data-testid="remote-project-platform"]').text()).toBe('corp-gitlab');
    const order = rowOf(wrapper, 'shop/backend/Order Service+API');
    expect(order.get('[data-testid="remote-project-link"]').attributes()).toMatchObject({ href: 'https://example.com/gitlab/shop/backend/order-service-api', target: '_blank' });
    expect(order.text()).toContain('订单服务');
    expect(order.text()).toContain('develop');
    expect(order.find('[data-testid="remote-project-archived"]').exists()).toBe(false);
    expect(rowOf(wrapper, 'legacy/billing').get('[data-testid="remote-project-archived"]').text()).toBe('已归档');

    // Typing searches by itself after a pause; one request for the whole word.
    const before = calls.length;
    await wrapper.get('input[data-testid="remote-project-search"]').setValue('billing');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(lastQuery(calls, PROJECTS_PATH).q).toBe('billing');
    });
    expect(calls.slice(before).filter((c) => c.url.startsWith(PROJECTS_PATH))).toHaveLength(1);
    expect(router.currentRoute.value.query).toEqual({ q: 'billing' });

    await wrapper.get('[data-testid="remote-project-filter-archived"] .el-select__wrapper').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      const option = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.includes('仅已归档项目'));
      expect(option).toBeDefined();
      option?.click();
    });
    await vi.waitFor(async () => {
      await flushPromises();
      expect(lastQuery(calls, PROJECTS_PATH)).toEqual({ q: 'billing', archived: 'true', page: '1', pageSize: '20' });
    });

    await wrapper.get('.el-pagination .btn-next').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(lastQuery(calls, PROJECTS_PATH)).toEqual({ q: 'billing', archived: 'true', page: '2', pageSize: '20' });
    });
    expect(router.currentRoute.value.query).toEqual({ q: 'billing', archived: 'true', page: '2' });
  });

  it('says a platform never synced has no projects yet, and offers a viewer no import', async () => {
    stubFetch(
      routes({
        [`GET /api/git-platforms/${LAB_ID}`]: () => json(200, platform({ sync: { runningSince: null, mode: null, syncedAt: null, fullSyncedAt: null, ok: null, message: null, projects: 0 } })),
        [`GET ${PROJECTS_PATH}`]: () => json(200, page([])),
      }),
    );
    const wrapper = await mountSignedIn(RemoteProjectsView, `/git-platforms/${LAB_ID}/projects`);
    await settle();
    expect(wrapper.text()).toContain('尚未同步项目');

    stubFetch(routes());
    const viewer = await mountSignedIn(RemoteProjectsView, `/git-platforms/${LAB_ID}/projects?page=1`, {
      user: { id: 'u3', username: 'viewer', displayName: 'Viewer', email: null, isAdmin: false, memberships: [{ groupId: GROUP, groupName: 'shop', role: 'viewer' }] },
    });
    await settle();
    expect(rowOf(viewer, 'legacy/billing').find('[data-testid="remote-project-import"]').exists()).toBe(false);
  });

  it('imports in one click: the project form opens prefilled, the user picks the type, and the new project opens', async () => {
    const calls = stubFetch(routes());
    await importRow('shop/backend/Order Service+API');

    expect(inputValue('project-form-name')).toBe('order-service-api');
    expect(inputValue('project-form-description')).toBe('订单服务');
    expect(inputValue('project-form-git-url')).toBe('https://example.com/gitlab/shop/backend/order-service-api.git');
    await vi.waitFor(() => expect(byTestId('project-form-credential').textContent).toContain('gitlab-bot'));
    expect(byTestId('project-form-group').textContent).toContain('shop');

    await pickPreset('java-jar');
    byTestId('project-form-save').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      groupId: GROUP,
      name: 'order-service-api',
      description: '订单服务',
      gitUrl: 'https://example.com/gitlab/shop/backend/order-service-api.git',
      gitCredentialId: GROUP_TOKEN,
      defaultBranch: 'develop',
      gitPlatformId: LAB_ID,
      remoteProjectId: '1234',
      preset: 'java-jar',
    });
    await vi.waitFor(() => expect(router.currentRoute.value).toMatchObject({ name: 'project-detail', params: { id: NEW_PROJECT } }));
  });

  it('imports from a global platform into the group the user picks, keeping the global token', async () => {
    const calls = stubFetch(routes({ [`GET /api/git-platforms/${LAB_ID}`]: () => json(200, platform({ groupId: null, credentialId: GLOBAL_TOKEN, credentialName: 'global-bot' })) }));
    await importRow('legacy/billing');

    expect(inputValue('project-form-name')).toBe('billing');
    byTestId('project-form-group').querySelector<HTMLElement>('.el-select__wrapper')?.click();
    await vi.waitFor(async () => {
      await flushPromises();
      // The list's group filter has a 'pay' option too; the form's dropdown came later.
      const option = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].filter((o) => o.textContent?.trim() === 'pay').at(-1);
      expect(option).toBeDefined();
      option?.click();
    });
    await settle();
    await vi.waitFor(() => expect(byTestId('project-form-credential').textContent).toContain('global-bot'));
    await pickPreset('java-jar');
    byTestId('project-form-save').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      groupId: OTHER,
      name: 'billing',
      description: '',
      gitUrl: OLD.httpUrl,
      gitCredentialId: GLOBAL_TOKEN,
      defaultBranch: null,
      gitPlatformId: LAB_ID,
      remoteProjectId: '77',
    });
  });

  it('a plain "new project" after an import starts empty', async () => {
    const calls = stubFetch(routes());
    const projects = await importRow('legacy/billing');
    expect(inputValue('project-form-name')).toBe('billing');
    document.querySelector<HTMLElement>('.project-form .el-dialog__footer .el-button')?.click();
    await settle();

    await projects.get('[data-testid="project-create"]').trigger('click');
    await settle();
    expect(inputValue('project-form-name')).toBe('');
    expect(inputValue('project-form-git-url')).toBe('');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });
});

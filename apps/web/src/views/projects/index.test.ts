import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { useAuthStore } from '@/stores/auth';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import ProjectsView from './index.vue';
import { answerMessageBox, byTestId, lastQuery, messageBoxButton, page, requests, scriptText, settle, typeInto } from '@/test/ui';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const OTHER = '00000000-0000-4000-8000-0000000000b2';
const PROJECT = '00000000-0000-4000-8000-0000000000c1';

const project = {
  id: PROJECT,
  groupId: GROUP,
  name: 'shop-api',
  description: '商城接口',
  gitUrl: 'https://git.example.com/shop/api.git',
  gitCredentialId: null,
  buildAgentId: null,
  preset: 'java-jar',
  buildCommand: 'mvn package',
  artifactPaths: ['target/app.jar'],
  sharedDirs: ['logs'],
  sharedFiles: [],
  keepReleases: 5,
  restartCommand: 'restart.sh',
  healthCheck: null,
  hooks: {},
  service: { manager: 'none' },
  environmentCount: 2,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};

const presets = [
  { id: 'java-jar', label: 'Java (Spring Boot jar)', description: '', buildCommand: 'mvn -B -q -DskipTests package', artifactPaths: ['target/app.jar'], sharedDirs: ['logs'], sharedFiles: [], restartCommand: 'java -jar', healthCheck: null, service: { manager: 'none', command: 'exec java -jar target/app.jar' } },
  { id: 'vue', label: 'Vue', description: '', buildCommand: 'npm ci && npm run build', artifactPaths: ['dist'], sharedDirs: [], sharedFiles: [], restartCommand: '', healthCheck: null, service: { manager: 'none' } },
];

function routes(extra: Record<string, (req: RecordedRequest) => Response> = {}) {
  return {
    'GET /api/projects': () => json(200, page([project])),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: '商城' }, { id: OTHER, name: '支付' }])),
    'GET /api/project-presets': () => json(200, { items: presets }),
    'GET /api/credentials': () => json(200, page([])),
    'GET /api/hook-templates': () => json(200, page([])),
    'GET /api/releases': () => json(200, page([])),
    ...extra,
  };
}

/** Opens a select by its test id and clicks the option with this test id. */
async function chooseOption(select: string, option: string): Promise<void> {
  byTestId(select).querySelector<HTMLElement>('.el-select__wrapper')?.click();
  await settle();
  byTestId(option).click();
  await settle();
}

isolateViewTests();

describe('projects list', () => {
  it('shows group names and preset labels, and sends the search term and group to the API', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountSignedIn(ProjectsView, '/projects');
    await settle();

    expect(wrapper.text()).toContain('shop-api');
    expect(wrapper.text()).toContain('商城');
    expect(wrapper.get('[data-testid="preset-tag"]').text()).toBe('Java（Spring Boot jar）');

    await wrapper.get('input[data-testid="project-search"]').setValue('shop');
    await wrapper.get('input[data-testid="project-search"]').trigger('keyup', { key: 'Enter' });
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'GET' && c.url.startsWith('/api/projects?') && new URL(c.url, 'http://x').searchParams.get('q') === 'shop')).toBe(true);
    });
  });

  it('the create form refuses an empty name without calling the API', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountSignedIn(ProjectsView, '/projects');
    await settle();

    await wrapper.get('[data-testid="project-create"]').trigger('click');
    await settle();
    byTestId('project-form-save')?.click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.textContent).toContain('请输入项目名称');
    });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    // The restart command's field says where it runs and with which variables.
    expect(byTestId('project-form-restart-help').textContent).toContain('RELEASE_PATH');
    expect(byTestId('project-form-restart-help').textContent).toContain('本次发布的目录');
  });

  it('creates a project with the defaults of the chosen type', async () => {
    const calls = stubFetch(routes({ 'POST /api/projects': () => json(201, { ...project, id: PROJECT }) }));
    const wrapper = await mountSignedIn(ProjectsView, `/projects?group=${GROUP}`);
    await settle();

    await wrapper.get('[data-testid="project-create"]').trigger('click');
    await settle();
    typeInto('input[data-testid="project-form-name"]', 'shop-web');
    typeInto('input[data-testid="project-form-git-url"]', 'git@git.example.com:shop/web.git');
    byTestId('project-form-preset')?.querySelector<HTMLElement>('.el-select__wrapper')?.click();
    await settle();
    byTestId('preset-option-vue')?.click();
    await settle();
    expect(await scriptText('project-form-build-command')).toBe('npm ci && npm run build');

    byTestId('project-form-save')?.click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      groupId: GROUP,
      name: 'shop-web',
      gitUrl: 'git@git.example.com:shop/web.git',
      preset: 'vue',
      buildCommand: 'npm ci && npm run build',
      artifactPaths: ['dist'],
      healthCheck: null,
      hooks: {},
    });
  });

  it('creates a project its service manager runs: the type\'s start command is offered, the fields that manager uses are sent', async () => {
    const calls = stubFetch(routes({ 'POST /api/projects': () => json(201, { ...project, id: PROJECT }) }));
    const wrapper = await mountSignedIn(ProjectsView, `/projects?group=${GROUP}`);
    await settle();

    await wrapper.get('[data-testid="project-create"]').trigger('click');
    await settle();
    typeInto('input[data-testid="project-form-name"]', 'shop-api');
    typeInto('input[data-testid="project-form-git-url"]', 'git@git.example.com:shop/api.git');
    await chooseOption('project-form-preset', 'preset-option-java-jar');
    expect(document.querySelector('[data-testid="service-command"]')).toBeNull();

    await chooseOption('service-manager', 'service-manager-cron');
    expect((byTestId('service-command') as HTMLInputElement).value).toBe('exec java -jar target/app.jar');
    byTestId('project-form-save').click();
    await settle();
    await vi.waitFor(() => expect(byTestId('project-form').textContent).toContain('cron 方式必须填写执行计划'));
    expect(requests(calls, 'POST')).toEqual([]);

    await chooseOption('service-manager', 'service-manager-systemd');
    byTestId('service-env-add').click();
    await settle();
    typeInto('input[data-testid="service-env-key-0"]', 'PORT');
    typeInto('input[data-testid="service-env-value-0"]', '8080');
    typeInto('input[data-testid="service-user"]', 'app');
    await settle();
    byTestId('project-form-save').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'POST')).toHaveLength(1);
    });
    expect(requests(calls, 'POST')[0]?.body).toMatchObject({
      preset: 'java-jar',
      service: { manager: 'systemd', command: 'exec java -jar target/app.jar', environment: { PORT: '8080' }, user: 'app' },
    });
  });

  it('deletes only after the project name is typed, and shows the API refusing', async () => {
    const calls = stubFetch(
      routes({ [`DELETE /api/projects/${PROJECT}`]: () => json(409, { error: { code: 'CONFLICT', message: 'A release of this project is running' } }) }),
    );
    const wrapper = await mountSignedIn(ProjectsView, '/projects');
    await settle();

    await wrapper.get('[data-testid="project-delete-shop-api"]').trigger('click');
    await settle();
    typeInto('.el-message-box__input input', 'shop');
    messageBoxButton('primary').click();
    await settle();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    typeInto('.el-message-box__input input', 'shop-api');
    await settle();
    messageBoxButton('primary').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'DELETE' && c.url === `/api/projects/${PROJECT}`)).toBe(true);
      expect(document.body.textContent).toContain('A release of this project is running');
    });
  });

  it('says the project will be archived, history kept, when releases point at it', async () => {
    const calls = stubFetch(routes({ 'GET /api/releases': () => json(200, page([{}], 3)), [`DELETE /api/projects/${PROJECT}`]: () => new Response(null, { status: 204 }) }));
    const wrapper = await mountSignedIn(ProjectsView, '/projects');
    await settle();

    await wrapper.get('[data-testid="project-delete-shop-api"]').trigger('click');
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')?.textContent).toContain('归档'));
    expect(lastQuery(calls, '/api/releases')).toMatchObject({ projectId: PROJECT, pageSize: '1' });
    await answerMessageBox('ok', 'shop-api');
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && c.url === `/api/projects/${PROJECT}`)).toBe(true));
  });

  describe('deleting a project with a webhook', () => {
    const WEBHOOK = `/api/projects/${PROJECT}/webhook`;
    const hook = { id: '00000000-0000-4000-8000-0000000000d1', kind: 'gitlab', url: 'https://deploy.example.com/api/webhooks/gitlab/d1', remoteHookId: '7', createdBy: 'admin', createdAt: '2026-12-01T08:00:00.000Z', onPlatform: true, rejected: 0, lastRejectedAt: null, lastDelivery: null };
    const status = (h: unknown) => ({ publicUrl: 'https://deploy.example.com', linked: true, hook: h, leftovers: [], platformError: null });
    const deleted = () => new Response(null, { status: 204 });

    async function confirmDelete(wrapper: Awaited<ReturnType<typeof mountSignedIn>>): Promise<HTMLElement> {
      await wrapper.get('[data-testid="project-delete-shop-api"]').trigger('click');
      await vi.waitFor(() => expect(document.querySelector('.el-message-box')).not.toBeNull());
      await settle();
      return document.querySelector<HTMLElement>('.el-message-box') as HTMLElement;
    }
    const deletes = (calls: RecordedRequest[]) => calls.filter((c) => c.method === 'DELETE').map((c) => c.url);

    it('removes the GitLab hook first when the box stays ticked', async () => {
      const calls = stubFetch(routes({ [`GET ${WEBHOOK}`]: () => json(200, status(hook)), [`DELETE ${WEBHOOK}`]: deleted, [`DELETE /api/projects/${PROJECT}`]: deleted }));
      const wrapper = await mountSignedIn(ProjectsView, '/projects');
      await settle();

      const box = await confirmDelete(wrapper);
      const tick = box.querySelector<HTMLInputElement>('[data-testid="project-delete-hook"] input');
      expect(tick?.checked).toBe(true);
      expect(box.textContent).toContain('同时从 GitLab 项目移除本平台的 Webhook');
      await answerMessageBox('ok', 'shop-api');
      await vi.waitFor(() => expect(deletes(calls)).toEqual([WEBHOOK, `/api/projects/${PROJECT}`]));
    });

    it('keeps the hook when the box is unticked', async () => {
      const calls = stubFetch(routes({ [`GET ${WEBHOOK}`]: () => json(200, status(hook)), [`DELETE /api/projects/${PROJECT}`]: deleted }));
      const wrapper = await mountSignedIn(ProjectsView, '/projects');
      await settle();

      const box = await confirmDelete(wrapper);
      box.querySelector<HTMLInputElement>('[data-testid="project-delete-hook"] input')?.click();
      await settle();
      await answerMessageBox('ok', 'shop-api');
      await vi.waitFor(() => expect(deletes(calls)).toEqual([`/api/projects/${PROJECT}`]));
    });

    it('says when removing the hook failed, and still lets the user delete or cancel', async () => {
      const calls = stubFetch(
        routes({
          [`GET ${WEBHOOK}`]: () => json(200, status(hook)),
          [`DELETE ${WEBHOOK}`]: () => json(502, { error: { code: 'GITLAB', message: 'GitLab answered 502' } }),
          [`DELETE /api/projects/${PROJECT}`]: deleted,
        }),
      );
      const wrapper = await mountSignedIn(ProjectsView, '/projects');
      await settle();

      await confirmDelete(wrapper);
      await answerMessageBox('ok', 'shop-api');
      await vi.waitFor(() => expect(document.querySelector('.el-message-box')?.textContent).toContain('从 GitLab 移除 Webhook 失败：GitLab answered 502'));
      await answerMessageBox('cancel');
      expect(deletes(calls)).toEqual([WEBHOOK]);

      await confirmDelete(wrapper);
      await answerMessageBox('ok', 'shop-api');
      await vi.waitFor(() => expect(document.querySelector('.el-message-box')?.textContent).toContain('仍然删除项目吗'));
      await answerMessageBox('ok');
      await vi.waitFor(() => expect(deletes(calls)).toEqual([WEBHOOK, WEBHOOK, `/api/projects/${PROJECT}`]));
    });

    it('a hook set up by hand is left to the user, with its address', async () => {
      const handMade = { ...hook, kind: 'gitee', remoteHookId: null, onPlatform: null };
      const calls = stubFetch(routes({ [`GET ${WEBHOOK}`]: () => json(200, status(handMade)), [`DELETE /api/projects/${PROJECT}`]: deleted }));
      const wrapper = await mountSignedIn(ProjectsView, '/projects');
      await settle();

      const box = await confirmDelete(wrapper);
      expect(box.querySelector('[data-testid="project-delete-hook"]')).toBeNull();
      expect(box.querySelector('[data-testid="project-delete-hand-hook"]')?.textContent).toContain(`请到 Gitee 的 Webhook 设置中手动删除：${hook.url}`);
      await answerMessageBox('ok', 'shop-api');
      await vi.waitFor(() => expect(deletes(calls)).toEqual([`/api/projects/${PROJECT}`]));
    });
  });

  it('the switch asks for archived projects too; an archived one is tagged and offers administrators unarchive and delete permanently', async () => {
    const archived = { ...project, archivedAt: '2026-11-30T10:00:00.000Z' };
    const calls = stubFetch(
      routes({
        'GET /api/projects': (req) => json(200, page(new URL(req.url, 'http://x').searchParams.get('archived') === 'true' ? [archived] : [])),
        [`POST /api/projects/${PROJECT}/unarchive`]: () => new Response(null, { status: 204 }),
        [`POST /api/projects/${PROJECT}/purge`]: () => new Response(null, { status: 204 }),
      }),
    );
    const wrapper = await mountSignedIn(ProjectsView, '/projects');
    await settle();
    expect(wrapper.find('[data-testid="project-archived-shop-api"]').exists()).toBe(false);

    await wrapper.get('[data-testid="project-show-archived"]').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-testid="project-archived-shop-api"]').exists()).toBe(true);
    });
    expect(lastQuery(calls, '/api/projects').archived).toBe('true');
    expect(wrapper.find('[data-testid="project-edit-shop-api"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="project-delete-shop-api"]').exists()).toBe(false);

    await wrapper.get('[data-testid="project-purge-shop-api"]').trigger('click');
    await answerMessageBox('ok', 'shop');
    expect(calls.some((c) => c.url.endsWith('/purge'))).toBe(false);
    await answerMessageBox('cancel');

    await wrapper.get('[data-testid="project-unarchive-shop-api"]').trigger('click');
    await answerMessageBox('ok');
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url === `/api/projects/${PROJECT}/unarchive`)).toBe(true));
  });

  it('a viewer of the group sees no create, edit or delete', async () => {
    stubFetch(routes());
    const wrapper = await mountSignedIn(ProjectsView, '/projects');
    useAuthStore().user = { id: 'u2', username: 'dev', displayName: 'Dev', email: null, isAdmin: false, memberships: [{ groupId: GROUP, groupName: '商城', role: 'viewer' }] };
    await settle();

    expect(wrapper.find('[data-testid="project-create"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="project-edit-shop-api"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="project-delete-shop-api"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="project-link-shop-api"]').exists()).toBe(true);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { useAuthStore } from '@/stores/auth';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import DetailView from './detail.vue';
import { byTestId, messageBoxButton, page, settle, typeInto, typeIntoScript } from '@/test/ui';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const PROJECT = '00000000-0000-4000-8000-0000000000c1';
const ENV = '00000000-0000-4000-8000-0000000000e1';
const SERVER = '00000000-0000-4000-8000-0000000000f1';

const project = {
  id: PROJECT,
  groupId: GROUP,
  name: 'shop-api',
  description: '',
  gitUrl: 'https://git.example.com/shop/api.git',
  gitCredentialId: null,
  buildAgentId: null,
  preset: 'java-jar',
  buildCommand: 'mvn package',
  artifactPaths: ['target/app.jar'],
  sharedDirs: [],
  sharedFiles: [],
  keepReleases: 5,
  restartCommand: '',
  healthCheck: null,
  hooks: {},
  service: { manager: 'none' },
  defaultBranch: 'develop',
  environmentCount: 1,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};

const environment = {
  id: ENV,
  projectId: PROJECT,
  name: 'prod',
  deployPath: '/data/shop',
  servers: [{ id: SERVER, name: 'web-1', host: '10.0.0.1' }],
  variables: [
    { key: 'PORT', value: '8080', secret: false },
    { key: 'DB_PASSWORD', value: '******', secret: true },
  ],
  rollout: { strategy: 'batches', concurrency: 2, batches: [1, '100%'], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true },
  requireApproval: true,
  rollbackNeedsApproval: false,
  releaseWindows: [{ days: [1, 2, 3, 4, 5], start: '22:00', end: '06:00' }],
  timezone: 'Asia/Shanghai',
  policy: { releasers: 'owners', releaserIds: [], approvers: 'owners', approverIds: [], refPolicy: { kind: 'tags', pattern: 'v*' }, customRollout: 'everyone' },
  autoRelease: { enabled: false, events: ['push'], branches: [], tags: [], keyword: 'devops', skipMarker: '[skip deploy]', onNewer: 'queue' },
  offlineScript: '',
  onlineScript: '',
  drainSeconds: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function routes(extra: Record<string, (req: RecordedRequest) => Response> = {}) {
  return {
    [`GET /api/projects/${PROJECT}`]: () => json(200, project),
    [`GET /api/projects/${PROJECT}/environments`]: () => json(200, page([environment])),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: '商城' }])),
    'GET /api/project-presets': () => json(200, { items: [] }),
    'GET /api/servers': () => json(200, page([{ id: SERVER, name: 'web-1', host: '10.0.0.1', port: 22, labels: [] }])),
    [`GET /api/groups/${GROUP}/members`]: () => json(200, page([])),
    [`GET /api/environments/${ENV}/trigger-token`]: () => json(200, { trigger: null }),
    'GET /api/releases': () => json(200, page([])),
    ...extra,
  };
}

/** A tag input's box (its test id sits on the input inside). */
const globBox = (testId: string) => byTestId(testId).closest<HTMLElement>('.el-input-tag');

/** Types a glob into a tag input and presses Enter, as a user adds one. */
async function addGlob(testId: string, glob: string): Promise<void> {
  const input = byTestId(testId) as HTMLInputElement;
  input.value = glob;
  input.dispatchEvent(new Event('input'));
  await settle();
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter' }));
  await settle();
}

const savedBody = async (calls: RecordedRequest[]) => {
  await vi.waitFor(async () => {
    await flushPromises();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(true);
  });
  return calls.find((c) => c.method === 'PATCH')?.body as Record<string, unknown>;
};

async function openMenu(item: string): Promise<void> {
  byTestId('env-more-prod').click();
  await settle();
  byTestId(item).click();
  await settle();
}

isolateViewTests();

describe('project page', () => {
  it('lists environments with their servers, approval, strategy and windows, and links to release, versions and history', async () => {
    stubFetch(routes());
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    expect(wrapper.get('[data-testid="project-name"]').text()).toBe('shop-api');
    const text = wrapper.get('[data-testid="env-table"]').text();
    expect(text).toContain('prod');
    expect(text).toContain('/data/shop');
    expect(text).toContain('分批 1, 100% · 人工确认后继续');
    expect(text).toContain('周一–周五 22:00–06:00');

    await wrapper.get('[data-testid="env-release-prod"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.vm.$route.fullPath).toBe(`/release/new?project=${PROJECT}&env=${ENV}`));
  });

  it('editing keeps a secret it was not given a new value for', async () => {
    const calls = stubFetch(routes({ [`PATCH /api/environments/${ENV}`]: () => json(200, environment) }));
    await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    await openMenu('env-edit-prod');
    const secret = byTestId('env-var-value-1') as HTMLInputElement;
    expect(secret.value).toBe('');
    expect(secret.placeholder).toBe('••••••');
    byTestId('env-form-save').click();

    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'PATCH')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({
      serverIds: [SERVER],
      variables: [
        { key: 'PORT', value: '8080', secret: false },
        { key: 'DB_PASSWORD', secret: true },
      ],
      rollout: { strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' } },
      requireApproval: true,
      policy: { releasers: 'owners', approvers: 'owners', refPolicy: { kind: 'tags', pattern: 'v*' }, customRollout: 'everyone' },
    });
  });

  it('editing sends the offline and online scripts and the drain time', async () => {
    const calls = stubFetch(routes({ [`PATCH /api/environments/${ENV}`]: () => json(200, environment) }));
    await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    await openMenu('env-edit-prod');
    await typeIntoScript('env-form-offline', 'curl -fsS -X POST http://127.0.0.1:8080/offline');
    // An offline script alone would leave every server out of the load balancer: the form says so and sends nothing.
    byTestId('env-form-save').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.textContent).toContain('设置了下线脚本时必须填写上线脚本');
    });
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
    await typeIntoScript('env-form-online', 'curl -fsS -X POST http://127.0.0.1:8080/online');
    typeInto('[data-testid="env-form-drain"] input', '20');
    byTestId('env-form-drain').querySelector('input')?.dispatchEvent(new Event('change'));
    await settle();
    byTestId('env-form-save').click();

    expect(await savedBody(calls)).toMatchObject({
      offlineScript: 'curl -fsS -X POST http://127.0.0.1:8080/offline',
      onlineScript: 'curl -fsS -X POST http://127.0.0.1:8080/online',
      drainSeconds: 20,
    });
  });

  it('edits the project in a modal dialog like an environment, its labels in the same column', async () => {
    stubFetch(routes());
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();
    const labelWidth = (form: string) => byTestId(form).querySelector<HTMLElement>('.el-form-item__label')?.style.width;

    await wrapper.get('[data-testid="project-edit"]').trigger('click');
    await settle();
    expect(byTestId('project-form').classList).toContain('el-dialog');
    const projectLabels = labelWidth('project-form');

    await openMenu('env-edit-prod');
    expect(byTestId('environment-form').classList).toContain('el-dialog');
    expect(projectLabels).toBeTruthy();
    expect(labelWidth('environment-form')).toBe(projectLabels);
  });

  it('previews the service files a release installs, per environment of the project', async () => {
    const calls = stubFetch(
      routes({
        [`GET /api/projects/${PROJECT}/service-preview`]: () =>
          json(200, {
            files: [{ path: '/etc/systemd/system/rp-shop-api.service', content: '[Service]\nExecStart=/bin/sh -c \'exec java -jar app.jar\'' }],
            commands: { install: 'sudo -n systemctl daemon-reload', start: 'start', stop: 'stop', restart: 'sudo -n systemctl restart rp-shop-api', status: 'status', logs: 'logs' },
          }),
      }),
    );
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    await wrapper.get('[data-testid="project-edit"]').trigger('click');
    await settle();
    byTestId('service-preview-open').click();
    await settle();

    expect(calls.filter((c) => c.url.includes('service-preview')).map((c) => c.url)).toEqual([`/api/projects/${PROJECT}/service-preview?environmentId=${ENV}`]);
    expect(byTestId('service-preview-path').textContent).toBe('/etc/systemd/system/rp-shop-api.service');
    expect(byTestId('service-preview-file').textContent).toContain("ExecStart=/bin/sh -c 'exec java -jar app.jar'");
    expect(byTestId('service-preview-command-restart').textContent).toBe('sudo -n systemctl restart rp-shop-api');
  });

  it('names the people who may release, from the group members who could', async () => {
    const members = [
      { userId: 'u-dev', username: 'dev1', displayName: '开发一', role: 'developer', createdAt: '2026-11-23T10:00:00.000Z' },
      { userId: 'u-view', username: 'view1', displayName: 'view1', role: 'viewer', createdAt: '2026-11-23T10:00:00.000Z' },
    ];
    const calls = stubFetch(
      routes({
        [`GET /api/groups/${GROUP}/members`]: () => json(200, page(members)),
        [`PATCH /api/environments/${ENV}`]: () => json(200, environment),
      }),
    );
    await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    await openMenu('env-edit-prod');
    expect(document.querySelector('[data-testid="env-form-releasers-ids"]')).toBeNull();
    byTestId('env-form-releasers').querySelectorAll<HTMLInputElement>('input[type="radio"]')[2]?.click();
    await settle();
    byTestId('env-form-releasers-ids').click();
    await settle();
    // Other selects of the dialog (time zones) keep their options in the page too; only people matter here.
    const people = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].filter((o) => /dev1|view1/.test(o.textContent ?? ''));
    expect(people.map((o) => o.textContent?.trim())).toEqual(['开发一 (dev1)']);
    people[0]?.click();
    await settle();
    byTestId('env-form-save').click();

    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'PATCH')).toBe(true);
    });
    expect(calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ policy: { releasers: 'named', releaserIds: ['u-dev'], approvers: 'owners' } });
  });

  it('shows an enabled auto-release rule on the list as the globs it releases on', async () => {
    const auto = { ...environment.autoRelease, enabled: true, events: ['push', 'tag_push'], branches: ['main', 'release/*'], tags: ['v*'] };
    stubFetch(routes({ [`GET /api/projects/${PROJECT}/environments`]: () => json(200, page([{ ...environment, autoRelease: auto }])) }));
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();
    expect(wrapper.get('[data-testid="env-auto-prod"]').text()).toBe('自动：main, release/*, v*');
    wrapper.unmount();

    stubFetch(routes());
    const plain = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();
    expect(plain.find('[data-testid="env-auto-prod"]').exists()).toBe(false);
  });

  it('switching auto-release on starts from the default branch, and a tag push without a tag glob is refused before the API', async () => {
    const calls = stubFetch(routes({ [`PATCH /api/environments/${ENV}`]: () => json(200, environment) }));
    await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    await openMenu('env-edit-prod');
    expect(document.querySelector('[data-testid="env-form-auto-events"]')).toBeNull();
    byTestId('env-form-auto-enabled').click();
    await settle();
    expect(globBox('env-form-auto-branches')?.textContent).toContain('develop');
    expect((byTestId('env-form-auto-keyword') as HTMLInputElement).value).toBe('devops');

    byTestId('env-form-auto-event-tag_push').querySelector('input')?.click();
    await settle();
    byTestId('env-form-save').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.textContent).toContain('“标签推送”需要至少一个标签匹配规则（如 v*）');
    });
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    await addGlob('env-form-auto-tags', 'v*');
    typeInto('input[data-testid="env-form-auto-try"]', 'feat/x');
    await settle();
    expect([...document.querySelectorAll('[data-testid="env-form-auto-try-result"]')].map((e) => e.textContent?.trim())).toEqual([
      '分支 feat/x ✗ 不匹配',
      '标签 feat/x ✗ 不匹配',
    ]);
    byTestId('env-form-auto-on-newer').querySelectorAll<HTMLInputElement>('input[type="radio"]')[1]?.click();
    await settle();
    byTestId('env-form-save').click();
    expect((await savedBody(calls)).autoRelease).toEqual({
      enabled: true,
      events: ['push', 'tag_push'],
      branches: ['develop'],
      tags: ['v*'],
      keyword: 'devops',
      skipMarker: '[skip deploy]',
      onNewer: 'supersede',
    });
  });

  it('needs a branch glob for pushes, and shows the API refusing the rule', async () => {
    const refusal = { error: { code: 'VALIDATION', message: 'body.autoRelease.branches: name at least one branch glob for push events (e.g. main)', details: [{ field: 'body.autoRelease.branches', message: 'name at least one branch glob for push events (e.g. main)' }] } };
    const calls = stubFetch(routes({ [`PATCH /api/environments/${ENV}`]: () => json(400, refusal) }));
    await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    await openMenu('env-edit-prod');
    byTestId('env-form-auto-enabled').click();
    await settle();
    // The prefilled branch removed: a push rule with no branch could never release.
    globBox('env-form-auto-branches')?.querySelector<HTMLElement>('.el-tag__close')?.click();
    await settle();
    byTestId('env-form-save').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.textContent).toContain('所选事件需要至少一个分支匹配规则（如 main）');
    });
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    typeInto('input[data-testid="env-form-auto-keyword"]', 'two words');
    await addGlob('env-form-auto-branches', 'main');
    byTestId('env-form-save').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.textContent).toContain('关键词不能包含空格');
    });
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    typeInto('input[data-testid="env-form-auto-keyword"]', '');
    await settle();
    byTestId('env-form-save').click();
    expect((await savedBody(calls)).autoRelease).toMatchObject({ enabled: true, branches: ['main'], keyword: '' });
    await vi.waitFor(() => expect(byTestId('env-form-auto-error').textContent).toContain('name at least one branch glob for push events'));
  });

  it('a new environment without a deploy path is refused before reaching the API', async () => {
    const calls = stubFetch(routes());
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    await wrapper.get('[data-testid="env-create"]').trigger('click');
    await settle();
    const name = byTestId('env-form-name') as HTMLInputElement;
    name.value = 'staging';
    name.dispatchEvent(new Event('input'));
    byTestId('env-form-save').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(document.body.textContent).toContain('请输入部署目录');
    });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('issues a trigger token once, with a ready curl line', async () => {
    const calls = stubFetch(
      routes({
        [`POST /api/environments/${ENV}/trigger-token`]: () =>
          json(201, { token: 'trg_secret123', trigger: { prefix: 'trg_secret', defaultRef: 'main', createdBy: 'admin', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null } }),
      }),
    );
    await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    await openMenu('env-trigger-open-prod');
    expect(byTestId('trigger-none').textContent).toContain('尚未签发触发令牌');
    byTestId('trigger-issue').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(byTestId('trigger-curl').textContent).toBe(`curl -X POST ${window.location.origin}/api/trigger/trg_secret123`);
    });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ defaultRef: 'main' });
  });

  it('deletes an environment only after confirmation', async () => {
    const calls = stubFetch(routes({ [`DELETE /api/environments/${ENV}`]: () => new Response(null, { status: 204 }) }));
    await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    await openMenu('env-delete-prod');
    messageBoxButton('cancel').click();
    await settle();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await openMenu('env-delete-prod');
    messageBoxButton('primary').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'DELETE' && c.url === `/api/environments/${ENV}`)).toBe(true);
    });
  });

  it('an archived project is read-only, says so, and offers an administrator unarchive and delete permanently', async () => {
    const calls = stubFetch(
      routes({
        [`GET /api/projects/${PROJECT}`]: () => json(200, { ...project, archivedAt: '2026-11-30T10:00:00.000Z' }),
        [`POST /api/projects/${PROJECT}/unarchive`]: () => new Response(null, { status: 204 }),
      }),
    );
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    expect(wrapper.find('[data-testid="project-archived"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="project-archived-notice"]').exists()).toBe(true);
    for (const id of ['project-edit', 'project-delete', 'env-create', 'env-more-prod', 'env-release-prod']) {
      expect(wrapper.find(`[data-testid="${id}"]`).exists(), id).toBe(false);
    }
    expect(wrapper.find('[data-testid="project-purge"]').exists()).toBe(true);

    await wrapper.get('[data-testid="project-unarchive"]').trigger('click');
    await settle();
    messageBoxButton('primary').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(calls.some((c) => c.method === 'POST' && c.url === `/api/projects/${PROJECT}/unarchive`)).toBe(true);
    });
  });

  it('a viewer may look but not change or release', async () => {
    stubFetch(routes());
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    useAuthStore().user = { id: 'u2', username: 'v', displayName: 'V', email: null, isAdmin: false, memberships: [{ groupId: GROUP, groupName: '商城', role: 'viewer' }] };
    await settle();

    expect(wrapper.find('[data-testid="project-edit"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="env-create"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="env-more-prod"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="env-release-prod"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="env-versions-prod"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="env-history-prod"]').exists()).toBe(true);
  });
});

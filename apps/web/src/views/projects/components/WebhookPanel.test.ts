import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { answerMessageBox, byTestId, page, requests, rowOf, settle } from '@/test/ui';
import DetailView from '../detail.vue';
import WebhookPanel from './WebhookPanel.vue';
import { gitlabPath } from './webhook-labels';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const PROJECT = '00000000-0000-4000-8000-0000000000c1';
const PLATFORM = '00000000-0000-4000-8000-0000000000b1';
const HOOK = '00000000-0000-4000-8000-0000000000d1';
const WEBHOOK = `/api/projects/${PROJECT}/webhook`;
const HOOK_URL = 'https://deploy.example.com/api/webhooks/gitlab/00000000-0000-4000-8000-0000000000d1';

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
  packageCompression: 'gzip',
  sharedDirs: [],
  sharedFiles: [],
  keepReleases: 5,
  restartCommand: '',
  healthCheck: null,
  hooks: {},
  defaultBranch: 'main',
  gitPlatformId: PLATFORM,
  remoteProjectId: '42',
  environmentCount: 0,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};

const noHook = { publicUrl: 'https://deploy.example.com', linked: true, hook: null, leftovers: [], platformError: null };

const hook = {
  id: HOOK,
  url: HOOK_URL,
  remoteHookId: '7',
  createdAt: '2026-12-01T08:00:00.000Z',
  onPlatform: true,
  rejected: 0,
  lastRejectedAt: null,
  lastDelivery: null,
};

const deliveries = [
  {
    id: '00000000-0000-4000-8000-0000000000e1',
    receivedAt: '2026-12-01T09:00:00.000Z',
    event: 'Push Hook',
    deliveryUuid: 'u-1',
    ref: 'refs/heads/main',
    commit: '0123456789abcdef0123456789abcdef01234567',
    pusher: 'dev1',
    outcome: 'recorded',
    reason: 'push to main',
  },
  {
    id: '00000000-0000-4000-8000-0000000000e2',
    receivedAt: '2026-12-01T08:30:00.000Z',
    event: 'Pipeline Hook',
    deliveryUuid: null,
    ref: null,
    commit: null,
    pusher: null,
    outcome: 'ignored',
    reason: 'pipeline still running',
  },
];

type Routes = Record<string, (req: RecordedRequest) => Response>;

function webhookRoutes(status: unknown, extra: Routes = {}): Routes {
  return {
    [`GET ${WEBHOOK}`]: () => json(200, status),
    [`GET ${WEBHOOK}/deliveries`]: () => json(200, page([])),
    ...extra,
  };
}

const mountPanel = (canManage = true) => mountSignedIn(WebhookPanel, '', { props: { project, canManage } });

isolateViewTests();

describe('project page webhook tab', () => {
  const pageRoutes = (linked: boolean): Routes => ({
    [`GET /api/projects/${PROJECT}`]: () => json(200, linked ? project : { ...project, gitPlatformId: null, remoteProjectId: null }),
    [`GET /api/projects/${PROJECT}/environments`]: () => json(200, page([])),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: '商城' }])),
    'GET /api/project-presets': () => json(200, { items: [] }),
    ...webhookRoutes(noHook),
  });

  it('is not offered for a project that is not linked to GitLab', async () => {
    const calls = stubFetch(pageRoutes(false));
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    expect(wrapper.get('[data-testid="project-name"]').text()).toBe('shop-api');
    expect(wrapper.find('#tab-webhook').exists()).toBe(false);
    expect(calls.some((c) => c.url.startsWith(WEBHOOK))).toBe(false);
  });

  it('asks about the hook only once a linked project’s tab is opened', async () => {
    const calls = stubFetch(pageRoutes(true));
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();
    expect(calls.some((c) => c.url.startsWith(WEBHOOK))).toBe(false);

    await wrapper.get('#tab-webhook').trigger('click');
    await settle();
    expect(wrapper.find('[data-testid="webhook-panel"]').exists()).toBe(true);
    expect(byTestId('webhook-none').textContent).toContain('尚未添加 Webhook');
  });
});

describe('webhook panel', () => {
  it('without PUBLIC_URL warns, says how to fix it, and cannot add', async () => {
    const calls = stubFetch(webhookRoutes({ ...noHook, publicUrl: null }));
    await mountPanel();
    await settle();

    const warning = byTestId('webhook-no-public-url').textContent ?? '';
    expect(warning).toContain('未设置 PUBLIC_URL');
    expect(warning).toContain('设置 PUBLIC_URL，然后重启');
    const add = byTestId('webhook-add') as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    add.click();
    await settle();
    expect(requests(calls, 'POST')).toHaveLength(0);
  });

  it('adds the hook for an owner and shows it as GitLab has it', async () => {
    const calls = stubFetch(webhookRoutes(noHook, { [`POST ${WEBHOOK}`]: () => json(201, { ...noHook, hook }) }));
    const wrapper = await mountPanel();
    await settle();
    expect(wrapper.find('[data-testid="webhook-hook"]').exists()).toBe(false);

    byTestId('webhook-add').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(byTestId('webhook-url').textContent).toBe(HOOK_URL);
    });
    expect(requests(calls, 'POST').map((c) => c.url)).toEqual([WEBHOOK]);
    expect(byTestId('webhook-on-platform').textContent).toContain('存在');
    expect(wrapper.find('[data-testid="webhook-add"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="webhook-remove"]').exists()).toBe(true);
  });

  it('a viewer sees the state but gets no add or remove buttons', async () => {
    stubFetch(webhookRoutes(noHook));
    const wrapper = await mountPanel(false);
    await settle();
    expect(wrapper.find('[data-testid="webhook-none"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="webhook-add"]').exists()).toBe(false);
  });

  it('says when GitLab lost the hook, when it could not be asked, and counts rejected deliveries', async () => {
    const missing = {
      ...hook,
      onPlatform: false,
      rejected: 3,
      lastRejectedAt: '2026-12-01T10:00:00.000Z',
      lastDelivery: { receivedAt: '2026-12-01T09:00:00.000Z', event: 'Tag Push Hook', outcome: 'recorded' },
    };
    stubFetch(webhookRoutes({ ...noHook, hook: missing }));
    const wrapper = await mountPanel();
    await settle();
    expect(byTestId('webhook-on-platform').textContent).toContain('✗ GitLab 上已不存在，请移除后重新添加');
    expect(byTestId('webhook-rejected').textContent).toMatch(/^\s*3 次，最近一次 /);
    expect(byTestId('webhook-last-delivery').textContent).toContain('Tag Push Hook');
    expect(byTestId('webhook-last-delivery').textContent).toContain('已记录');
    wrapper.unmount();

    stubFetch(webhookRoutes({ ...noHook, hook: { ...hook, onPlatform: null }, platformError: 'GitLab answered 502' }));
    await mountPanel();
    await settle();
    expect(byTestId('webhook-on-platform').textContent).toContain('无法询问 GitLab：GitLab answered 502');
  });

  it('removes the hook only after the user confirms, naming the GitLab project', async () => {
    let current: unknown = { ...noHook, hook };
    const calls = stubFetch(
      webhookRoutes(null, {
        [`GET ${WEBHOOK}`]: () => json(200, current),
        [`DELETE ${WEBHOOK}`]: () => {
          current = noHook;
          return new Response(null, { status: 204 });
        },
      }),
    );
    const wrapper = await mountPanel();
    await settle();

    byTestId('webhook-remove').click();
    await settle();
    expect(document.querySelector('.el-message-box')?.textContent).toContain('从 GitLab 项目“shop/api”移除');
    await answerMessageBox('cancel');
    expect(requests(calls, 'DELETE')).toHaveLength(0);

    byTestId('webhook-remove').click();
    await answerMessageBox('ok');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-testid="webhook-none"]').exists()).toBe(true);
    });
    expect(requests(calls, 'DELETE').map((c) => c.url)).toEqual([WEBHOOK]);
  });

  it('removes a left-over hook through its own route after confirmation', async () => {
    const leftovers = [{ remoteHookId: '91', url: `${HOOK_URL}-old` }];
    let current: unknown = { ...noHook, leftovers };
    const calls = stubFetch(
      webhookRoutes(null, {
        [`GET ${WEBHOOK}`]: () => json(200, current),
        [`DELETE ${WEBHOOK}/leftovers/91`]: () => {
          current = noHook;
          return new Response(null, { status: 204 });
        },
      }),
    );
    const wrapper = await mountPanel();
    await settle();
    expect(byTestId('webhook-leftovers').textContent).toContain(`${HOOK_URL}-old`);

    byTestId('webhook-leftover-remove-91').click();
    await answerMessageBox('ok');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find('[data-testid="webhook-leftovers"]').exists()).toBe(false);
    });
    expect(requests(calls, 'DELETE').map((c) => c.url)).toEqual([`${WEBHOOK}/leftovers/91`]);
  });

  it('lists deliveries with short commits and outcomes, and reloads them on demand', async () => {
    let answer = deliveries.slice(1);
    const calls = stubFetch(webhookRoutes({ ...noHook, hook }, { [`GET ${WEBHOOK}/deliveries`]: () => json(200, page(answer)) }));
    const wrapper = await mountPanel();
    await settle();
    expect(rowOf(wrapper, 'Pipeline Hook').text()).toContain('pipeline still running');
    expect(rowOf(wrapper, 'Pipeline Hook').text()).toContain('已忽略');

    answer = deliveries;
    await wrapper.get('[data-testid="webhook-deliveries-refresh"]').trigger('click');
    await settle();
    const push = rowOf(wrapper, 'Push Hook').text();
    for (const text of ['refs/heads/main', '01234567', 'dev1', '已记录', 'push to main']) expect(push).toContain(text);
    expect(push).not.toContain('0123456789');
    expect(requests(calls, 'GET').filter((c) => c.url.startsWith(`${WEBHOOK}/deliveries`))).toHaveLength(2);
  });
});

describe('gitlabPath', () => {
  it('names the GitLab project from https and ssh clone addresses', () => {
    expect(gitlabPath('https://git.example.com/shop/api.git')).toBe('shop/api');
    expect(gitlabPath('git@git.example.com:team/sub/app.git')).toBe('team/sub/app');
    expect(gitlabPath('ssh://git@git.example.com:2222/team/app')).toBe('team/app');
  });
});

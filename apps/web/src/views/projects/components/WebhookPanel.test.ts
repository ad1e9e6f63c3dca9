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
  kind: 'gitlab',
  url: HOOK_URL,
  remoteHookId: '7',
  createdBy: 'owner1',
  createdAt: '2026-12-01T08:00:00.000Z',
  onPlatform: true,
  rejected: 0,
  lastRejectedAt: null,
  lastDelivery: null,
};

const RELEASE = '00000000-0000-4000-8000-0000000000f1';
const PUSH = '00000000-0000-4000-8000-0000000000e1';
const PIPELINE = '00000000-0000-4000-8000-0000000000e2';
const TAG = '00000000-0000-4000-8000-0000000000e3';
const REPLAY = '00000000-0000-4000-8000-0000000000e4';

const delivery = {
  deliveryUuid: null,
  trigger: null,
  ref: null,
  refKind: null,
  commit: null,
  message: null,
  pusher: null,
  releases: [],
  replayOfId: null,
  replayedBy: null,
};

const deliveries = [
  {
    ...delivery,
    id: PUSH,
    receivedAt: '2026-12-01T09:00:00.000Z',
    event: 'Push Hook',
    deliveryUuid: 'u-1',
    trigger: 'push',
    ref: 'main',
    refKind: 'branch',
    commit: '0123456789abcdef0123456789abcdef01234567',
    message: 'fix checkout devops',
    pusher: 'dev1',
    outcome: 'released',
    reason: 'prod: push to main matches main',
    releases: [{ id: RELEASE, environmentId: '00000000-0000-4000-8000-0000000000a9', environmentName: 'prod', state: 'queued' }],
  },
  {
    ...delivery,
    id: PIPELINE,
    receivedAt: '2026-12-01T08:30:00.000Z',
    event: 'Pipeline Hook',
    outcome: 'ignored',
    reason: 'pipeline still running',
  },
  {
    ...delivery,
    id: TAG,
    receivedAt: '2026-12-01T08:00:00.000Z',
    event: 'Tag Push Hook',
    trigger: 'tag_push',
    ref: 'v1.2.0',
    refKind: 'tag',
    outcome: 'refused',
    reason: 'prod: outside the release windows',
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

  it('is offered for a project not linked to GitLab too, to set a hook up by hand', async () => {
    stubFetch({ ...pageRoutes(false), [`GET ${WEBHOOK}`]: () => json(200, { ...noHook, linked: false }) });
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
    await settle();

    expect(wrapper.get('[data-testid="project-name"]').text()).toBe('shop-api');
    await wrapper.get('#tab-webhook').trigger('click');
    await settle();
    expect(byTestId('webhook-kind').textContent).toContain('GitLab（手动添加）');
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

    expect(wrapper.find('[data-testid="webhook-kind"]').exists()).toBe(false);
    byTestId('webhook-add').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(byTestId('webhook-url').textContent).toBe(HOOK_URL);
    });
    expect(requests(calls, 'POST').map((c) => [c.url, c.body])).toEqual([[WEBHOOK, undefined]]);
    expect(byTestId('webhook-on-platform').textContent).toContain('存在');
    expect(byTestId('webhook-kind-text').textContent).toContain('GitLab · 通过 GitLab API 管理');
    expect(byTestId('webhook-created-by').textContent).toContain('owner1');
    expect(wrapper.find('[data-testid="webhook-setup-open"]').exists()).toBe(false);
    expect(document.querySelector('[data-testid="webhook-setup"]')).toBeNull();
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
      lastDelivery: { receivedAt: '2026-12-01T09:00:00.000Z', event: 'Tag Push Hook', outcome: 'released' },
    };
    stubFetch(webhookRoutes({ ...noHook, hook: missing }));
    const wrapper = await mountPanel();
    await settle();
    expect(byTestId('webhook-on-platform').textContent).toContain('✗ GitLab 上已不存在，请移除后重新添加');
    expect(byTestId('webhook-rejected').textContent).toMatch(/^\s*3 次，最近一次 /);
    expect(byTestId('webhook-last-delivery').textContent).toContain('Tag Push Hook');
    expect(byTestId('webhook-last-delivery').textContent).toContain('已发布');
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

  it('lists deliveries with their message, outcome and releases, and reloads them on demand', async () => {
    let answer = deliveries.slice(1, 2);
    const calls = stubFetch(webhookRoutes({ ...noHook, hook }, { [`GET ${WEBHOOK}/deliveries`]: () => json(200, page(answer)) }));
    const wrapper = await mountPanel();
    await settle();
    expect(rowOf(wrapper, 'Pipeline Hook').text()).toContain('pipeline still running');
    expect(rowOf(wrapper, 'Pipeline Hook').text()).toContain('已忽略');

    answer = deliveries;
    await wrapper.get('[data-testid="webhook-deliveries-refresh"]').trigger('click');
    await settle();
    const push = rowOf(wrapper, 'Push Hook');
    for (const text of ['main', '分支', '01234567', 'dev1', 'fix checkout devops', '已发布', 'prod: push to main matches main']) expect(push.text()).toContain(text);
    expect(push.text()).not.toContain('0123456789');
    const release = push.get(`[data-testid="webhook-release-${RELEASE}"]`);
    expect(release.text()).toBe('prod');
    expect(release.attributes('href')).toBe(`/releases/${RELEASE}`);
    expect(push.find('[data-testid="state-queued"]').exists()).toBe(true);
    expect(requests(calls, 'GET').filter((c) => c.url.startsWith(`${WEBHOOK}/deliveries`))).toHaveLength(2);
  });

  it('colours outcomes: released green, ignored grey, refused orange', async () => {
    stubFetch(webhookRoutes({ ...noHook, hook }, { [`GET ${WEBHOOK}/deliveries`]: () => json(200, page(deliveries)) }));
    const wrapper = await mountPanel();
    await settle();
    const outcome = (event: string, label: string) => rowOf(wrapper, event).findAll('.el-tag').find((tag) => tag.text() === label);
    expect(outcome('Push Hook', '已发布')?.classes()).toContain('el-tag--success');
    expect(outcome('Pipeline Hook', '已忽略')?.classes()).toContain('el-tag--info');
    expect(outcome('Tag Push Hook', '被拒绝')?.classes()).toContain('el-tag--warning');
    expect(rowOf(wrapper, 'Tag Push Hook').text()).toContain('标签');
  });

  it('an owner replays a delivery after confirming; the new one shows whose replay of what it is', async () => {
    const replayed = { ...deliveries[2], id: REPLAY, receivedAt: '2026-12-01T10:00:00.000Z', event: 'Tag Push Hook (replay)', outcome: 'released', replayOfId: TAG, replayedBy: 'owner1' };
    let answer: unknown[] = deliveries;
    const calls = stubFetch(
      webhookRoutes(
        { ...noHook, hook },
        {
          [`GET ${WEBHOOK}/deliveries`]: () => json(200, page(answer)),
          [`POST ${WEBHOOK}/deliveries/${TAG}/replay`]: () => {
            answer = [replayed, ...deliveries];
            return json(201, replayed);
          },
        },
      ),
    );
    const wrapper = await mountPanel();
    await settle();

    byTestId(`webhook-replay-${TAG}`).click();
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')?.textContent).toContain('按当前的自动发布规则重新评估这次投递'));
    await answerMessageBox('cancel');
    expect(requests(calls, 'POST')).toHaveLength(0);

    byTestId(`webhook-replay-${TAG}`).click();
    await answerMessageBox('ok');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.find(`[data-testid="webhook-replay-of-${REPLAY}"]`).exists()).toBe(true);
    });
    expect(requests(calls, 'POST').map((c) => c.url)).toEqual([`${WEBHOOK}/deliveries/${TAG}/replay`]);
    expect(wrapper.get(`[data-testid="webhook-replay-of-${REPLAY}"]`).text()).toMatch(/^重放自 .+ 的投递 · 操作人 owner1$/);
  });

  it('offers no replay to those who do not manage the project', async () => {
    stubFetch(webhookRoutes({ ...noHook, hook }, { [`GET ${WEBHOOK}/deliveries`]: () => json(200, page(deliveries)) }));
    const wrapper = await mountPanel(false);
    await settle();
    expect(rowOf(wrapper, 'Push Hook').text()).toContain('fix checkout devops');
    expect(wrapper.find('[data-testid^="webhook-replay-"]').exists()).toBe(false);
  });
});

describe('webhook set up by hand', () => {
  const unlinked = { ...noHook, linked: false };
  const handHook = { ...hook, kind: 'github', remoteHookId: null, onPlatform: null };

  it('an unlinked project chooses the Git platform, and the secret is shown once with where to paste it', async () => {
    const calls = stubFetch(webhookRoutes(unlinked, { [`POST ${WEBHOOK}`]: () => json(201, { ...unlinked, hook: handHook, secret: 's3cr3t-once' }) }));
    const wrapper = await mountPanel();
    await settle();

    byTestId('webhook-kind-github').querySelector('input')?.click();
    await settle();
    byTestId('webhook-add').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(byTestId('webhook-setup-secret').textContent).toBe('s3cr3t-once');
    });
    expect(requests(calls, 'POST').map((c) => [c.url, c.body])).toEqual([[WEBHOOK, { kind: 'github' }]]);
    expect(byTestId('webhook-setup-url').textContent).toBe(HOOK_URL);
    const setup = byTestId('webhook-setup').textContent ?? '';
    for (const text of ['在 GitHub 中添加 Webhook', '密钥只显示这一次', 'Settings → Webhooks', 'application/json', 'Just the push event']) expect(setup).toContain(text);
    expect(byTestId('webhook-setup').querySelectorAll('[data-testid="copy-button"]')).toHaveLength(2);

    byTestId('webhook-setup-close').click();
    await settle();
    expect(byTestId('webhook-kind-text').textContent).toContain('GitHub · 手动添加');
    expect(wrapper.find('[data-testid="webhook-on-platform"]').exists()).toBe(false);

    byTestId('webhook-setup-open').click();
    await settle();
    expect(document.querySelector('[data-testid="webhook-setup-secret"]')).toBeNull();
    expect(byTestId('webhook-setup').textContent).toContain('密钥只在添加 Webhook 时显示一次');
    expect(document.body.textContent).not.toContain('s3cr3t-once');
  });

  it('explains Gitee and GitLab by hand with their own settings', async () => {
    const steps = async (kind: string) => {
      stubFetch(webhookRoutes({ ...unlinked, hook: { ...handHook, kind } }));
      const wrapper = await mountPanel();
      await settle();
      byTestId('webhook-setup-open').click();
      await settle();
      const text = byTestId('webhook-setup-steps').textContent ?? '';
      wrapper.unmount();
      return text;
    };
    const gitee = await steps('gitee');
    expect(gitee).toContain('Push 和 Tag Push');
    expect(gitee).toContain('签名密钥');
    const gitlab = await steps('gitlab');
    expect(gitlab).toContain('Secret 令牌');
    expect(gitlab).toContain('流水线事件');
  });

  it('says when the user releases act as is gone', async () => {
    stubFetch(webhookRoutes({ ...unlinked, hook: { ...handHook, createdBy: null } }));
    await mountPanel();
    await settle();
    expect(byTestId('webhook-created-by-gone').textContent).toContain('请移除后重新添加 Webhook');
  });

  it('removing a hand-made hook says to remove it in the Git platform too', async () => {
    const calls = stubFetch(webhookRoutes({ ...unlinked, hook: handHook }, { [`DELETE ${WEBHOOK}`]: () => new Response(null, { status: 204 }) }));
    await mountPanel();
    await settle();
    byTestId('webhook-remove').click();
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')?.textContent).toContain('请同时到 GitHub 的 Webhook 设置中手动删除它'));
    await answerMessageBox('ok');
    await vi.waitFor(() => expect(requests(calls, 'DELETE').map((c) => c.url)).toEqual([WEBHOOK]));
  });
});

describe('gitlabPath', () => {
  it('names the GitLab project from https and ssh clone addresses', () => {
    expect(gitlabPath('https://git.example.com/shop/api.git')).toBe('shop/api');
    expect(gitlabPath('git@git.example.com:team/sub/app.git')).toBe('team/sub/app');
    expect(gitlabPath('ssh://git@git.example.com:2222/team/app')).toBe('team/app');
  });
});

import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import type { EnvironmentStatus, HostStatusChangeView } from '@/api/services';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { answerMessageBox, byTestId, page, requests, rowOf, settle } from '@/test/ui';
import DetailView from '@/views/projects/detail.vue';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const PROJECT = '00000000-0000-4000-8000-0000000000c1';
const ENV = '00000000-0000-4000-8000-0000000000e1';
const RELEASE = '00000000-0000-4000-8000-000000000101';
const SCALE_RELEASE = '00000000-0000-4000-8000-000000000102';
const S = (n: number) => `00000000-0000-4000-8000-0000000000f${n}`;

const project = {
  id: PROJECT,
  groupId: GROUP,
  name: 'shop-api',
  description: '',
  gitUrl: 'https://git.example.com/shop/api.git',
  gitCredentialId: null,
  buildAgentId: null,
  preset: 'java-jar',
  buildCommand: '',
  artifactPaths: [],
  sharedDirs: [],
  sharedFiles: [],
  keepReleases: 5,
  restartCommand: '',
  healthCheck: null,
  hooks: {},
  service: { manager: 'systemd', command: 'exec java -jar app.jar' },
  defaultBranch: 'main',
  environmentCount: 1,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};

const hosts = [
  { id: S(1), name: 'web-1', host: '10.0.0.1' },
  { id: S(2), name: 'web-2', host: '10.0.0.2' },
  { id: S(3), name: 'web-3', host: '10.0.0.3' },
];

const environment = {
  id: ENV,
  projectId: PROJECT,
  name: 'prod',
  deployPath: '/data/shop',
  servers: hosts,
  variables: [],
  rollout: { strategy: 'parallel', concurrency: 5, batches: [], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true },
  requireApproval: false,
  rollbackNeedsApproval: false,
  releaseWindows: [],
  timezone: 'Asia/Shanghai',
  policy: { releasers: 'developers', releaserIds: [], approvers: 'owners', approverIds: [], refPolicy: { kind: 'any' }, customRollout: 'everyone' },
  autoRelease: { enabled: false, events: ['push'], branches: [], tags: [], keyword: 'devops', skipMarker: '[skip deploy]', onNewer: 'queue' },
  serverSelector: null,
  offlineScript: '',
  onlineScript: '',
  drainSeconds: 0,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const checkedAt = new Date(Date.now() - 20_000).toISOString();
const status: EnvironmentStatus = {
  environmentId: ENV,
  monitor: { paused: false, intervalSeconds: 30, failuresToDown: 3 },
  servers: [
    { serverId: S(1), serverName: 'web-1', host: '10.0.0.1', state: 'up', since: new Date(Date.now() - 3 * 3600_000).toISOString(), checkedAt, failures: 0, process: 'RUNNING pid 42', healthy: true, version: RELEASE, diskFreeBytes: 5 * 1024 ** 3, detail: null },
    { serverId: S(2), serverName: 'web-2', host: '10.0.0.2', state: 'down', since: checkedAt, checkedAt, failures: 4, process: null, healthy: false, version: RELEASE, diskFreeBytes: 1536, detail: 'connect ECONNREFUSED 127.0.0.1:8080' },
    { serverId: S(3), serverName: 'web-3', host: '10.0.0.3', state: 'unknown', since: null, checkedAt: null, failures: 0, process: null, healthy: null, version: null, diskFreeBytes: null, detail: null },
  ],
};

const change: HostStatusChangeView = { id: '7', serverId: S(2), serverName: 'web-2', from: 'up', to: 'down', at: checkedAt, detail: 'health check failed' };

const result = (output: string, ok = true) => ({ ok, exitCode: ok ? 0 : 3, output });

function routes(extra: Record<string, (req: RecordedRequest) => Response> = {}) {
  return {
    [`GET /api/projects/${PROJECT}`]: () => json(200, project),
    [`GET /api/projects/${PROJECT}/environments`]: () => json(200, page([environment])),
    'GET /api/groups': () => json(200, page([{ id: GROUP, name: '商城' }])),
    'GET /api/project-presets': () => json(200, { items: [] }),
    [`GET /api/environments/${ENV}/trigger-token`]: () => json(200, { trigger: null }),
    [`GET /api/environments/${ENV}/status`]: () => json(200, status),
    [`GET /api/environments/${ENV}/status/changes`]: () => json(200, page([change])),
    ...extra,
  };
}

async function openStatusTab() {
  const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`);
  await settle();
  await wrapper.get('#tab-status').trigger('click');
  await settle();
  return wrapper;
}

const posts = (calls: RecordedRequest[]) => requests(calls, 'POST').map((c) => c.url);

isolateViewTests();

describe('service status tab', () => {
  it('shows each host\'s state in its colour, since when, version, disk, process and why it failed, and the recent changes', async () => {
    const calls = stubFetch(routes());
    const wrapper = await openStatusTab();

    expect(calls.some((c) => c.url === `/api/environments/${ENV}/status`)).toBe(true);
    const state = (name: string) => wrapper.get(`[data-testid="status-state-${name}"]`);
    expect(state('web-1').text()).toBe('运行中');
    expect(state('web-1').classes()).toContain('el-tag--success');
    expect(state('web-2').text()).toBe('已宕机');
    expect(state('web-2').classes()).toContain('el-tag--danger');
    expect(state('web-3').text()).toBe('未知');
    expect(state('web-3').classes()).toContain('el-tag--info');

    const up = rowOf(wrapper, 'web-1').text();
    expect(up).toContain('3小时前');
    expect(up).toContain(`#${RELEASE.slice(0, 8)}`);
    expect(up).toContain('5.0 GiB');
    expect(up).toContain('RUNNING pid 42');
    expect(rowOf(wrapper, 'web-2').text()).toContain('1.5 KiB');
    expect(wrapper.get('[data-testid="status-detail-web-2"]').text()).toBe('connect ECONNREFUSED 127.0.0.1:8080');
    expect(rowOf(wrapper, 'web-3').text()).toContain('尚未检查');
    expect(wrapper.get('[data-testid="status-changes"]').text()).toContain('web-2');
    expect(wrapper.get('[data-testid="monitor-summary"]').text()).toBe('每 30 秒检查一次，连续失败 3 次判定宕机');
  });

  it('stops and restarts a host only after confirmation, asks for status at once, and shows what the host answered', async () => {
    const calls = stubFetch(
      routes({
        [`POST /api/environments/${ENV}/servers/${S(1)}/service/stop`]: () => json(200, result('stopped rp-shop-api')),
        [`POST /api/environments/${ENV}/servers/${S(1)}/service/status`]: () => json(200, result('STATE RUNNING pid 42')),
      }),
    );
    const wrapper = await openStatusTab();

    await wrapper.get('[data-testid="service-stop-web-1"]').trigger('click');
    await answerMessageBox('cancel');
    expect(posts(calls)).toEqual([]);

    await wrapper.get('[data-testid="service-stop-web-1"]').trigger('click');
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')?.textContent).toContain('web-1'));
    await answerMessageBox('ok');
    expect(posts(calls)).toEqual([`/api/environments/${ENV}/servers/${S(1)}/service/stop`]);
    await vi.waitFor(() => expect(byTestId('service-output').textContent).toContain('stopped rp-shop-api'));

    await wrapper.get('[data-testid="service-status-web-1"]').trigger('click');
    await settle();
    expect(posts(calls).at(-1)).toBe(`/api/environments/${ENV}/servers/${S(1)}/service/status`);
    expect(byTestId('service-output').textContent).toContain('STATE RUNNING pid 42');
  });

  it('restarts the whole environment after a confirmation that names the count, and shows each server\'s result', async () => {
    const calls = stubFetch(
      routes({
        [`POST /api/environments/${ENV}/service/restart`]: () =>
          json(200, {
            ok: false,
            results: [
              { serverId: S(1), serverName: 'web-1', ...result('restarted') },
              { serverId: S(2), serverName: 'web-2', ...result('connection refused', false) },
            ],
          }),
      }),
    );
    const wrapper = await openStatusTab();

    await wrapper.get('[data-testid="service-all-restart"]').trigger('click');
    await vi.waitFor(() => expect(document.querySelector('.el-message-box')?.textContent).toContain('全部 3 台'));
    await answerMessageBox('ok');

    expect(posts(calls)).toEqual([`/api/environments/${ENV}/service/restart`]);
    await vi.waitFor(() => expect(byTestId('service-output-web-2').textContent).toContain('connection refused'));
    expect(byTestId('service-output-web-2').textContent).toContain('失败');
  });

  it('shows the last lines of a host\'s log and fetches them again on refresh', async () => {
    const calls = stubFetch(routes({ [`GET /api/environments/${ENV}/servers/${S(2)}/service/logs`]: () => json(200, result('line 1\nline 2')) }));
    const wrapper = await openStatusTab();

    await wrapper.get('[data-testid="service-logs-web-2"]').trigger('click');
    await settle();
    expect(byTestId('service-logs-output').textContent).toContain('line 2');
    byTestId('service-logs-refresh').click();
    await settle();
    const logCalls = calls.filter((c) => c.url.includes('/service/logs'));
    expect(logCalls.map((c) => c.url)).toEqual([
      `/api/environments/${ENV}/servers/${S(2)}/service/logs?lines=100`,
      `/api/environments/${ENV}/servers/${S(2)}/service/logs?lines=100`,
    ]);
  });

  it('pauses monitoring', async () => {
    let monitor = status.monitor;
    const calls = stubFetch(
      routes({
        [`GET /api/environments/${ENV}/status`]: () => json(200, { ...status, monitor }),
        [`PATCH /api/environments/${ENV}/monitor`]: (req) => {
          monitor = { ...monitor, ...(req.body as object) };
          return json(200, monitor);
        },
      }),
    );
    const wrapper = await openStatusTab();

    await wrapper.get('[data-testid="monitor-toggle"]').trigger('click');
    await settle();
    expect(requests(calls, 'PATCH')[0]?.body).toEqual({ paused: true });
    expect(wrapper.get('[data-testid="monitor-state"]').text()).toBe('监控已暂停');
  });

  it('adds a server of the group that is not in the environment yet, and links to the scale-out release', async () => {
    const calls = stubFetch(
      routes({
        'GET /api/servers': () =>
          json(200, page([...hosts.map((h) => ({ ...h, buildAgent: false })), { id: S(4), name: 'web-4', host: '10.0.0.4', buildAgent: false }, { id: S(5), name: 'builder', host: '10.0.0.5', buildAgent: true }])),
        [`POST /api/environments/${ENV}/servers`]: () => json(201, { added: [{ id: S(4), name: 'web-4' }], releaseId: SCALE_RELEASE }),
      }),
    );
    const wrapper = await openStatusTab();

    await wrapper.get('[data-testid="scale-out-open"]').trigger('click');
    await settle();
    byTestId('scale-out-servers').querySelector<HTMLElement>('.el-select__wrapper')?.click();
    await settle();
    const offered = [...document.querySelectorAll('[data-testid^="scale-out-option-"]')].map((o) => o.getAttribute('data-testid'));
    expect(offered).toEqual(['scale-out-option-web-4']);
    byTestId('scale-out-option-web-4').click();
    await settle();
    byTestId('scale-out-save').click();
    await vi.waitFor(async () => {
      await flushPromises();
      expect(requests(calls, 'POST')).toHaveLength(1);
    });

    expect(requests(calls, 'POST')[0]?.body).toEqual({ serverIds: [S(4)] });
    await settle();
    expect(wrapper.get('[data-testid="scale-out-release"]').attributes('href')).toBe(`/releases/${SCALE_RELEASE}`);
  });

  it('removes a host after the dialog explains offline and stop, with the deploy path deleted when asked, and shows the steps', async () => {
    const calls = stubFetch(
      routes({
        [`DELETE /api/environments/${ENV}/servers/${S(2)}`]: () =>
          json(200, {
            removed: true,
            steps: [
              { step: 'offline', ok: true, output: 'drained' },
              { step: 'stop', ok: true, output: '' },
              { step: 'remove-files', ok: true, output: 'removed /data/shop' },
            ],
          }),
      }),
    );
    const wrapper = await openStatusTab();

    await wrapper.get('[data-testid="scale-in-web-2"]').trigger('click');
    await settle();
    expect(byTestId('scale-in-message').textContent).toContain('下线脚本');
    expect(requests(calls, 'DELETE')).toEqual([]);
    byTestId('scale-in-remove-files').click();
    await settle();
    byTestId('scale-in-confirm').click();
    await settle();

    expect(requests(calls, 'DELETE').map((c) => c.url)).toEqual([`/api/environments/${ENV}/servers/${S(2)}?removeFiles=true`]);
    expect(byTestId('scale-in-outcome').textContent).toContain('已从环境中移除');
    expect(byTestId('scale-in-step-remove-files').textContent).toContain('removed /data/shop');
  });

  it('keeps a host whose offline step failed, shows why, and removes it when forced', async () => {
    const steps = [{ step: 'offline', ok: false, output: 'gateway refused' }];
    const calls = stubFetch(
      routes({
        [`DELETE /api/environments/${ENV}/servers/${S(2)}`]: (req) =>
          req.url.includes('force=true')
            ? json(200, { removed: true, steps: [...steps, { step: 'stop', ok: true, output: '' }] })
            : json(409, { error: { code: 'CONFLICT', message: 'web-2 stays in environment prod: a step failed', details: { steps } } }),
      }),
    );
    const wrapper = await openStatusTab();

    await wrapper.get('[data-testid="scale-in-web-2"]').trigger('click');
    await settle();
    byTestId('scale-in-confirm').click();
    await settle();
    expect(byTestId('scale-in-outcome').textContent).toContain('服务器仍在环境中');
    expect(byTestId('scale-in-step-offline').textContent).toContain('gateway refused');

    byTestId('scale-in-again').click();
    await settle();
    byTestId('scale-in-force').click();
    await settle();
    byTestId('scale-in-confirm').click();
    await settle();
    expect(requests(calls, 'DELETE').map((c) => c.url)).toEqual([`/api/environments/${ENV}/servers/${S(2)}`, `/api/environments/${ENV}/servers/${S(2)}?force=true`]);
    expect(byTestId('scale-in-outcome').textContent).toContain('已从环境中移除');
  });

  it('a viewer sees the states but no operation, monitoring setting or scaling', async () => {
    stubFetch(routes());
    const wrapper = await mountSignedIn(DetailView, `/projects/${PROJECT}`, {
      user: { id: 'u2', username: 'eve', displayName: 'Eve', email: null, isAdmin: false, memberships: [{ groupId: GROUP, groupName: '商城', role: 'viewer' }] },
    });
    await settle();
    await wrapper.get('#tab-status').trigger('click');
    await settle();

    expect(wrapper.get('[data-testid="status-state-web-2"]').text()).toBe('已宕机');
    for (const id of ['service-stop-web-1', 'service-all-restart', 'monitor-toggle', 'scale-out-open', 'scale-in-web-1', 'service-logs-web-1'])
      expect(wrapper.find(`[data-testid="${id}"]`).exists()).toBe(false);
  });
});

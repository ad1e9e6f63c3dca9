import { describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import type { Environment } from '@/api/environments';
import { json, stubFetch, type RecordedRequest } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { byTestId, page, settle } from '@/test/ui';
import EnvironmentForm from './EnvironmentForm.vue';

const GROUP = '00000000-0000-4000-8000-0000000000a1';
const server = (n: number) => ({ id: `00000000-0000-4000-8000-00000000000${n}`, name: `web-${n}`, host: `10.0.0.${n}`, port: 22, labels: [] });

/** An environment of the group holding `servers`, as the API sends it. */
const environmentWith = (servers: ReturnType<typeof server>[]): Environment => ({
  id: 'e1',
  projectId: 'p1',
  name: 'prod',
  deployPath: '/srv/app',
  servers: servers.map(({ id, name, host }) => ({ id, name, host })),
  variables: [],
  rollout: { strategy: 'parallel', concurrency: 4, batches: [], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true },
  requireApproval: false,
  rollbackNeedsApproval: false,
  releaseWindows: [],
  timezone: 'Asia/Shanghai',
  policy: { releasers: 'developers', releaserIds: [], approvers: 'owners', approverIds: [], refPolicy: { kind: 'any' }, customRollout: 'everyone' },
  autoRelease: { enabled: false, events: ['push'], branches: [], tags: [], keyword: '', skipMarker: '', onNewer: 'supersede' },
  serverSelector: '',
  offlineScript: '',
  onlineScript: '',
  drainSeconds: 0,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

let calls: RecordedRequest[] = [];

async function openForm(groupServers: ReturnType<typeof server>[], environment: Environment | null) {
  calls = stubFetch({
    'GET /api/servers': () => json(200, page(groupServers)),
    [`GET /api/groups/${GROUP}/members`]: () => json(200, page([])),
  });
  const open = ref(false);
  const Host = defineComponent(() => () => h(EnvironmentForm, { modelValue: open.value, projectId: 'p1', groupId: GROUP, environment }));
  await mountSignedIn(Host);
  open.value = true;
  await settle();
  return byTestId('env-form-servers-left-empty').textContent?.trim();
}

isolateViewTests();

describe('environment form: choosing servers', () => {
  it('says every server is chosen when the left list is empty because all were moved right', async () => {
    const all = [server(1), server(2)];
    expect(await openForm(all, environmentWith(all))).toBe('全部服务器都已选择');
  });

  it('says the group has no servers only when it has none', async () => {
    expect(await openForm([], null)).toBe('该分组还没有服务器');
    expect(calls.map((c) => c.url)).toContainEqual(expect.stringContaining(`/api/servers?groupId=${GROUP}`));
  });
});

import { describe, expect, it } from 'vitest';
import EmergencyRollbackDialog from './EmergencyRollbackDialog.vue';
import { json, stubFetch } from '@/test/fetch-stub';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { release } from '@/test/releases';
import { byTestId, settle } from '@/test/ui';

isolateViewTests();

const ENV = 'e';
const OLD = release({ id: '00000000-0000-4000-8000-0000000000b1', state: 'succeeded', ref: 'v1.1.0', commit: 'f9bb8f5'.padEnd(40, '0'), environmentId: ENV });
const NOW = { releaseId: '00000000-0000-4000-8000-0000000000b2', ref: 'v1.2.0', commit: 'd30924f'.padEnd(40, '1'), at: '2026-11-23T10:00:00.000Z' };
const server = (name: string, recorded: typeof NOW | null) => ({ serverId: `s-${name}`, serverName: name, host: '10.0.0.1', recorded, actual: null, drift: null, error: null });

function routes(servers: ReturnType<typeof server>[], env: { requireApproval: boolean; rollbackNeedsApproval: boolean }) {
  return stubFetch({
    [`GET /api/environments/${ENV}/versions`]: () => json(200, { environmentId: ENV, deployPath: '/srv/app', checkedAt: null, servers }),
    [`GET /api/environments/${ENV}`]: () => json(200, { id: ENV, name: 'prod', ...env }),
    [`POST /api/releases/${OLD.id}/rollback`]: () => json(201, { ...OLD, id: '00000000-0000-4000-8000-0000000000c1', kind: 'rollback' }),
  });
}

async function open() {
  const wrapper = await mountSignedIn(EmergencyRollbackDialog, '', { props: { release: OLD, modelValue: false } });
  await wrapper.setProps({ modelValue: true });
  await settle();
  return wrapper;
}

describe('emergency rollback dialog', () => {
  it('states what runs now and what it goes back to, and rolls back in parallel with one click', async () => {
    const calls = routes([server('web-1', NOW), server('web-2', NOW)], { requireApproval: true, rollbackNeedsApproval: false });
    const wrapper = await open();
    expect(byTestId('rollback-current').textContent?.trim()).toBe('v1.2.0 (d30924f1)');
    expect(byTestId('rollback-target').textContent).toContain('v1.1.0 (f9bb8f50)');
    expect(byTestId('rollback-target').textContent).toContain('2 台服务器');
    expect(byTestId('rollback-approval').textContent).toContain('无需审批');
    expect(byTestId('rollback-confirm').textContent?.trim()).toBe('立即回滚');

    byTestId('rollback-confirm').click();
    await settle();
    const posted = calls.filter((c) => c.method === 'POST');
    expect(posted.map((c) => c.body)).toEqual([{ rollout: 'parallel' }]);
    expect(wrapper.emitted('created')?.[0]?.[0]).toMatchObject({ kind: 'rollback' });
  });

  it('follows the environment\'s rollout when chosen, and says a rollback here waits for approval', async () => {
    const calls = routes([server('web-1', NOW)], { requireApproval: true, rollbackNeedsApproval: true });
    await open();
    expect(byTestId('rollback-approval').textContent).toContain('需要审批');
    byTestId('rollback-environment').click();
    await settle();
    byTestId('rollback-confirm').click();
    await settle();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ rollout: 'environment' }]);
  });

  it('lists each version when the servers differ, and offers nothing when they already run the target', async () => {
    routes([server('web-1', NOW), server('web-2', { ...NOW, releaseId: OLD.id, ref: 'v1.1.0', commit: OLD.commit }), server('web-3', null)], { requireApproval: false, rollbackNeedsApproval: false });
    await open();
    const current = byTestId('rollback-current').textContent ?? '';
    expect(current).toContain('各服务器版本不一致');
    expect(current).toContain('v1.2.0 (d30924f1) · web-1');
    expect(current).toContain('v1.1.0 (f9bb8f50) · web-2');
    expect(current).toContain('平台未记录 · web-3');
    expect(byTestId('rollback-confirm').hasAttribute('disabled')).toBe(false);

    routes([server('web-1', { ...NOW, commit: OLD.commit })], { requireApproval: false, rollbackNeedsApproval: false });
    await open();
    expect(document.body.textContent).toContain('所选版本就是当前运行的版本');
    expect([...document.querySelectorAll('[data-testid="rollback-confirm"]')].at(-1)?.hasAttribute('disabled')).toBe(true);
  });
});

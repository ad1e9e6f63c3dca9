import { describe, expect, it } from 'vitest';
import type { DryRunPlan } from '@/api/releases';
import { isolateViewTests, mountSignedIn } from '@/test/mount-view';
import { settle } from '@/test/ui';
import PlanPreview from './PlanPreview.vue';

isolateViewTests();

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const target = (n: number, port = 22) => ({
  serverId: id(n),
  serverName: `web-${n}`,
  host: '127.0.0.1',
  port,
  commands: [
    { stage: 'upload', command: 'tar -x' },
    { stage: 'release', command: 'ln -sfn releases/x current' },
    { stage: 'cleanup', command: 'rm -rf old' },
  ],
});

function plan(overrides: Partial<DryRunPlan> = {}): DryRunPlan {
  return {
    commit: 'a'.repeat(40),
    releaseIdPlaceholder: 'NEW-RELEASE',
    batches: [[id(1)], [id(2), id(3)]],
    rollout: { strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' }, autoRollback: true },
    global: [{ stage: 'checkout', command: 'git fetch' }],
    targets: [target(1, 2201), target(2, 2202), target(3)],
    ...overrides,
  } as DryRunPlan;
}

describe('plan preview', () => {
  it('summarises batches, servers with host:port, the gate after each batch and what is skipped, shell folded away', async () => {
    const wrapper = await mountSignedIn(PlanPreview, '', { props: { plan: plan() } });
    const rows = wrapper.findAll('[data-testid="plan-summary"] .el-table__body tr').map((r) => r.findAll('td').map((c) => c.text().replace(/\s+/g, ' ').replace(/,\s*/g, ', ')));
    expect(rows).toEqual([
      ['第 1 批', 'web-1 127.0.0.1:2201', '暂停，人工确认后继续下一批'],
      ['第 2 批', 'web-2 127.0.0.1:2202, web-3 127.0.0.1', '结束'],
    ]);
    expect(wrapper.get('[data-testid="plan-failure"]').text()).toBe('失败处理：任一服务器失败即停止；失败的批次自动回滚');
    expect(wrapper.get('[data-testid="plan-skipped"]').text()).toBe('跳过的阶段：检出前钩子、检出后钩子、构建、打包、发布前钩子、摘除流量、健康检查、恢复流量、发布后钩子');
    expect(wrapper.find('[data-testid="plan-global-command"]').exists()).toBe(false);

    await wrapper.get('[data-testid="plan-details"] .el-collapse-item__header').trigger('click');
    await settle();
    expect(wrapper.get('[data-testid="plan-global-command"]').text()).toContain('git fetch');
  });

  it('says when batches follow on their own, after a wait or at once', async () => {
    const timed = await mountSignedIn(PlanPreview, '', { props: { plan: plan({ rollout: { strategy: 'batches', betweenBatches: { mode: 'auto', seconds: 30 }, failure: { tolerate: 2 }, autoRollback: false } }) } });
    expect(timed.get('[data-testid="plan-gate-1"]').text()).toBe('等待 30 秒后自动继续');
    expect(timed.get('[data-testid="plan-failure"]').text()).toBe('失败处理：最多容忍 2 台失败；不自动回滚');
    const straight = await mountSignedIn(PlanPreview, '', { props: { plan: plan({ rollout: { strategy: 'parallel' } }) } });
    expect(straight.get('[data-testid="plan-gate-1"]').text()).toBe('立即继续下一批');
  });
});

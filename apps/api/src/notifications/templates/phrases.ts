import type { AlertEvent, MessageLocale } from '@rp/contract/rules';

/** Every fixed word of the messages, per language; templates are code so a message can never run user text. */
export interface Phrases {
  event: Record<AlertEvent, string>;
  /** How a title names the event: 【发布失败】…, "Release failed: …". */
  tag: (event: string) => string;
  icon: Record<AlertEvent, string>;
  project: string;
  environment: string;
  version: string;
  creator: string;
  pusher: string;
  via: { webhook: string; trigger: string };
  reviewer: string;
  duration: string;
  hosts: string;
  total: (n: number) => string;
  hostState: Record<string, string>;
  failingHosts: string;
  logTail: (stage: string, lines: number) => string;
  error: string;
  open: string;
  rollback: string;
  scaleOut: string;
  service: string;
  server: string;
  detail: string;
  digest: (n: number) => string;
  minutesSeconds: (m: number, s: number) => string;
  more: (n: number) => string;
}

const zh: Phrases = {
  event: {
    created: '新建发布',
    auto_created: '自动创建发布',
    awaiting_approval: '待审批',
    approved: '已批准',
    rejected: '已驳回',
    started: '开始发布',
    paused: '已暂停，等待继续',
    succeeded: '发布成功',
    failed: '发布失败',
    rolled_back: '发布失败，已自动回滚',
    aborted: '发布已中止',
    interrupted: '发布被中断',
    service_down: '服务异常',
    service_recovered: '服务恢复',
  },
  tag: (event) => `【${event}】`,
  icon: {
    created: '📝',
    auto_created: '🤖',
    awaiting_approval: '⏳',
    approved: '✅',
    rejected: '🚫',
    started: '🚀',
    paused: '⏸️',
    succeeded: '✅',
    failed: '❌',
    rolled_back: '↩️',
    aborted: '⛔',
    interrupted: '⚠️',
    service_down: '🔴',
    service_recovered: '🟢',
  },
  project: '项目',
  environment: '环境',
  version: '版本',
  creator: '发起人',
  pusher: '推送人',
  via: { webhook: 'Webhook 推送', trigger: '触发器' },
  reviewer: '审批人',
  duration: '耗时',
  hosts: '主机',
  total: (n) => `共 ${n} 台`,
  hostState: { succeeded: '成功', failed: '失败', rolled_back: '已回滚', aborted: '中止', interrupted: '中断', skipped: '跳过', pending: '未开始', running: '进行中' },
  failingHosts: '失败主机',
  logTail: (stage, lines) => `失败阶段 ${stage} 的最后 ${lines} 行日志`,
  error: '错误',
  open: '查看发布详情',
  rollback: '回滚',
  scaleOut: '扩容',
  service: '服务',
  server: '主机',
  detail: '详情',
  digest: (n) => `${n} 条通知（发送频率受限，已合并）`,
  minutesSeconds: (m, s) => (m > 0 ? `${m} 分 ${s} 秒` : `${s} 秒`),
  more: (n) => `另有 ${n} 台`,
};

const en: Phrases = {
  event: {
    created: 'Release created',
    auto_created: 'Release created automatically',
    awaiting_approval: 'Waiting for approval',
    approved: 'Approved',
    rejected: 'Rejected',
    started: 'Release started',
    paused: 'Paused, waiting to continue',
    succeeded: 'Release succeeded',
    failed: 'Release failed',
    rolled_back: 'Release failed and was rolled back',
    aborted: 'Release aborted',
    interrupted: 'Release interrupted',
    service_down: 'Service down',
    service_recovered: 'Service recovered',
  },
  tag: (event) => `${event}: `,
  icon: zh.icon,
  project: 'Project',
  environment: 'Environment',
  version: 'Version',
  creator: 'Created by',
  pusher: 'Pushed by',
  via: { webhook: 'webhook push', trigger: 'trigger' },
  reviewer: 'Reviewer',
  duration: 'Duration',
  hosts: 'Hosts',
  total: (n) => `${n} in all`,
  hostState: { succeeded: 'succeeded', failed: 'failed', rolled_back: 'rolled back', aborted: 'aborted', interrupted: 'interrupted', skipped: 'skipped', pending: 'not started', running: 'running' },
  failingHosts: 'Failing hosts',
  logTail: (stage, lines) => `Last ${lines} log lines of the failing stage ${stage}`,
  error: 'Error',
  open: 'Open the release',
  rollback: 'rollback',
  scaleOut: 'scale out',
  service: 'Service',
  server: 'Host',
  detail: 'Detail',
  digest: (n) => `${n} notifications (merged: rate limit)`,
  minutesSeconds: (m, s) => (m > 0 ? `${m} min ${s} s` : `${s} s`),
  more: (n) => `and ${n} more`,
};

export const PHRASES: Record<MessageLocale, Phrases> = { 'zh-CN': zh, en };

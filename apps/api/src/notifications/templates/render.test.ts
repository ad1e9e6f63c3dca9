import { describe, expect, it } from 'vitest';
import type { ReleaseFacts } from '../facts.js';
import { renderDigest, renderEvent } from './render.js';

const facts = (over: Partial<ReleaseFacts> = {}): ReleaseFacts => ({
  kind: 'release',
  releaseId: 'r-1',
  releaseKind: 'release',
  groupId: 'g',
  projectId: 'p',
  environmentId: 'e',
  group: 'shop',
  project: 'api',
  environment: 'prod',
  ref: 'main',
  commit: '0123456789abcdef0123456789abcdef01234567',
  description: '',
  creator: { id: 'u', username: 'zhang', displayName: '张三' },
  pusher: null,
  origin: 'person',
  reviewer: null,
  reviewComment: '',
  state: 'failed',
  startedAt: '2026-12-01T00:00:00.000Z',
  finishedAt: '2026-12-01T00:01:05.000Z',
  durationMs: 65_000,
  counts: { succeeded: 1, failed: 1 },
  total: 2,
  failingHosts: [{ name: 'web-2', host: '10.0.0.2', state: 'failed', stage: 'health-check', error: 'unhealthy' }],
  failedStage: 'health-check',
  logTail: ['curl: (7) Failed to connect'],
  error: 'health check failed',
  ...over,
});

describe('message templates', () => {
  it('a failure names the project, environment, ref, short commit, creator, duration, host counts, failing host, log tail and link', () => {
    const m = renderEvent('failed', facts(), { locale: 'zh-CN', publicUrl: 'https://rp.example.com' });
    expect(m.title).toBe('【发布失败】api / prod · main');
    for (const part of ['shop/api', '01234567', '张三 (zhang)', '1 分 5 秒', '成功 1 · 失败 1 (共 2 台)', 'web-2 (10.0.0.2) 失败 @ health-check: unhealthy', '> curl: (7) Failed to connect', '[查看发布详情](https://rp.example.com/releases/r-1)']) {
      expect(m.markdown).toContain(part);
    }
    expect(renderEvent('failed', facts(), { locale: 'en', publicUrl: null }).title).toBe('Release failed: api / prod · main');
  });

  it('names the pusher of a webhook release and leaves out the link without PUBLIC_URL', () => {
    const m = renderEvent('auto_created', facts({ origin: 'webhook', pusher: 'lisi', startedAt: null, durationMs: null }), { locale: 'en', publicUrl: null });
    expect(m.text).toContain('Pushed by: lisi (webhook push)');
    expect(m.text).not.toContain('Hosts');
    expect(m.markdown).not.toContain('](');
  });

  it('hostile ref names and log lines stay text: no markdown link, no HTML', () => {
    const hostile = facts({ ref: 'x](https://evil.example)<img src=x onerror=alert(1)>', logTail: ['[click](https://evil.example) <script>alert(1)</script>'] });
    const m = renderEvent('failed', hostile, { locale: 'en', publicUrl: null });
    expect(m.markdown).not.toMatch(/[^\\]\]\(https:\/\/evil/);
    expect(m.markdown).not.toMatch(/[^\\]<(img|script)/);
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<img');
    expect(m.html).toContain('&#60;script&#62;');
  });

  it('a digest keeps every message whole, in order, under one title', () => {
    const messages = ['one', 'two', 'three'].map((ref) => renderEvent('succeeded', facts({ ref, state: 'succeeded' }), { locale: 'zh-CN', publicUrl: null }));
    const digest = renderDigest(messages, 'zh-CN');
    expect(digest.title).toBe('3 条通知（发送频率受限，已合并）');
    const positions = ['· one', '· two', '· three'].map((r) => digest.markdown.indexOf(r));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});

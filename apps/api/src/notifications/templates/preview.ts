import type { MessagePreview } from '@rp/contract/alerts';
import type { NotificationKind } from '@rp/contract/notifications';
import type { AlertEvent, MessageLocale } from '@rp/contract/rules';
import type { EventFacts } from '../facts.js';
import { webhookPayload } from '../webhook.js';
import { renderEvent } from './render.js';

const SAMPLE_RELEASE: EventFacts = {
  kind: 'release',
  releaseId: '00000000-0000-4000-8000-000000000001',
  releaseKind: 'release',
  groupId: '00000000-0000-4000-8000-000000000002',
  projectId: '00000000-0000-4000-8000-000000000003',
  environmentId: '00000000-0000-4000-8000-000000000004',
  group: 'shop',
  project: 'shop-api',
  environment: 'production',
  ref: 'release/2.4',
  commit: '3f9c2a7d41be0c5e8f1a2b3c4d5e6f708192a3b4',
  description: '',
  creator: { id: '00000000-0000-4000-8000-000000000005', username: 'zhangsan', displayName: '张三' },
  pusher: null,
  origin: 'person',
  reviewer: '李四',
  reviewComment: '',
  state: 'failed',
  startedAt: '2026-12-01T08:00:00.000Z',
  finishedAt: '2026-12-01T08:02:13.000Z',
  durationMs: 133_000,
  counts: { succeeded: 4, rolled_back: 1, failed: 1 },
  total: 6,
  failingHosts: [{ name: 'web-05', host: '10.0.3.15', state: 'failed', stage: 'health-check', error: 'http://127.0.0.1:8080/health answered 503 five times' }],
  failedStage: 'health-check',
  logTail: ['GET /health 503 Service Unavailable', 'retrying in 2s (attempt 5 of 5)', 'GET /health 503 Service Unavailable'],
  error: 'health check failed on web-05',
};

const SAMPLE_SERVICE: EventFacts = {
  kind: 'service',
  groupId: SAMPLE_RELEASE.groupId,
  projectId: SAMPLE_RELEASE.projectId,
  environmentId: SAMPLE_RELEASE.environmentId,
  environment: 'production',
  service: 'shop-api',
  server: 'web-05 (10.0.3.15)',
  detail: 'exited with status 1; restarted 3 times in 60 s',
};

/** What a channel of this kind would receive for the event, rendered from sample facts, for the SPA's preview. */
export function previewMessage(kind: NotificationKind, event: AlertEvent, locale: MessageLocale, publicUrl: string | null): MessagePreview {
  const facts = event === 'service_down' || event === 'service_recovered' ? SAMPLE_SERVICE : SAMPLE_RELEASE;
  const message = renderEvent(event, facts, { locale, publicUrl: publicUrl ?? 'https://release.example.com' });
  switch (kind) {
    case 'email':
      return { kind, title: message.title, format: 'html', body: message.html };
    case 'webhook':
      return { kind, title: message.title, format: 'json', body: JSON.stringify(webhookPayload({ ...message, data: facts }, Math.floor(Date.now() / 1000)), null, 2) };
    default:
      return { kind, title: message.title, format: 'markdown', body: message.markdown };
  }
}


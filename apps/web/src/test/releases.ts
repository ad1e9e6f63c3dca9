import type { Release, ReleaseSummary } from '@/api/releases';

export const RELEASE_ID = '00000000-0000-4000-8000-000000000001';
export const SERVER_A = '00000000-0000-4000-8000-00000000000a';

/** A release as `GET /api/releases` lists it; tests override what they look at. */
export function releaseSummary(overrides: Partial<ReleaseSummary> = {}): ReleaseSummary {
  return {
    id: RELEASE_ID,
    number: 7,
    kind: 'release',
    state: 'running',
    projectId: 'p',
    projectName: 'shop',
    groupId: 'g',
    environmentId: 'e',
    environmentName: 'prod',
    ref: 'main',
    commit: 'a'.repeat(40),
    description: '',
    rollout: { strategy: 'parallel' },
    rollbackToId: null,
    createdBy: 'alice',
    approvedBy: null,
    approvedAt: null,
    reviewComment: '',
    abortRequested: false,
    queuedAt: null,
    scheduledAt: null,
    startedAt: null,
    finishedAt: null,
    createdAt: '2026-11-23T10:00:00.000Z',
    error: null,
    lastSeq: 0,
    ...overrides,
  };
}

/** A release as `GET /api/releases/:id` and the live channel send it: one server, mid-upload. */
export function release(overrides: Partial<Release> = {}): Release {
  return {
    ...releaseSummary(),
    targets: [
      { serverId: SERVER_A, serverName: 'web-1', host: '10.0.0.1', port: 22, state: 'running', stage: 'upload', previous: null, current: null, error: null, startedAt: null, finishedAt: null },
    ],
    plannedBatches: [[SERVER_A]],
    progress: { percent: 10, etaSeconds: 90 },
    ...overrides,
  };
}

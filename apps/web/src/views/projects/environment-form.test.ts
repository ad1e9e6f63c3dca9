import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Environment } from '@/api/environments';
import {
  autoReleaseGlobs,
  browserTimeZone,
  daysText,
  deployPathOk,
  emptyEnvironmentForm,
  enableAutoRelease,
  environmentBody,
  environmentFormOf,
  matchingGlob,
  needsBranches,
  needsTags,
} from './environment-form';

const env: Environment = {
  id: 'e1',
  projectId: 'p1',
  name: 'prod',
  deployPath: '/data/shop',
  servers: [{ id: 's1', name: 'web-1', host: '10.0.0.1' }],
  variables: [
    { key: 'PORT', value: '8080', secret: false },
    { key: 'DB_PASSWORD', value: '******', secret: true },
  ],
  rollout: { strategy: 'batches', concurrency: 4, batches: [1, '50%', '100%'], betweenBatches: { mode: 'auto', seconds: 30 }, failure: { tolerate: 1 }, autoRollback: false },
  requireApproval: true,
  rollbackNeedsApproval: false,
  releaseWindows: [{ days: [5, 1], start: '22:00', end: '06:00' }],
  timezone: 'Asia/Shanghai',
  policy: { releasers: 'named', releaserIds: ['u1'], approvers: 'owners', approverIds: [], refPolicy: { kind: 'tags', pattern: 'v*' }, customRollout: 'owners' },
  autoRelease: { enabled: true, events: ['pipeline', 'push'], branches: ['main', 'release/*'], tags: [], keyword: 'ship', skipMarker: '[no deploy]', onNewer: 'supersede' },
  serverSelector: 'role=web',
  offlineScript: 'curl -X POST http://127.0.0.1/offline',
  onlineScript: '',
  drainSeconds: 15,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('environment form', () => {
  it('round-trips an environment; an untouched secret is sent without a value so the API keeps it', () => {
    const form = environmentFormOf(env);
    expect(form.variables[1]?.value).toBe('');
    expect(environmentBody(form)).toEqual({
      name: 'prod',
      deployPath: '/data/shop',
      serverIds: ['s1'],
      variables: [
        { key: 'PORT', value: '8080', secret: false },
        { key: 'DB_PASSWORD', secret: true },
      ],
      rollout: { strategy: 'batches', concurrency: 4, batches: [1, '50%', '100%'], betweenBatches: { mode: 'auto', seconds: 30 }, failure: { tolerate: 1 }, autoRollback: false },
      requireApproval: true,
      rollbackNeedsApproval: false,
      releaseWindows: [{ days: [1, 5], start: '22:00', end: '06:00' }],
      timezone: 'Asia/Shanghai',
      policy: { releasers: 'named', releaserIds: ['u1'], approvers: 'owners', refPolicy: { kind: 'tags', pattern: 'v*' }, customRollout: 'owners' },
      autoRelease: { enabled: true, events: ['push', 'pipeline'], branches: ['main', 'release/*'], tags: [], keyword: 'ship', skipMarker: '[no deploy]', onNewer: 'supersede' },
      offlineScript: 'curl -X POST http://127.0.0.1/offline',
      onlineScript: '',
      drainSeconds: 15,
      serverSelector: 'role=web',
    });
  });

  it('a new environment sends the auto-release rule off, with the defaults', () => {
    expect(environmentBody(emptyEnvironmentForm()).autoRelease).toEqual({
      enabled: false,
      events: ['push'],
      branches: [],
      tags: [],
      keyword: 'devops',
      skipMarker: '[skip deploy]',
      onNewer: 'queue',
    });
  });

  it('sends the auto-release rule trimmed and without repeated globs, and keeps it whole when switched off', () => {
    const form = environmentFormOf(env);
    form.autoRelease.branches = [' main ', 'main', 'feat/*', ' '];
    form.autoRelease.tags = ['v*'];
    form.autoRelease.events = ['tag_push', 'push'];
    form.autoRelease.keyword = ' ';
    form.autoRelease.skipMarker = '';
    expect(environmentBody(form).autoRelease).toEqual({
      enabled: true,
      events: ['push', 'tag_push'],
      branches: ['main', 'feat/*'],
      tags: ['v*'],
      keyword: '',
      skipMarker: '',
      onNewer: 'supersede',
    });
    form.autoRelease.enabled = false;
    expect(environmentBody(form).autoRelease).toMatchObject({ enabled: false, branches: ['main', 'feat/*'], tags: ['v*'] });
    form.autoRelease.events = [];
    expect(environmentBody(form).autoRelease?.events).toEqual(['push']);
  });

  it('editing the form leaves the environment it came from untouched', () => {
    const form = environmentFormOf(env);
    form.autoRelease.branches.push('dev');
    form.autoRelease.events.push('tag_push');
    expect(env.autoRelease.branches).toEqual(['main', 'release/*']);
    expect(env.autoRelease.events).toEqual(['pipeline', 'push']);
  });

  it('switching auto-release on starts from the default branch, main without one, and keeps globs already set', () => {
    const form = emptyEnvironmentForm();
    enableAutoRelease(form.autoRelease, 'develop');
    expect(form.autoRelease).toMatchObject({ enabled: true, branches: ['develop'] });

    const fresh = emptyEnvironmentForm();
    enableAutoRelease(fresh.autoRelease, null);
    expect(fresh.autoRelease.branches).toEqual(['main']);

    const set = environmentFormOf(env);
    set.autoRelease.enabled = false;
    enableAutoRelease(set.autoRelease, 'develop');
    expect(set.autoRelease.branches).toEqual(['main', 'release/*']);
  });

  it('asks for branch and tag globs where the API does', () => {
    expect(needsBranches({ events: ['push'], tags: ['v*'] })).toBe(true);
    expect(needsBranches({ events: ['tag_push'], tags: [] })).toBe(false);
    expect(needsBranches({ events: ['pipeline'], tags: [] })).toBe(true);
    expect(needsBranches({ events: ['pipeline'], tags: ['v*'] })).toBe(false);
    expect(needsTags({ events: ['tag_push'] })).toBe(true);
    expect(needsTags({ events: ['push', 'pipeline'] })).toBe(false);
  });

  it('names the globs an enabled rule releases on, and which one a name matches', () => {
    const rule = { ...env.autoRelease, events: ['push' as const], tags: ['v*'] };
    expect(autoReleaseGlobs(rule)).toEqual(['main', 'release/*']);
    expect(autoReleaseGlobs({ ...rule, events: ['tag_push'] })).toEqual(['v*']);
    expect(autoReleaseGlobs({ ...rule, events: ['pipeline'] })).toEqual(['main', 'release/*', 'v*']);
    expect(matchingGlob(rule.branches, 'release/2026/12')).toBe('release/*');
    expect(matchingGlob(rule.branches, 'feat/x')).toBeNull();
  });

  it('a new environment starts with the policy that changes nothing', () => {
    expect(environmentBody(emptyEnvironmentForm()).policy).toEqual({ releasers: 'developers', approvers: 'owners', refPolicy: { kind: 'any' }, customRollout: 'everyone' });
  });

  it('sends named lists only under "named", and a pattern only for a ref rule that has one', () => {
    const form = environmentFormOf(env);
    form.releasers = 'owners';
    form.approvers = 'named';
    form.approverIds = ['u2'];
    form.refKind = 'branches';
    form.refPattern = '  ';
    expect(environmentBody(form).policy).toEqual({ releasers: 'owners', approvers: 'named', approverIds: ['u2'], refPolicy: { kind: 'branches' }, customRollout: 'owners' });
    form.refKind = 'any';
    form.refPattern = 'v*';
    expect(environmentBody(form).policy?.refPolicy).toEqual({ kind: 'any' });
  });

  it('a typed secret replaces the stored one; a renamed secret must be typed again', () => {
    const form = environmentFormOf(env);
    const secret = form.variables[1];
    if (!secret) throw new Error('no secret row');
    secret.value = 'n3w';
    expect(environmentBody(form).variables?.[1]).toEqual({ key: 'DB_PASSWORD', value: 'n3w', secret: true });
    secret.value = '';
    secret.key = 'DB_PASS';
    expect(environmentBody(form).variables?.[1]).toEqual({ key: 'DB_PASS', value: '', secret: true });
  });

  it('serial and parallel rollouts leave out the batch settings the API refuses for them', () => {
    const form = environmentFormOf(env);
    form.strategy = 'serial';
    expect(environmentBody(form).rollout).toEqual({ strategy: 'serial', failure: { tolerate: 1 }, autoRollback: false });
    form.strategy = 'parallel';
    expect(environmentBody(form).rollout).toEqual({ strategy: 'parallel', concurrency: 4, failure: { tolerate: 1 }, autoRollback: false });
  });

  it('deploy paths as the API checks them', () => {
    expect(deployPathOk('/data/shop')).toBe(true);
    expect(deployPathOk('/')).toBe(false);
    expect(deployPathOk('data/shop')).toBe(false);
    expect(deployPathOk('/data/../etc')).toBe(false);
  });

  it('weekdays read as ranges, Monday first', () => {
    const names = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
    expect(daysText([1, 2, 3, 4, 5], names, '、')).toBe('周一–周五');
    expect(daysText([0, 6], names, '、')).toBe('周六、周日');
    expect(daysText([5, 1, 3], names, '、')).toBe('周一、周三、周五');
  });
});

describe("a new environment's time zone", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const browserIn = (timeZone: string) =>
    vi
      .spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions')
      .mockReturnValue({ ...new Intl.DateTimeFormat('en').resolvedOptions(), timeZone });

  it("is the browser's zone, not UTC", () => {
    browserIn('Europe/Berlin');
    expect(emptyEnvironmentForm().timezone).toBe('Europe/Berlin');
  });

  it('falls back to Asia/Shanghai when the browser names no zone', () => {
    browserIn('');
    expect(browserTimeZone()).toBe('Asia/Shanghai');
  });
});

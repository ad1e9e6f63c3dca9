import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../src/generated/prisma/client.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';

const SECRET = 'never-show-this-s3cret-value';
const LATER_SECRET = 'added-later-s3cret-value';

describe('a retry says which settings changed since the release was planned', () => {
  let t: TestApp;
  let f: ReleaseFixture;

  beforeAll(async () => {
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1' });
    f = await releaseFixture(t, { hosts: 1, requireApproval: false });
  });
  afterAll(async () => {
    await t?.close();
    await f?.cleanup();
  });

  const call = async (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
    const response = await t.call(token, { method, url, ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.json();
  };
  const settingsChanges = (id: string) => call(f.developer.token, 'GET', `/api/releases/${id}/settings-changes`);
  const logs = async (id: string) => (await call(f.developer.token, 'GET', `/api/releases/${id}/logs?limit=10000`)).events as { seq: number; type: string; stage: string; stream: string; text: string }[];
  const ship = async () => {
    const created = await call(f.developer.token, 'POST', '/api/releases', { environmentId: f.environmentId, ref: 'main' });
    return waitForState(t, f.developer.token, created.id, ['succeeded', 'failed', 'aborted', 'interrupted']);
  };

  it('names the edited restart command, never a secret value, and logs the change when the retry runs', async () => {
    const project = await t.db.project.findUniqueOrThrow({ where: { id: f.projectId } });
    const working = { restartCommand: project.restartCommand, healthCheck: project.healthCheck as object };
    await call(f.owner.token, 'PATCH', `/api/projects/${f.projectId}`, { healthCheck: { type: 'command', command: 'false', retries: 1, intervalSeconds: 1, timeoutSeconds: 5 } });
    await call(f.owner.token, 'PATCH', `/api/environments/${f.environmentId}`, {
      variables: [
        { key: 'MODE', value: 'blue', secret: false },
        { key: 'API_TOKEN', value: SECRET, secret: true },
      ],
    });

    const failed = await ship();
    expect(failed.state, JSON.stringify(failed)).toBe('failed');
    const row = await t.db.release.findUniqueOrThrow({ where: { id: failed.id } });
    const env = await t.db.environment.findUniqueOrThrow({ where: { id: f.environmentId } });
    const ciphertext = (env.variables as { key: string; value: string }[]).find((v) => v.key === 'API_TOKEN')?.value ?? '';
    expect(row.settings).toMatchObject({
      project: { restartCommand: working.restartCommand },
      environment: { variables: [{ key: 'MODE', secret: false, value: 'blue' }, { key: 'API_TOKEN', secret: true }] },
    });
    expect(JSON.stringify(row.settings)).not.toContain(SECRET);
    expect(JSON.stringify(row.settings)).not.toContain(ciphertext);
    expect(await settingsChanges(failed.id)).toEqual({ changed: false, recordedAt: row.createdAt.toISOString(), changes: [] });
    expect((await logs(failed.id)).some((e) => e.text?.includes('settings changed'))).toBe(false);

    const restartCommand = `MODE=edited ${working.restartCommand}`;
    await call(f.owner.token, 'PATCH', `/api/projects/${f.projectId}`, { restartCommand, healthCheck: working.healthCheck });
    await call(f.owner.token, 'PATCH', `/api/environments/${f.environmentId}`, {
      variables: [
        { key: 'MODE', value: 'blue', secret: false },
        { key: 'API_TOKEN', secret: true },
        { key: 'LATER_TOKEN', value: LATER_SECRET, secret: true },
      ],
    });

    const answer = await settingsChanges(failed.id);
    expect(answer).toMatchObject({ changed: true, recordedAt: row.createdAt.toISOString() });
    expect(answer.changes).toEqual([
      { field: 'project.restartCommand', before: working.restartCommand, after: restartCommand },
      { field: 'project.healthCheck', before: expect.stringContaining('"command":"false"'), after: expect.stringContaining('curl') },
      { field: 'environment.variables.LATER_TOKEN', before: null, after: '(secret)' },
    ]);
    expect(JSON.stringify(answer)).not.toContain(LATER_SECRET);
    expect(JSON.stringify(answer)).not.toContain(SECRET);

    const retried = await call(f.developer.token, 'POST', `/api/releases/${failed.id}/retry`);
    const done = await waitForState(t, f.developer.token, retried.id, ['succeeded', 'failed', 'aborted', 'interrupted']);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    const events = await logs(failed.id);
    const notice = events.filter((e) => e.text?.startsWith('settings changed since this release was planned'));
    expect(notice).toEqual([
      expect.objectContaining({
        type: 'log',
        stage: 'prepare',
        stream: 'stderr',
        text: 'settings changed since this release was planned: project.restartCommand, project.healthCheck, environment.variables.LATER_TOKEN — this run uses the current ones',
      }),
    ]);
    // The notice takes a seq of its own, between the first run's end and the retry's start: no gap, no repeat.
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    const at = events.indexOf(notice[0]!);
    expect([events[at - 1]?.type, events[at + 1]?.type]).toEqual(['release.finished', 'release.started']);
  });

  it('runs a retry whose recorded settings cannot be read: the notice is a courtesy, never a reason to fail', async () => {
    const project = await t.db.project.findUniqueOrThrow({ where: { id: f.projectId } });
    await call(f.owner.token, 'PATCH', `/api/projects/${f.projectId}`, { healthCheck: { type: 'command', command: 'false', retries: 1, intervalSeconds: 1, timeoutSeconds: 5 } });
    const failed = await ship();
    expect(failed.state).toBe('failed');
    await call(f.owner.token, 'PATCH', `/api/projects/${f.projectId}`, { healthCheck: project.healthCheck as object });
    await t.db.release.update({ where: { id: failed.id }, data: { settings: { project: 'not what a snapshot looks like' } } });

    const retried = await call(f.developer.token, 'POST', `/api/releases/${failed.id}/retry`);
    const done = await waitForState(t, f.developer.token, retried.id, ['succeeded', 'failed', 'aborted', 'interrupted']);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    const events = await logs(failed.id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(events.some((e) => e.text?.startsWith('settings changed since'))).toBe(false);
  });

  it('finds nothing changed for a release planned with the current settings', async () => {
    const released = await ship();
    expect(released.state, JSON.stringify(released)).toBe('succeeded');
    expect(await settingsChanges(released.id)).toMatchObject({ changed: false, changes: [] });
    expect((await settingsChanges(released.id)).recordedAt).toBe(released.createdAt);
  });

  it('answers nothing changed for a release created before settings were recorded', async () => {
    const released = await ship();
    await t.db.release.update({ where: { id: released.id }, data: { settings: Prisma.DbNull } });
    expect(await settingsChanges(released.id)).toEqual({ changed: false, recordedAt: null, changes: [] });
  });
});

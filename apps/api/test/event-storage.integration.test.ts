import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseFixture, waitForState, type ReleaseFixture } from './helpers/release-fixture.js';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

/**
 * A run's events are its only record in the database: a pause that is never stored leaves the engine waiting for a
 * "continue" nobody can press. The database refuses the batch that holds the pause (a trigger, so the failure is
 * PostgreSQL's own), a given number of times.
 */
describe('storing a run’s events when the database refuses them', () => {
  let t: TestApp;
  let f: ReleaseFixture;
  const logLines: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp({ WORKER_ENABLED: 'true', WORKER_HEARTBEAT_SECONDS: '1' }, { logger: pino({ level: 'warn' }, { write: (line: string) => logLines.push(line) }) });
    f = await releaseFixture(t, { hosts: 2, requireApproval: false, rollout: { strategy: 'batches', batches: [1, '100%'], betweenBatches: { mode: 'manual' } } });
    await t.db.$executeRawUnsafe('CREATE SEQUENCE refused_pauses');
    await t.db.$executeRawUnsafe('CREATE TABLE refuse_pauses (times int NOT NULL)');
    // nextval is outside the transaction, so a refused attempt still counts.
    await t.db.$executeRawUnsafe(`CREATE FUNCTION refuse_pause() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('refused_pauses') <= (SELECT coalesce(max(times), 0) FROM refuse_pauses) THEN
          RAISE EXCEPTION 'injected: pause refused';
        END IF;
        RETURN NEW;
      END $$`);
    await t.db.$executeRawUnsafe(`CREATE TRIGGER refuse_pause BEFORE INSERT ON release_events FOR EACH ROW WHEN (NEW.type = 'batch.paused') EXECUTE FUNCTION refuse_pause()`);
  });
  afterAll(async () => {
    await t?.close();
    await f?.cleanup();
  });

  const refuse = async (times: number) => {
    await t.db.$executeRawUnsafe('DELETE FROM refuse_pauses');
    await t.db.$executeRawUnsafe(`INSERT INTO refuse_pauses VALUES (${times})`);
    await t.db.$executeRawUnsafe('ALTER SEQUENCE refused_pauses RESTART');
  };
  const release = async () => {
    const response = await t.call(f.developer.token, { method: 'POST', url: '/api/releases', payload: { environmentId: f.environmentId, ref: 'main' } });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string };
  };
  const seqs = async (id: string) => (await t.db.releaseEvent.findMany({ where: { releaseId: id }, select: { seq: true }, orderBy: { seq: 'asc' } })).map((e) => e.seq);

  it('a refusal that passes: the batch is stored again, the release pauses, continues and no event is lost or doubled', async () => {
    await refuse(2);
    const { id } = await release();
    const paused = await waitForState(t, f.developer.token, id, ['paused', 'failed', 'aborted'], 60_000);
    expect(paused.state, JSON.stringify(paused)).toBe('paused');
    expect(paused.targets.map((target: { state: string }) => target.state).sort()).toEqual(['pending', 'succeeded']);
    expect(logLines.filter((line) => line.includes(`storing events of release ${id} failed`))).toHaveLength(2);

    expect((await t.call(f.developer.token, { method: 'POST', url: `/api/releases/${id}/continue` })).statusCode).toBe(200);
    const done = await waitForState(t, f.developer.token, id, ['succeeded', 'failed', 'aborted'], 60_000);
    expect(done.state, JSON.stringify(done)).toBe('succeeded');
    const stored = await seqs(id);
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    expect(await t.db.releaseEvent.count({ where: { releaseId: id, type: 'batch.paused' } })).toBe(1);
  });

  it('a refusal that lasts: the run stops instead of waiting forever, each server on a whole release, and the log says why', async () => {
    await refuse(1_000);
    const before = [f.host(0).current, f.host(1).current];
    const { id } = await release();
    const ended = await waitForState(t, f.developer.token, id, ['paused', 'succeeded', 'failed', 'aborted'], 60_000);
    expect(ended.state, JSON.stringify(ended)).toBe('aborted');
    expect(logLines.some((line) => line.includes('events of a run could not be stored') && line.includes('injected: pause refused'))).toBe(true);

    const hosts = [f.host(0), f.host(1)];
    for (const host of hosts) expect(host.currentIsWhole).toBe(true);
    // The first batch's server runs the new release, the second's was never touched; the rows say the same.
    const firstBatch = hosts.findIndex((host) => host.current === id);
    expect(firstBatch).toBeGreaterThanOrEqual(0);
    expect(hosts[1 - firstBatch]!.current).toBe(before[1 - firstBatch]);
    const rows = await t.db.releaseTarget.findMany({ where: { releaseId: id }, select: { serverId: true, current: true } });
    expect(rows.find((row) => row.serverId === f.serverIds[firstBatch])?.current).toBe(id);
  });
});

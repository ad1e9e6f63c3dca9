import { releaseSettingsChanges } from '../releases/settings-diff.js';
import type { Db } from '../shared/db.js';
import { EventRecorder } from './event-recorder.js';

/**
 * A run is planned from today's project and environment settings, not those the release was created with: when they
 * differ, the log says which before anything runs. Returns the seq the run's own events continue from.
 */
export async function recordSettingsNotice(
  { db, log }: { db: Db; log: { warn(msg: string): void } },
  { releaseId, seqBase }: { releaseId: string; seqBase: number },
): Promise<number> {
  try {
    const { changes } = await releaseSettingsChanges(db, { id: releaseId });
    if (changes.length === 0) return seqBase;
    const recorder = new EventRecorder({ db }, { releaseId, seqBase });
    const text = `settings changed since this release was planned: ${changes.map((c) => c.field).join(', ')} — this run uses the current ones`;
    recorder.push({ seq: 1, at: new Date().toISOString(), releaseId, type: 'log', stage: 'prepare', stream: 'stderr', text });
    await recorder.drain();
    return seqBase + 1;
  } catch (error) {
    // The notice is a courtesy and must never stop the run; the run's events go on from whatever seq was stored.
    log.warn(`settings notice for release ${releaseId} failed: ${(error as Error).message}`);
    return (await db.release.findUniqueOrThrow({ where: { id: releaseId }, select: { lastSeq: true } })).lastSeq;
  }
}

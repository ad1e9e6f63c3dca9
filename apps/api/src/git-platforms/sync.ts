import { setImmediate as nextTurn } from 'node:timers/promises';
import type { GitPlatformKind } from '@rp/contract/rules';
import type { Db } from '../shared/db.js';
import { revealSecret } from '../credentials/service.js';
import { gitHostOf, hostProblem, type PrivateHosts } from '../projects/git-policy.js';
import type { SecretBox } from '../shared/secret-box.js';
import { giteeProjectPages } from './gitee-projects.js';
import { githubProjectPages } from './github-projects.js';
import { gitlabClient } from './gitlab-client.js';
import { gitlabProjectPages } from './gitlab-projects.js';
import { storeProjects, type RemoteProject } from './remote-projects.js';

export type SyncMode = 'full' | 'incremental';

/** A sync that has held its platform this long is taken to belong to a process that died. */
export const SYNC_LEASE_MS = 30 * 60_000;
/**
 * GitLab updates a project's last_activity_at at most once an hour, and no platform's clock is ours: an incremental
 * sync looks back that far more.
 */
const ACTIVITY_LAG_MS = 60 * 60_000;

type ProjectPages = (baseUrl: string, token: string, o: { since?: Date; onWait: (ms: number) => void }) => AsyncIterable<RemoteProject[]>;

/** Each kind's listing of the projects its token can see, a page at a time; with `since`, those active after it. */
const PAGES: Record<GitPlatformKind, ProjectPages> = {
  gitlab: (baseUrl, token, o) => gitlabProjectPages(gitlabClient(baseUrl, token, { onWait: o.onWait }), o.since),
  github: githubProjectPages,
  gitee: giteeProjectPages,
};

export interface SyncDeps {
  db: Db;
  secrets: SecretBox;
  privateHosts: PrivateHosts;
  log?: { warn(msg: string): void };
}

export interface SyncOutcome {
  ok: boolean;
  message: string;
  projects: number;
}

/**
 * Takes the platform for one sync, unless another sync (in any process) holds it. A conditional UPDATE is the lock:
 * it needs no connection held for the sync's length, and a lease older than SYNC_LEASE_MS is taken over.
 */
export async function claimSync(db: Db, id: string, mode: SyncMode): Promise<boolean> {
  const stale = new Date(Date.now() - SYNC_LEASE_MS);
  const { count } = await db.gitPlatform.updateMany({
    where: { id, OR: [{ syncRunningSince: null }, { syncRunningSince: { lt: stale } }] },
    data: { syncRunningSince: new Date(), syncMode: mode },
  });
  return count === 1;
}

/**
 * Runs a claimed sync to its end and records how it went: pages of up to 100 projects, each stored in one statement,
 * yielding the event loop between pages. A full sync then drops the projects it did not see; an incremental one asks
 * only for projects active since the last sync.
 */
export async function runSync(deps: SyncDeps, id: string, mode: SyncMode): Promise<SyncOutcome> {
  const startedAt = new Date();
  let outcome: SyncOutcome;
  try {
    outcome = await syncProjects(deps, id, mode, startedAt);
  } catch (error) {
    outcome = { ok: false, message: (error as Error).message.slice(0, 1000), projects: 0 };
  }
  await deps.db.gitPlatform.update({
    where: { id },
    data: {
      syncRunningSince: null,
      syncTriedAt: new Date(),
      syncOk: outcome.ok,
      syncMessage: outcome.message,
      ...(outcome.ok ? { syncedAt: startedAt, ...(mode === 'full' ? { fullSyncedAt: startedAt } : {}) } : {}),
    },
  });
  return outcome;
}

async function syncProjects(deps: SyncDeps, id: string, mode: SyncMode, startedAt: Date): Promise<SyncOutcome> {
  const { db, secrets, privateHosts } = deps;
  const platform = await db.gitPlatform.findUniqueOrThrow({ where: { id } });
  const host = gitHostOf(platform.baseUrl) ?? '';
  const problem = await hostProblem(host, privateHosts);
  if (problem) return { ok: false, message: `the platform's address is refused: ${problem}`, projects: 0 };
  const { row: credential, secret } = await revealSecret(db, secrets, platform.credentialId);
  if (credential.boundHost !== host) return { ok: false, message: `credential "${credential.name}" is never sent to ${host}`, projects: 0 };

  let waited = 0;
  const since = mode === 'incremental' && platform.syncedAt ? new Date(platform.syncedAt.getTime() - ACTIVITY_LAG_MS) : undefined;
  let stored = 0;
  try {
    for await (const page of PAGES[platform.kind](platform.baseUrl, secret, { since, onWait: (ms) => (waited += ms) })) {
      stored += await storeProjects(db, id, page, startedAt);
      await nextTurn();
    }
  } catch (error) {
    // The message is kept on the platform and shown to its members: never with the token in it.
    throw new Error((error as Error).message.replaceAll(secret, '***'), { cause: error });
  }
  let removed = 0;
  if (mode === 'full' || !since) removed = (await db.gitRemoteProject.deleteMany({ where: { platformId: id, seenAt: { lt: startedAt } } })).count;
  const rateLimited = waited > 0 ? `, ${Math.round(waited / 1000)} s waiting out rate limits` : '';
  const what = since ? `${stored} project(s) active since ${since.toISOString()} updated` : `${stored} project(s) synced, ${removed} no longer visible removed`;
  return { ok: true, message: `${what} in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s${rateLimited}`, projects: stored };
}

import { sh, type Transport } from '@rp/deploy-engine';
import { revealSecret } from '../credentials/service.js';
import type { Db } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';

const READ_TIMEOUT_MS = 10_000;

/**
 * Which release each server of an environment is on according to the platform (the last release or rollback that
 * finished on it), and, with `check`, what its `current` link really points at: a difference is drift (someone
 * switched or deployed by hand, or a run was cut off before it could report).
 */
export async function versionMatrix(
  { db, secrets, transport }: { db: Db; secrets: SecretBox; transport: Transport },
  { environmentId, check }: { environmentId: string; check: boolean },
) {
  const environment = await db.environment.findUnique({
    where: { id: environmentId },
    include: { servers: { include: { server: true }, orderBy: { server: { name: 'asc' } } } },
  });
  if (!environment) throw new NotFound('Environment');

  const rows = await Promise.all(
    environment.servers.map(async ({ server }) => {
      const last = await db.releaseTarget.findFirst({
        where: { serverId: server.id, state: 'succeeded', release: { environmentId } },
        orderBy: { finishedAt: 'desc' },
        include: { release: { select: { id: true, kind: true, rollbackToId: true } } },
      });
      const recordedId = last ? (last.current ?? (last.release.kind === 'rollback' ? last.release.rollbackToId : last.release.id)) : null;
      const recorded = recordedId ? await db.release.findUnique({ where: { id: recordedId }, select: { id: true, ref: true, commit: true } }) : null;
      const switchedAt = last ? await switchTime(db, last) : null;
      const row = {
        serverId: server.id,
        serverName: server.name,
        host: server.host,
        recorded: recorded ? { releaseId: recorded.id, ref: recorded.ref, commit: recorded.commit, at: switchedAt?.toISOString() ?? null } : null,
        actual: null as string | null,
        drift: null as boolean | null,
        error: null as string | null,
      };
      if (!check) return row;
      const read = await readCurrent({ db, secrets, transport }, { server, deployPath: environment.deployPath });
      if ('error' in read) return { ...row, error: read.error };
      return { ...row, actual: read.current, drift: read.current !== (recorded?.id ?? null) };
    }),
  );
  return { environmentId, deployPath: environment.deployPath, checkedAt: check ? new Date().toISOString() : null, servers: rows };
}

/**
 * When this host's `current` was switched: its own `switch` stage's end. A target's finishedAt is overwritten with
 * the release's end when the run finishes, so it would give every host of a batched release the same time; it is the
 * answer only when no such event is stored.
 */
async function switchTime(db: Db, target: { releaseId: string; serverId: string; finishedAt: Date | null }): Promise<Date | null> {
  const switched = await db.releaseEvent.findFirst({
    where: { releaseId: target.releaseId, type: 'stage.finished', stage: 'switch', target: target.serverId },
    orderBy: { seq: 'desc' },
    select: { at: true },
  });
  return switched?.at ?? target.finishedAt;
}

async function readCurrent(
  { db, secrets, transport }: { db: Db; secrets: SecretBox; transport: Transport },
  { server, deployPath }: { server: { host: string; port: number; username: string; credentialId: string; hostKeyFingerprint: string | null }; deployPath: string },
): Promise<{ current: string | null } | { error: string }> {
  const { secret } = await revealSecret(db, secrets, server.credentialId);
  const connected = await transport.connect({
    host: server.host,
    port: server.port,
    username: server.username,
    privateKey: secret,
    ...(server.hostKeyFingerprint ? { hostKeyFingerprint: server.hostKeyFingerprint } : {}),
  });
  if (!connected.ok) return { error: connected.error.message };
  try {
    const out = await connected.connection.exec(sh`readlink ${`${deployPath.replace(/\/+$/, '')}/current`} || true`.text, { timeoutMs: READ_TIMEOUT_MS });
    if (out.exitCode !== 0) return { error: `readlink failed: ${out.stderrTail.trim()}` };
    const link = out.stdout.trim();
    return { current: link ? link.replace(/^releases\//, '') : null };
  } finally {
    connected.connection.close();
  }
}

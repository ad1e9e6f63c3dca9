import { scanHostKeys, type HostKeyFingerprint } from '@rp/deploy-engine';
import type { GitHostKeyQuery } from '@rp/contract/git-hosts';
import type { GitHostKey, Prisma } from '../generated/prisma/client.js';
import { recordAudit } from '../audit/service.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { Db, DbTx } from '../shared/db.js';
import { BadGateway, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';

const view = (row: GitHostKey) => ({
  id: row.id,
  host: row.host,
  port: row.port,
  fingerprints: row.fingerprints as unknown as HostKeyFingerprint[],
  pinnedAt: row.pinnedAt.toISOString(),
  pinnedBy: row.pinnedBy,
});

/**
 * The host keys pinned for `host:port`. Without a pin, the keys the host presents now are pinned (trust on first
 * use): from then on ssh accepts only these, until an administrator resets the pin. A concurrent first use that pins
 * first wins, so every caller gets the one row.
 */
export async function pinnedHostKeys(db: DbTx, { host, port }: { host: string; port: number }, pinnedBy: string | null): Promise<GitHostKey> {
  const where = { host_port: { host, port } };
  const pinned = await db.gitHostKey.findUnique({ where });
  if (pinned) return pinned;
  const scan = await scanHostKeys(host, port);
  if (!scan.ok) throw new BadGateway(`Cannot read the SSH host key of ${host}:${port} to pin it: ${scan.message}`);
  await db.gitHostKey.createMany({ data: [{ host, port, knownHosts: scan.knownHosts, fingerprints: scan.fingerprints.map(({ type, fingerprint }) => ({ type, fingerprint })), pinnedBy }], skipDuplicates: true });
  return db.gitHostKey.findUniqueOrThrow({ where });
}

/** What git's failure means when the host presented a key that is not pinned, for people to act on; null otherwise. */
export function hostKeyMismatch(pin: Pick<GitHostKey, 'host' | 'port' | 'pinnedAt' | 'fingerprints'>, gitMessage: string): string | null {
  if (!/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key is known for/i.test(gitMessage)) return null;
  const fingerprints = (pin.fingerprints as unknown as HostKeyFingerprint[]).map((f) => f.fingerprint).join(', ');
  return `the host key of ${pin.host}:${pin.port} does not match the one pinned on ${pin.pinnedAt.toISOString()} (fingerprint ${fingerprints}); an administrator can reset it under Git host keys`;
}

export async function listGitHostKeys({ db }: { db: Db }, query: GitHostKeyQuery) {
  const where: Prisma.GitHostKeyWhereInput = query.q ? { host: { contains: query.q, mode: 'insensitive' } } : {};
  const [rows, total] = await Promise.all([
    db.gitHostKey.findMany({ where, orderBy: [{ host: 'asc' }, { port: 'asc' }], ...pageArgs(query.page, query.pageSize) }),
    db.gitHostKey.count({ where }),
  ]);
  return { items: rows.map(view), total, page: query.page, pageSize: query.pageSize };
}

/** Forgets a pin, so the next Git call to that host trusts whatever key it presents then, and pins that. */
export async function deleteGitHostKey({ db, ctx }: { db: Db; ctx: RequestContext }, { id }: { id: string }) {
  await db.$transaction(async (tx) => {
    const row = await tx.gitHostKey.findUnique({ where: { id } });
    if (!row) throw new NotFound('Git host key');
    await tx.gitHostKey.delete({ where: { id } });
    await recordAudit(tx, ctx, {
      action: 'git_host_key.delete',
      resourceType: 'git_host_key',
      resourceId: id,
      details: { host: row.host, port: row.port, fingerprints: row.fingerprints as Prisma.InputJsonValue, pinnedAt: row.pinnedAt.toISOString() },
    });
  });
}

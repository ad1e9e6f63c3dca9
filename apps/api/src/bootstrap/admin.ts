import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { Prisma } from '../generated/prisma/client.js';
import type { PasswordHasher } from '../shared/passwords.js';
import { PASSWORD_RULE_TEXT, passwordRuleBroken } from '@rp/contract/rules';
import { ConfigError } from '../config.js';
import type { Db } from '../shared/db.js';

export const ADMIN_USERNAME = 'admin';

/** 16 characters of base64url; drawn again in the rare case they fall short of the password policy. */
function randomPassword(): string {
  for (;;) {
    const password = randomBytes(12).toString('base64url');
    if (!passwordRuleBroken(password, ADMIN_USERNAME)) return password;
  }
}

/**
 * On an empty database, creates the first administrator. With no ADMIN_PASSWORD a random password is logged once:
 * a fixed default password is how installations get taken over.
 */
export async function ensureAdmin(
  { db, hasher, log }: { db: Db; hasher: PasswordHasher; log: FastifyBaseLogger },
  { password: configured }: { password: string | undefined },
): Promise<void> {
  if ((await db.user.count()) > 0) return;
  if (configured) {
    const broken = passwordRuleBroken(configured, ADMIN_USERNAME);
    if (broken) throw new ConfigError(`ADMIN_PASSWORD ${PASSWORD_RULE_TEXT[broken]} (rule: ${broken})`);
  }
  const password = configured ?? randomPassword();
  try {
    const admin = await db.user.create({
      data: { username: ADMIN_USERNAME, displayName: 'Administrator', isAdmin: true, passwordHash: await hasher.hash(password) },
    });
    await db.auditLog.create({ data: { actorName: 'system', action: 'user.create', resourceType: 'user', resourceId: admin.id, details: { username: ADMIN_USERNAME, bootstrap: true } } });
  } catch (error) {
    // Another process starting on the same database created it first.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return;
    throw error;
  }
  if (configured) {
    log.info(`Created administrator "${ADMIN_USERNAME}" with the password from ADMIN_PASSWORD`);
  } else {
    log.warn(`Created administrator "${ADMIN_USERNAME}" with password: ${password}  (shown only this once; change it after logging in)`);
  }
}

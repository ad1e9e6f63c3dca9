import type { DbTx } from '../shared/db.js';
import { DomainError } from '../shared/errors.js';

/** LOGIN_LOCKOUT_THRESHOLD failed logins in a row lock an account for LOGIN_LOCKOUT_MINUTES. */
export interface LockoutPolicy {
  threshold: number;
  minutes: number;
}

/** Said whether or not the password was right, so a locked account is no oracle for guessing it. */
export class AccountLocked extends DomainError {
  constructor(until: Date) {
    const at = until.toISOString();
    super('ACCOUNT_LOCKED', 423, `登录失败次数过多，账号锁定至 ${at} / Account locked until ${at} after too many failed logins`, { lockedUntil: at });
  }
}

export function lockedUntil(user: { lockedUntil: Date | null }, now = new Date()): Date | null {
  return user.lockedUntil && user.lockedUntil > now ? user.lockedUntil : null;
}

/**
 * Counts a failed login in one statement, so concurrent guesses cannot slip past the threshold. Reaching it locks
 * the account and starts the count again, so the first guess after the lock ends does not lock it at once.
 */
export async function recordFailedLogin(db: DbTx, userId: string, policy: LockoutPolicy): Promise<Date | null> {
  const until = new Date(Date.now() + policy.minutes * 60_000);
  const rows = await db.$queryRaw<{ locked_until: Date | null }[]>`
    UPDATE users SET
      locked_until = CASE WHEN failed_logins + 1 >= ${policy.threshold} THEN ${until} ELSE locked_until END,
      failed_logins = CASE WHEN failed_logins + 1 >= ${policy.threshold} THEN 0 ELSE failed_logins + 1 END
    WHERE id = ${userId}::uuid
    RETURNING locked_until`;
  return lockedUntil({ lockedUntil: rows[0]?.locked_until ?? null });
}

export async function clearFailedLogins(db: DbTx, userId: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { failedLogins: 0, lockedUntil: null } });
}

/** Names remembered at most; the oldest is forgotten first, so guessing random names cannot grow memory without bound. */
const UNKNOWN_NAMES_MAX = 10_000;

/**
 * Unknown usernames "lock" the same way as accounts, so the lockout message cannot tell which names exist. Kept in
 * memory (there is no row to count on): per process, and forgotten at restart.
 */
export class UnknownNameLockout {
  readonly #names = new Map<string, { failures: number; until: Date | null }>();

  constructor(private readonly policy: LockoutPolicy) {}

  lockedUntil(name: string, now = new Date()): Date | null {
    const until = this.#names.get(name)?.until;
    return until && until > now ? until : null;
  }

  fail(name: string): Date | null {
    const seen = this.#names.get(name) ?? { failures: 0, until: null };
    this.#names.delete(name);
    if (this.#names.size >= UNKNOWN_NAMES_MAX) this.#names.delete(this.#names.keys().next().value as string);
    const failures = seen.failures + 1;
    const locks = failures >= this.policy.threshold;
    const until = locks ? new Date(Date.now() + this.policy.minutes * 60_000) : seen.until;
    this.#names.set(name, { failures: locks ? 0 : failures, until });
    return this.lockedUntil(name);
  }
}

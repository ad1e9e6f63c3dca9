import { recordAudit } from '../audit/service.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { Sessions } from '../plugins/app/auth/sessions.js';
import type { Db } from '../shared/db.js';
import { Unauthorized } from '../shared/errors.js';
import type { PasswordHasher } from '../shared/passwords.js';
import { toUserView, userInclude } from '../users/view.js';
import { AccountLocked, lockedUntil, recordFailedLogin, type LockoutPolicy, type UnknownNameLockout } from './lockout.js';
import { DirectoryUnavailable, type Directory } from './ldap/client.js';
import { DirectoryUserRefused, provisionDirectoryUser } from './ldap/provision.js';
import { disableDirectoryUser } from './ldap/sync.js';
import { openSession } from './service.js';

export interface LoginDeps {
  db: Db;
  hasher: PasswordHasher;
  sessions: Sessions;
  /** Null when LDAP_URL is unset: only local accounts exist. */
  directory: Directory | null;
  lockout: LockoutPolicy;
  unknownNames: UnknownNameLockout;
  ctx: RequestContext;
}

interface Credentials {
  username: string;
  password: string;
}

type Account = { id: string; username: string; source: string; disabled: boolean; passwordHash: string; lockedUntil: Date | null };

type Failure = 'bad_credentials' | 'disabled' | 'locked' | 'directory_unavailable' | 'directory_disabled' | 'directory_user_refused';

const invalidCredentials = () => new Unauthorized('用户名或密码错误 / Invalid username or password');

async function audit(deps: LoginDeps, actor: { id: string | null; name: string }, reason: Failure): Promise<void> {
  await recordAudit(deps.db, { ...deps.ctx, actorId: actor.id, actorName: actor.name }, { action: 'auth.login', resourceType: 'session', success: false, details: { reason } });
}

/** Audits the failure and returns the error to throw; a wrong password counts towards the account's lockout. */
async function refuse(deps: LoginDeps, input: Credentials, account: Account | null, reason: Failure): Promise<Error> {
  await audit(deps, { id: account?.id ?? null, name: input.username }, reason);
  if (reason === 'directory_unavailable') return new DirectoryUnavailable();
  if (reason !== 'bad_credentials') return invalidCredentials();
  const until = account ? await recordFailedLogin(deps.db, account.id, deps.lockout) : deps.unknownNames.fail(input.username);
  return until ? new AccountLocked(until) : invalidCredentials();
}

/** Refuses a locked account, or a locked unknown name, before its password is looked at. */
async function assertNotLocked(deps: LoginDeps, input: Credentials, account: Account | null): Promise<void> {
  const until = account ? lockedUntil(account) : deps.unknownNames.lockedUntil(input.username);
  if (!until) return;
  await audit(deps, { id: account?.id ?? null, name: input.username }, 'locked');
  throw new AccountLocked(until);
}

async function succeed(deps: LoginDeps, userId: string) {
  const user = await deps.db.user.update({ where: { id: userId }, data: { lastLoginAt: new Date(), failedLogins: 0, lockedUntil: null }, include: userInclude });
  const opened = await openSession(deps, { userId, ip: deps.ctx.ip });
  await recordAudit(deps.db, { ...deps.ctx, actorId: user.id, actorName: user.username }, { action: 'auth.login', resourceType: 'session', details: { source: user.source } });
  return { ...opened, user: toUserView(user) };
}

async function localLogin(deps: LoginDeps, input: Credentials, account: Account | null) {
  // The hash is compared even for unknown or locked names (against a dummy), so timing does not tell them apart.
  const ok = await deps.hasher.verify(input.password, account?.passwordHash ?? null);
  await assertNotLocked(deps, input, account);
  if (!account || !ok) throw await refuse(deps, input, account, 'bad_credentials');
  if (account.disabled) throw await refuse(deps, input, account, 'disabled');
  return succeed(deps, account.id);
}

async function directoryLogin(deps: LoginDeps & { directory: Directory }, input: Credentials, account: Account | null) {
  await assertNotLocked(deps, input, account);
  let answer;
  try {
    answer = await deps.directory.authenticate(input.username, input.password);
  } catch (error) {
    if (error instanceof DirectoryUnavailable) throw await refuse(deps, input, account, 'directory_unavailable');
    throw error;
  }
  if (answer.status === 'missing' || answer.status === 'disabled') {
    if (account) await disableDirectoryUser(deps.db, deps.ctx, account, answer.status);
    throw await refuse(deps, input, account, answer.status === 'missing' ? 'bad_credentials' : 'directory_disabled');
  }
  // The typed name may differ from the account's (another attribute in the filter): the DN finds the account.
  const known = account ?? (await deps.db.user.findFirst({ where: { ldapDn: answer.status === 'found' ? answer.entry.dn : answer.dn } }));
  if (!account) await assertNotLocked(deps, input, known);
  if (answer.status === 'wrong_password') throw await refuse(deps, input, known, 'bad_credentials');
  if (known?.disabled) throw await refuse(deps, input, known, 'disabled');
  try {
    return await succeed(deps, await provisionDirectoryUser(deps.db, deps.ctx, { entry: answer.entry, groupMap: deps.directory.groupMap }));
  } catch (error) {
    if (error instanceof DirectoryUserRefused) throw await refuse(deps, input, known, 'directory_user_refused');
    throw error;
  }
}

/**
 * Local accounts (the built-in administrator among them) check their password here and never need the directory, so
 * they log in while it is down. Any other name goes to the directory when LDAP is configured; a directory account
 * while LDAP is not configured gets the same 503 as while it is down.
 */
export async function login(deps: LoginDeps, input: Credentials) {
  const account = await deps.db.user.findUnique({ where: { username: input.username } });
  if (!deps.directory && account?.source === 'ldap') {
    await deps.hasher.verify(input.password, null);
    throw await refuse(deps, input, account, 'directory_unavailable');
  }
  if (!deps.directory || account?.source === 'local') return localLogin(deps, input, account);
  return directoryLogin({ ...deps, directory: deps.directory }, input, account);
}

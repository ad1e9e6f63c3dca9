import type { CreateNotificationChannelBody, NotificationChannelQuery, NotificationKind, UpdateNotificationChannelBody } from '@rp/contract/notifications';
import type { NotificationChannel, Prisma } from '../generated/prisma/client.js';
import { assertWritable } from '../archive/service.js';
import { auditChanges, type FieldPolicy, type KeyedEntry } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import type { PrivateHosts } from '../projects/git-policy.js';
import type { Db, DbTx } from '../shared/db.js';
import { Conflict, Invalid, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import { SecretBoxError, type SecretBox } from '../shared/secret-box.js';
import { checkedConfig, secretHints, type ChannelConfig } from './kinds.js';
import { sendToChannel } from './send.js';
import { channelTargetProblem } from './target-policy.js';
import { testMessage } from './test-message.js';

/** How long "send test message" waits for the remote side. */
const TEST_TIMEOUT_MS = 10_000;

type SecretParts = Record<string, unknown>;

function openSecret(box: SecretBox, row: NotificationChannel): SecretParts {
  try {
    return JSON.parse(box.decrypt(row.secret)) as SecretParts;
  } catch (error) {
    if (!(error instanceof SecretBoxError)) throw error;
    // The usual cause is a changed SECRET_KEY or a lost DATA_DIR/secret.key: say so instead of a bare 500.
    throw new Conflict(`Notification channel "${row.name}" cannot be decrypted with this installation's master key (was SECRET_KEY changed?); store its secret again`);
  }
}

/** The one place a channel row becomes an API object: the secret shows only as masked hints. */
function view(box: SecretBox, row: NotificationChannel) {
  let hints: Record<string, string>;
  try {
    hints = secretHints(JSON.parse(box.decrypt(row.secret)) as SecretParts);
  } catch (error) {
    if (!(error instanceof SecretBoxError)) throw error;
    hints = {};
  }
  return {
    id: row.id,
    groupId: row.groupId,
    name: row.name,
    kind: row.kind as NotificationKind,
    settings: row.settings as Record<string, unknown>,
    secretHints: hints,
    lastTest: { at: row.lastTestAt?.toISOString() ?? null, ok: row.lastTestOk, answer: row.lastTestAnswer },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const AUDITED: FieldPolicy = { plain: ['name', 'settings'], keyed: ['secret'] };

/** Every part of the secret (webhook URL, signing secret, SMTP password) is compared as a secret: only its name shows. */
const secretEntries = (secret: object): KeyedEntry[] => Object.entries(secret).map(([key, value]) => ({ key, value: JSON.stringify(value), secret: true }));

const auditedRow = (box: SecretBox, row: NotificationChannel) => ({ ...row, secret: secretEntries(openSecret(box, row)) });

interface WriteDeps {
  db: Db;
  secrets: SecretBox;
  ctx: RequestContext;
  privateHosts: PrivateHosts;
}

/** Members see their groups' channels and the global ones (to pick them in alert rules); administrators see all. */
export async function listNotificationChannels({ db, secrets, actor }: { db: Db; secrets: SecretBox; actor: Actor }, query: NotificationChannelQuery) {
  const visible: Prisma.NotificationChannelWhereInput = actor.isAdmin ? {} : { OR: [{ groupId: { in: [...actor.roles.keys()] } }, { groupId: null }] };
  const filter: Prisma.NotificationChannelWhereInput = { name: query.q ? { contains: query.q, mode: 'insensitive' } : undefined, kind: query.kind };
  if (query.global === true) filter.groupId = null;
  else if (query.groupId) filter.groupId = query.groupId;
  else if (query.global === false) filter.groupId = { not: null };
  const where: Prisma.NotificationChannelWhereInput = { AND: [visible, filter] };
  const [rows, total] = await Promise.all([
    db.notificationChannel.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...pageArgs(query.page, query.pageSize) }),
    db.notificationChannel.count({ where }),
  ]);
  return { items: rows.map((row) => view(secrets, row)), total, page: query.page, pageSize: query.pageSize };
}

export async function getNotificationChannel({ db, secrets }: { db: Db; secrets: SecretBox }, { id }: { id: string }) {
  const row = await db.notificationChannel.findUnique({ where: { id } });
  if (!row) throw new NotFound('Notification channel');
  return view(secrets, row);
}

/** PostgreSQL treats NULL group ids as distinct, so uniqueness of global names is checked here. */
async function assertNameFree(tx: DbTx, groupId: string | null, name: string, exceptId?: string) {
  const clash = await tx.notificationChannel.findFirst({ where: { groupId, name } });
  if (clash && clash.id !== exceptId) throw new Conflict(`Notification channel "${name}" already exists here`, [{ field: 'name', message: 'already exists' }]);
}

/** Where the channel sends must pass the address policy when it is saved (and again before every send). */
async function checkTargets(config: ChannelConfig, privateHosts: PrivateHosts): Promise<void> {
  const refused = await channelTargetProblem(config, privateHosts);
  if (refused) throw new Invalid(`body.${refused.field}`, refused.problem);
}

export async function createNotificationChannel({ db, secrets, ctx, privateHosts }: WriteDeps, input: CreateNotificationChannelBody) {
  const groupId = input.groupId ?? null;
  const config = checkedConfig(input.kind, input.settings ?? {}, input.secret);
  await checkTargets(config, privateHosts);
  return db.$transaction(async (tx) => {
    if (groupId) await assertWritable(tx, 'group', groupId);
    await assertNameFree(tx, groupId, input.name);
    const row = await tx.notificationChannel.create({
      data: { groupId, name: input.name, kind: input.kind, settings: config.settings as Prisma.InputJsonObject, secret: secrets.encrypt(JSON.stringify(config.secret)) },
    });
    await recordAudit(tx, ctx, {
      action: 'notification_channel.create',
      resourceType: 'notification_channel',
      resourceId: row.id,
      // Names of the secret parts, never their values.
      details: { name: row.name, kind: row.kind, groupId, settings: config.settings, secretParts: Object.keys(config.secret) },
    });
    return view(secrets, row);
  });
}

export async function updateNotificationChannel({ db, secrets, ctx, privateHosts }: WriteDeps, { id, changes }: { id: string; changes: UpdateNotificationChannelBody }) {
  const before = await db.notificationChannel.findUnique({ where: { id } });
  if (!before) throw new NotFound('Notification channel');
  const secret = openSecret(secrets, before);
  // An omitted part keeps the stored one (the form never has it to send back); null removes an optional one.
  for (const [part, value] of Object.entries(changes.secret ?? {})) {
    if (value === null) delete secret[part];
    else secret[part] = value;
  }
  const config = checkedConfig(before.kind as NotificationKind, changes.settings ?? before.settings, secret);
  await checkTargets(config, privateHosts);
  return db.$transaction(async (tx) => {
    if (before.groupId) await assertWritable(tx, 'group', before.groupId);
    if (changes.name) await assertNameFree(tx, before.groupId, changes.name, id);
    const current = await tx.notificationChannel.findUnique({ where: { id } });
    if (!current) throw new NotFound('Notification channel');
    // Another address or secret: the last test no longer says anything about this channel.
    const reset = changes.settings !== undefined || changes.secret !== undefined ? { lastTestAt: null, lastTestOk: null, lastTestAnswer: null } : {};
    const row = await tx.notificationChannel.update({
      where: { id },
      data: { name: changes.name, settings: config.settings as Prisma.InputJsonObject, secret: secrets.encrypt(JSON.stringify(config.secret)), ...reset },
    });
    await recordAudit(tx, ctx, {
      action: 'notification_channel.update',
      resourceType: 'notification_channel',
      resourceId: id,
      details: { name: row.name, changes: auditChanges(auditedRow(secrets, current), { ...row, secret: secretEntries(config.secret) }, AUDITED) },
    });
    return view(secrets, row);
  });
}

export async function deleteNotificationChannel({ db, ctx }: Pick<WriteDeps, 'db' | 'ctx'>, { id }: { id: string }) {
  await db.$transaction(async (tx) => {
    const row = await tx.notificationChannel.findUnique({ where: { id } });
    if (!row) throw new NotFound('Notification channel');
    if (row.groupId) await assertWritable(tx, 'group', row.groupId);
    await tx.notificationChannel.delete({ where: { id } });
    await recordAudit(tx, ctx, { action: 'notification_channel.delete', resourceType: 'notification_channel', resourceId: id, details: { name: row.name, kind: row.kind, groupId: row.groupId } });
  });
}

/** A stored channel ready for `sendToChannel`: settings and decrypted secret, checked against its kind. */
export async function loadChannel(db: DbTx, box: SecretBox, id: string): Promise<{ row: NotificationChannel; config: ChannelConfig }> {
  const row = await db.notificationChannel.findUnique({ where: { id } });
  if (!row) throw new NotFound('Notification channel');
  return { row, config: checkedConfig(row.kind as NotificationKind, row.settings, openSecret(box, row)) };
}

/** "Send test message": the fixed bilingual message through the channel; the remote answer is kept on the channel. */
export async function testNotificationChannel({ db, secrets, ctx, privateHosts }: WriteDeps, { id }: { id: string }) {
  const { row, config } = await loadChannel(db, secrets, id);
  const result = await sendToChannel(config, testMessage(row.name), { timeoutMs: TEST_TIMEOUT_MS, privateHosts });
  const at = new Date();
  await db.notificationChannel.update({ where: { id }, data: { lastTestAt: at, lastTestOk: result.ok, lastTestAnswer: result.answer } });
  await recordAudit(db, ctx, { action: 'notification_channel.test', resourceType: 'notification_channel', resourceId: id, details: { name: row.name, ok: result.ok } });
  return { ok: result.ok, answer: result.answer, at: at.toISOString() };
}

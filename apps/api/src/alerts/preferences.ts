import type { NotificationPreferences, PersonalChannelList, UpdateNotificationPreferencesBody } from '@rp/contract/alerts';
import type { NotificationKind } from '@rp/contract/notifications';
import type { Prisma } from '../generated/prisma/client.js';
import { recordAudit } from '../audit/service.js';
import { readPreferences, type StoredPreferences } from '../notifications/stored-json.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import type { Db, DbTx } from '../shared/db.js';
import { Invalid, NotFound } from '../shared/errors.js';

/** Personal messages go to one person's address: only kinds that have one (a robot group chat would tell everyone). */
const PERSONAL_KINDS: NotificationKind[] = ['email', 'dingtalk'];

/** Global channels and those of the user's own groups: another group's SMTP server or robot is not theirs to use. */
function pickable(actor: Actor): Prisma.NotificationChannelWhereInput {
  return { kind: { in: PERSONAL_KINDS }, OR: [{ groupId: null }, { groupId: { in: [...actor.roles.keys()] } }] };
}

export async function listPersonalChannels({ db, actor }: { db: Db; actor: Actor }): Promise<PersonalChannelList> {
  const rows = await db.notificationChannel.findMany({ where: pickable(actor), select: { id: true, name: true, kind: true, groupId: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  return rows.map((row) => ({ ...row, kind: row.kind as NotificationKind }));
}

async function loadUser(db: DbTx, id: string) {
  const user = await db.user.findUnique({ where: { id }, select: { email: true, dingtalkMobile: true, notifyPrefs: true } });
  if (!user) throw new NotFound('User');
  return user;
}

const view = (user: { email: string | null; dingtalkMobile: string | null }, prefs: StoredPreferences): NotificationPreferences => ({
  email: user.email,
  dingtalkMobile: user.dingtalkMobile,
  ...prefs,
});

export async function getPreferences({ db, actor }: { db: Db; actor: Actor }): Promise<NotificationPreferences> {
  const user = await loadUser(db, actor.userId);
  return view(user, readPreferences(user.notifyPrefs));
}

/**
 * A subscription must be deliverable when it is saved: a channel the user may pick, and the address that channel's
 * kind sends to (the profile's e-mail, or the DingTalk mobile to @-mention).
 */
async function checkChannel(tx: DbTx, actor: Actor, prefs: StoredPreferences, address: { email: string | null; dingtalkMobile: string | null }, channelGiven: boolean): Promise<void> {
  const subscribed = prefs.myReleases || prefs.awaitingMyApproval;
  if (prefs.channelId === null) {
    if (subscribed) throw new Invalid('body.channelId', 'pick an e-mail or DingTalk channel to receive your notifications');
    return;
  }
  if (!channelGiven && !subscribed) return;
  const channel = await tx.notificationChannel.findFirst({ where: { id: prefs.channelId, ...pickable(actor) }, select: { kind: true, name: true } });
  if (!channel) throw new Invalid('body.channelId', 'must be an e-mail or DingTalk channel of one of your groups, or a global one');
  if (!subscribed) return;
  if (channel.kind === 'email' && !address.email) throw new Invalid('body.channelId', `your profile has no e-mail address for "${channel.name}" to send to; ask an administrator to add one`);
  if (channel.kind === 'dingtalk' && !address.dingtalkMobile) throw new Invalid('body.dingtalkMobile', `"${channel.name}" @-mentions you by your DingTalk mobile; set it`);
}

/** Merges the given fields into the stored ones; what is not sent is kept. */
export async function updatePreferences({ db, actor, ctx }: { db: Db; actor: Actor; ctx: RequestContext }, changes: UpdateNotificationPreferencesBody): Promise<NotificationPreferences> {
  return db.$transaction(async (tx) => {
    const user = await loadUser(tx, actor.userId);
    const before = readPreferences(user.notifyPrefs);
    const prefs: StoredPreferences = {
      channelId: changes.channelId === undefined ? before.channelId : changes.channelId,
      myReleases: changes.myReleases ?? before.myReleases,
      awaitingMyApproval: changes.awaitingMyApproval ?? before.awaitingMyApproval,
      locale: changes.locale ?? before.locale,
    };
    const dingtalkMobile = changes.dingtalkMobile === undefined ? user.dingtalkMobile : changes.dingtalkMobile;
    await checkChannel(tx, actor, prefs, { email: user.email, dingtalkMobile }, changes.channelId !== undefined);
    await tx.user.update({ where: { id: actor.userId }, data: { dingtalkMobile, notifyPrefs: { ...prefs } } });
    await recordAudit(tx, ctx, { action: 'user.notification_preferences', resourceType: 'user', resourceId: actor.userId, details: { changed: Object.keys(changes), ...prefs } });
    return view({ email: user.email, dingtalkMobile }, prefs);
  });
}

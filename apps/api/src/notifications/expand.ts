import { FAILURE_EVENTS, globMatches, type AlertEvent, type MessageLocale } from '@rp/contract/rules';
import type { Prisma } from '../generated/prisma/client.js';
import type { Db, DbTx } from '../shared/db.js';
import { releaseFacts, serviceFacts, type EventFacts, type ReleaseFacts } from './facts.js';
import { approversOf, peopleByIds, type Person } from './recipients.js';
import { readPreferences, readRecipients } from './stored-json.js';

interface PlannedDelivery {
  channelId: string;
  ruleId: string | null;
  userId: string | null;
  locale: MessageLocale;
  emails: string[];
  mobiles: string[];
}

/** What a person's own subscription "my releases" hears of: everything after they pressed the button. */
const MY_RELEASE_EVENTS: readonly AlertEvent[] = ['awaiting_approval', 'approved', 'rejected', 'started', 'paused', 'succeeded', 'failed', 'rolled_back', 'aborted', 'interrupted'];

const addressesOf = (people: Person[]) => ({
  emails: people.flatMap((p) => (p.email ? [p.email] : [])),
  mobiles: people.flatMap((p) => (p.dingtalkMobile ? [p.dingtalkMobile] : [])),
});

function ruleHears(rule: { events: string[]; onlyFailures: boolean; environmentPattern: string | null }, type: AlertEvent, environment: string | null): boolean {
  const listed = rule.events.includes(type) || (type === 'rolled_back' && rule.events.includes('failed'));
  if (!listed) return false;
  if (rule.onlyFailures && !FAILURE_EVENTS.includes(type)) return false;
  return !rule.environmentPattern || (environment !== null && globMatches(rule.environmentPattern, environment));
}

/** The people an event concerns beyond a rule's own recipients: approvers for a request, the creator for a verdict. */
async function concernedPeople(db: DbTx, type: AlertEvent, facts: EventFacts): Promise<Person[]> {
  if (facts.kind !== 'release') return [];
  if (type === 'awaiting_approval') return approversOf(db, facts);
  if (type === 'approved' || type === 'rejected') return peopleByIds(db, [facts.creator.id]);
  return [];
}

async function ruleDeliveries(db: DbTx, type: AlertEvent, facts: EventFacts): Promise<PlannedDelivery[]> {
  const scopes: Prisma.AlertRuleWhereInput[] = [{ groupId: facts.groupId }];
  if (facts.projectId) scopes.push({ projectId: facts.projectId });
  if (facts.environmentId) scopes.push({ environmentId: facts.environmentId });
  const rules = await db.alertRule.findMany({ where: { enabled: true, OR: scopes }, include: { channels: { select: { channelId: true } } }, orderBy: { createdAt: 'asc' } });
  const environment = facts.environment;
  const hearing = rules.filter((rule) => ruleHears(rule, type, environment));
  if (hearing.length === 0) return [];
  const concerned = addressesOf(await concernedPeople(db, type, facts));
  const planned: PlannedDelivery[] = [];
  for (const rule of hearing) {
    const recipients = readRecipients(rule.recipients);
    const users = addressesOf(await peopleByIds(db, recipients.users));
    const emails = [...new Set([...recipients.emails, ...users.emails, ...concerned.emails])];
    const mobiles = [...new Set([...users.mobiles, ...concerned.mobiles])];
    for (const { channelId } of rule.channels) planned.push({ channelId, ruleId: rule.id, userId: null, locale: rule.locale as MessageLocale, emails, mobiles });
  }
  return planned;
}

/**
 * A person's own subscriptions, on the channel they chose, while they may still use it. Someone a rule already
 * reaches on that channel gets no second copy.
 */
async function personalDeliveries(db: DbTx, type: AlertEvent, facts: ReleaseFacts, byRules: PlannedDelivery[]): Promise<PlannedDelivery[]> {
  const wanted: Person[] = [];
  if (MY_RELEASE_EVENTS.includes(type)) {
    const creator = (await peopleByIds(db, [facts.creator.id]))[0];
    if (creator && readPreferences(creator.notifyPrefs).myReleases) wanted.push(creator);
  }
  if (type === 'awaiting_approval') wanted.push(...(await approversOf(db, facts)).filter((p) => readPreferences(p.notifyPrefs).awaitingMyApproval));
  const planned: PlannedDelivery[] = [];
  for (const person of wanted) {
    const prefs = readPreferences(person.notifyPrefs);
    if (!prefs.channelId || planned.some((p) => p.userId === person.id)) continue;
    // A robot posts into a group chat: only one the release's group may see (its own or a global one). A mail goes to
    // the person alone, through any channel they may use.
    const channel = await db.notificationChannel.findFirst({
      where: {
        id: prefs.channelId,
        OR: [
          { kind: 'dingtalk', groupId: null },
          { kind: 'dingtalk', groupId: facts.groupId },
          { kind: 'email', OR: [{ groupId: null }, { group: { memberships: { some: { userId: person.id } } } }] },
        ],
      },
      select: { id: true, kind: true },
    });
    if (!channel) continue;
    const address = channel.kind === 'email' ? person.email : person.dingtalkMobile;
    if (!address) continue;
    const reached = byRules.some((d) => d.channelId === channel.id && (channel.kind === 'email' ? d.emails : d.mobiles).includes(address));
    if (reached) continue;
    planned.push({
      channelId: channel.id,
      ruleId: null,
      userId: person.id,
      locale: prefs.locale,
      emails: channel.kind === 'email' ? [address] : [],
      mobiles: channel.kind === 'dingtalk' ? [address] : [],
    });
  }
  return planned;
}

async function factsOf(db: DbTx, event: { type: string; releaseId: string | null; subject: unknown }): Promise<EventFacts | null> {
  if (!event.releaseId) return serviceFacts(event.subject);
  const origin = (event.subject as { origin?: unknown } | null)?.origin === 'trigger' ? 'trigger' : 'person';
  return releaseFacts(db, event.releaseId, origin);
}

/**
 * Takes outbox events not yet expanded (oldest first; SKIP LOCKED lets several notifiers share the work) and turns
 * each into its deliveries, with the facts its messages show, in one transaction: a crash leaves the event to expand
 * again, and the dedupe key makes a second expansion add nothing. Answers how many events it took.
 */
export async function expandEvents(db: Db, limit = 50): Promise<number> {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM notification_events WHERE expanded_at IS NULL ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    for (const { id } of rows) {
      const event = await tx.notificationEvent.findUniqueOrThrow({ where: { id } });
      const type = event.type as AlertEvent;
      const facts = await factsOf(tx, event);
      if (facts) {
        const byRules = await ruleDeliveries(tx, type, facts);
        const personal = facts.kind === 'release' ? await personalDeliveries(tx, type, facts, byRules) : [];
        await tx.notificationDelivery.createMany({
          data: [...byRules, ...personal].map((d) => ({ ...d, eventId: id, dedupeKey: `${id}:${d.channelId}:${d.ruleId ? `r:${d.ruleId}` : `u:${d.userId}`}` })),
          skipDuplicates: true,
        });
      }
      await tx.notificationEvent.update({ where: { id }, data: { expandedAt: new Date(), facts: (facts ?? undefined) as Prisma.InputJsonValue | undefined } });
    }
    return rows.length;
  });
}

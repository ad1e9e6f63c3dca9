import type { AlertRulePage, AlertRuleQuery, AlertRuleView, CreateAlertRuleBody, UpdateAlertRuleBody } from '@rp/contract/alerts';
import type { Prisma } from '../generated/prisma/client.js';
import { assertWritable } from '../archive/service.js';
import { auditChanges, type FieldPolicy } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import { readRecipients, type StoredRecipients } from '../notifications/stored-json.js';
import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import type { Db, DbTx } from '../shared/db.js';
import { Invalid, NotFound } from '../shared/errors.js';
import { pageArgs } from '../shared/pagination.js';
import { ruleGroupOf, ruleInclude, ruleView, ruleViews, type RuleRow } from './rule-view.js';
import { ruleScopeOf, SCOPE_FIELD, scopeGroupId, type RuleScope } from './scope.js';

interface WriteDeps {
  db: Db;
  ctx: RequestContext;
}

/** Rules whose scope lies in one of these groups: the group itself, or a project or environment of it. */
function inGroups(groupIds: string[]): Prisma.AlertRuleWhereInput {
  const groupId = { in: groupIds };
  return { OR: [{ groupId }, { project: { groupId } }, { environment: { project: { groupId } } }] };
}

/** Members see the rules of their groups; administrators see all. */
export async function listAlertRules({ db, actor }: { db: Db; actor: Actor }, query: AlertRuleQuery): Promise<AlertRulePage> {
  const filters: Prisma.AlertRuleWhereInput[] = [];
  if (!actor.isAdmin) filters.push(inGroups([...actor.roles.keys()]));
  if (query.groupId) filters.push(inGroups([query.groupId]));
  if (query.projectId) filters.push({ OR: [{ projectId: query.projectId }, { environment: { projectId: query.projectId } }] });
  if (query.environmentId) filters.push({ environmentId: query.environmentId });
  if (query.q) filters.push({ name: { contains: query.q, mode: 'insensitive' } });
  const where: Prisma.AlertRuleWhereInput = { AND: filters };
  const [rows, total] = await Promise.all([
    db.alertRule.findMany({ where, include: ruleInclude, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...pageArgs(query.page, query.pageSize) }),
    db.alertRule.count({ where }),
  ]);
  return { items: await ruleViews(db, rows), total, page: query.page, pageSize: query.pageSize };
}

async function findRule(db: DbTx, id: string): Promise<RuleRow> {
  const row = await db.alertRule.findUnique({ where: { id }, include: ruleInclude });
  if (!row) throw new NotFound('Alert rule');
  return row;
}

export async function getAlertRule({ db }: { db: Db }, { id }: { id: string }): Promise<AlertRuleView> {
  return ruleView(db, await findRule(db, id));
}

/** A rule sends only through its own group's channels or global ones: another group's robot is not the owner's to use. */
async function checkChannels(tx: DbTx, groupId: string, channelIds: string[]): Promise<void> {
  const usable = await tx.notificationChannel.findMany({ where: { id: { in: channelIds }, OR: [{ groupId }, { groupId: null }] }, select: { id: true } });
  const found = new Set(usable.map((channel) => channel.id));
  const foreign = channelIds.filter((id) => !found.has(id));
  if (foreign.length) throw new Invalid('body.channelIds', `must be channels of the rule's group or global ones: ${foreign.join(', ')}`);
}

/** Named users must be able to see what they are told about: enabled members of the rule's group. */
async function checkUsers(tx: DbTx, groupId: string, userIds: string[]): Promise<void> {
  if (!userIds.length) return;
  const members = await tx.user.findMany({ where: { id: { in: userIds }, disabled: false, memberships: { some: { groupId } } }, select: { id: true } });
  const found = new Set(members.map((user) => user.id));
  const strangers = userIds.filter((id) => !found.has(id));
  if (strangers.length) throw new Invalid('body.recipients.userIds', `must be enabled members of the rule's group: ${strangers.join(', ')}`);
}

/** The recipients to store: each list given replaces the stored one, an omitted one is kept. */
async function checkedRecipients(tx: DbTx, groupId: string, stored: StoredRecipients, given: CreateAlertRuleBody['recipients']): Promise<StoredRecipients> {
  const users = given?.userIds ?? stored.users;
  if (given?.userIds) await checkUsers(tx, groupId, users);
  return { users, emails: given?.emails ?? stored.emails };
}

const AUDITED: FieldPolicy = { plain: ['name', 'enabled', 'events', 'onlyFailures', 'environmentPattern', 'locale', 'recipients', 'channels'] };

/** Channels by name, in a stable order, so only a real change shows. */
const auditedRow = (row: RuleRow) => ({ ...row, channels: row.channels.map((link) => link.channel.name).sort() });

const scopeOfRow = (row: RuleRow): RuleScope =>
  row.environmentId ? { kind: 'environment', id: row.environmentId } : row.projectId ? { kind: 'project', id: row.projectId } : { kind: 'group', id: row.groupId as string };

export async function createAlertRule({ db, ctx }: WriteDeps, input: CreateAlertRuleBody): Promise<AlertRuleView> {
  const scope = ruleScopeOf(input);
  return db.$transaction(async (tx) => {
    await assertWritable(tx, scope.kind, scope.id);
    const groupId = await scopeGroupId(tx, scope);
    await checkChannels(tx, groupId, input.channelIds);
    const recipients = await checkedRecipients(tx, groupId, { users: [], emails: [] }, input.recipients);
    const row = await tx.alertRule.create({
      data: {
        name: input.name,
        [SCOPE_FIELD[scope.kind]]: scope.id,
        enabled: input.enabled ?? true,
        events: input.events,
        onlyFailures: input.onlyFailures ?? false,
        environmentPattern: input.environmentPattern ?? null,
        locale: input.locale,
        recipients: { ...recipients },
        createdById: ctx.actorId,
        channels: { create: input.channelIds.map((channelId) => ({ channelId })) },
      },
      include: ruleInclude,
    });
    await recordAudit(tx, ctx, {
      action: 'alert_rule.create',
      resourceType: 'alert_rule',
      resourceId: row.id,
      details: { name: row.name, scope: { ...scope }, events: row.events, channelIds: input.channelIds },
    });
    return ruleView(tx, row);
  });
}

export async function updateAlertRule({ db, ctx }: WriteDeps, { id, changes }: { id: string; changes: UpdateAlertRuleBody }): Promise<AlertRuleView> {
  return db.$transaction(async (tx) => {
    const before = await findRule(tx, id);
    const scope = scopeOfRow(before);
    await assertWritable(tx, scope.kind, scope.id);
    const groupId = ruleGroupOf(before);
    if (changes.channelIds) await checkChannels(tx, groupId, changes.channelIds);
    const recipients = changes.recipients ? await checkedRecipients(tx, groupId, readRecipients(before.recipients), changes.recipients) : undefined;
    const row = await tx.alertRule.update({
      where: { id },
      data: {
        name: changes.name,
        enabled: changes.enabled,
        events: changes.events,
        onlyFailures: changes.onlyFailures,
        environmentPattern: changes.environmentPattern,
        locale: changes.locale,
        recipients: recipients && { ...recipients },
        channels: changes.channelIds && { deleteMany: {}, create: changes.channelIds.map((channelId) => ({ channelId })) },
      },
      include: ruleInclude,
    });
    await recordAudit(tx, ctx, { action: 'alert_rule.update', resourceType: 'alert_rule', resourceId: id, details: { name: row.name, changes: auditChanges(auditedRow(before), auditedRow(row), AUDITED) } });
    return ruleView(tx, row);
  });
}

export async function deleteAlertRule({ db, ctx }: WriteDeps, { id }: { id: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await findRule(tx, id);
    const scope = scopeOfRow(row);
    await assertWritable(tx, scope.kind, scope.id);
    await tx.alertRule.delete({ where: { id } });
    await recordAudit(tx, ctx, { action: 'alert_rule.delete', resourceType: 'alert_rule', resourceId: id, details: { name: row.name, scope: { ...scope } } });
  });
}

import type { AlertRuleView } from '@rp/contract/alerts';
import type { NotificationKind } from '@rp/contract/notifications';
import type { AlertEvent, MessageLocale } from '@rp/contract/rules';
import type { Prisma } from '../generated/prisma/client.js';
import type { DbTx } from '../shared/db.js';
import { readRecipients } from '../notifications/stored-json.js';

const named = { select: { id: true, name: true } } as const;

/** What a rule's view needs besides its own columns: its scope's names up to the group, and its channels. */
export const ruleInclude = {
  group: named,
  project: { select: { id: true, name: true, group: named } },
  environment: { select: { id: true, name: true, project: { select: { id: true, name: true, group: named } } } },
  channels: { select: { channel: { select: { id: true, name: true, kind: true } } } },
} as const satisfies Prisma.AlertRuleInclude;

export type RuleRow = Prisma.AlertRuleGetPayload<{ include: typeof ruleInclude }>;
type UserRef = AlertRuleView['recipients']['users'][number];

function scopeOf(row: RuleRow): AlertRuleView['scope'] {
  if (row.environment) {
    const { project } = row.environment;
    return {
      kind: 'environment',
      groupId: project.group.id,
      projectId: project.id,
      environmentId: row.environment.id,
      label: `${project.group.name}/${project.name}/${row.environment.name}`,
    };
  }
  if (row.project) {
    const { group } = row.project;
    return { kind: 'project', groupId: group.id, projectId: row.project.id, environmentId: null, label: `${group.name}/${row.project.name}` };
  }
  if (row.group) return { kind: 'group', groupId: row.group.id, projectId: null, environmentId: null, label: row.group.name };
  throw new Error(`Alert rule ${row.id} has no scope`);
}

export const ruleGroupOf = (row: RuleRow): string => scopeOf(row).groupId;

function view(row: RuleRow, users: ReadonlyMap<string, UserRef>): AlertRuleView {
  const recipients = readRecipients(row.recipients);
  return {
    id: row.id,
    name: row.name,
    scope: scopeOf(row),
    enabled: row.enabled,
    events: row.events as AlertEvent[],
    onlyFailures: row.onlyFailures,
    environmentPattern: row.environmentPattern,
    locale: row.locale as MessageLocale,
    channels: row.channels.map(({ channel }) => ({ ...channel, kind: channel.kind as NotificationKind })).sort((a, b) => a.name.localeCompare(b.name)),
    // A user deleted since the rule was saved is left out rather than shown as a bare id.
    recipients: { users: recipients.users.flatMap((id) => users.get(id) ?? []), emails: recipients.emails },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Views of several rules, with one query for all the users they name. */
export async function ruleViews(db: DbTx, rows: RuleRow[]): Promise<AlertRuleView[]> {
  const ids = [...new Set(rows.flatMap((row) => readRecipients(row.recipients).users))];
  const users = ids.length ? await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true, displayName: true } }) : [];
  const byId = new Map(users.map((user) => [user.id, user]));
  return rows.map((row) => view(row, byId));
}

export async function ruleView(db: DbTx, row: RuleRow): Promise<AlertRuleView> {
  const [only] = await ruleViews(db, [row]);
  return only as AlertRuleView;
}

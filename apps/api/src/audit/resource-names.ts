import type { DbTx } from '../shared/db.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Namer = (db: DbTx, ids: string[]) => Promise<[string, string][]>;

/**
 * What an audit entry's resource is called now, per resource type: one query per type on a page of entries. A
 * resource deleted since has no name; the entry keeps its id.
 */
const NAMERS: Record<string, Namer> = {
  project: async (db, ids) => (await db.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  environment: async (db, ids) =>
    (await db.environment.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, project: { select: { name: true } } } })).map((r) => [r.id, `${r.project.name} / ${r.name}`]),
  release: async (db, ids) =>
    (
      await db.release.findMany({ where: { id: { in: ids } }, select: { id: true, number: true, ref: true, project: { select: { name: true } }, environment: { select: { name: true } } } })
    ).map((r) => [r.id, `${r.project.name} / ${r.environment.name}${r.number ? ` #${r.number}` : ''} (${r.ref})`]),
  server: async (db, ids) => (await db.server.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  credential: async (db, ids) => (await db.credential.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  group: async (db, ids) => (await db.group.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  user: async (db, ids) => (await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true } })).map((r) => [r.id, r.username]),
  api_token: async (db, ids) => (await db.apiToken.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  git_platform: async (db, ids) => (await db.gitPlatform.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  hook_template: async (db, ids) => (await db.hookTemplate.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  notification_channel: async (db, ids) => (await db.notificationChannel.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
  alert_rule: async (db, ids) => (await db.alertRule.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]),
};

/** `type/id` → name for the resources of these entries that still exist. */
export async function resourceNames(db: DbTx, entries: { resourceType: string; resourceId: string | null }[]): Promise<Map<string, string>> {
  const byType = new Map<string, Set<string>>();
  for (const { resourceType, resourceId } of entries) {
    if (!resourceId || !UUID.test(resourceId) || !NAMERS[resourceType]) continue;
    const ids = byType.get(resourceType) ?? new Set<string>();
    ids.add(resourceId);
    byType.set(resourceType, ids);
  }
  const named = await Promise.all([...byType].map(async ([type, ids]) => (await (NAMERS[type] as Namer)(db, [...ids])).map(([id, name]) => [`${type}/${id}`, name] as const)));
  return new Map(named.flat());
}

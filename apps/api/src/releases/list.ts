import type { ReleasePage, ReleaseQuery } from '@rp/contract/releases';
import type { GroupRole } from '../generated/prisma/enums.js';
import type { Actor } from '../plugins/app/auth/actor.js';
import type { ReadPool } from '../plugins/app/read-pool.js';
import { pageArgs } from '../shared/pagination.js';
import { SUMMARY_COLUMNS, SUMMARY_JOINS } from './summary-sql.js';

/**
 * One list row as the query returns it: the view's fields, names joined and times formatted as in every other view
 * (`Date.toISOString()`), plus the match count, which the response schema's serializer leaves out.
 */
type SummaryRow = ReleasePage['items'][number] & { total: number };

/** The query's filters and the caller's visibility over `releases r`, as SQL, its parameters and a name for its shape. */
function matching(actor: Actor, query: ReleaseQuery) {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const filters: { name: string; sql: string }[] = [];
  const filter = (name: string, sql: string) => filters.push({ name, sql });
  if (query.projectId) filter('project', `r.project_id = ${param(query.projectId)}::uuid`);
  if (query.environmentId) filter('environment', `r.environment_id = ${param(query.environmentId)}::uuid`);
  if (query.state) filter('state', `r.state = ${param(query.state)}::"ReleaseState"`);
  if (query.createdBy) filter('creator', `r.created_by_id = (SELECT id FROM users WHERE username = ${param(query.createdBy)})`);
  if (query.createdFrom) filter('from', `r.created_at >= ${param(new Date(query.createdFrom))}`);
  if (query.createdTo) filter('to', `r.created_at < ${param(new Date(query.createdTo))}`);
  if (query.awaitingMe) filter('awaiting-me', awaitingApprovalBy(actor, param));
  if (!actor.isAdmin) filter('groups', `r.project_id IN (SELECT id FROM projects WHERE group_id = ANY(${param([...actor.roles.keys()])}::uuid[]))`);
  return {
    where: filters.length ? filters.map((f) => f.sql).join(' AND ') : 'TRUE',
    values,
    shape: filters.map((f) => f.name).join(',') || 'all',
  };
}

/**
 * Waiting releases the actor may approve, as `approve` in actions.ts decides: not their own, and they are an owner of
 * the project's group (administrators are everywhere) or a developer there named among the environment's approvers.
 */
function awaitingApprovalBy(actor: Actor, param: (value: unknown) => string): string {
  const groupsWith = (roles: GroupRole[]) => param([...actor.roles].filter(([, role]) => roles.includes(role)).map(([group]) => group));
  const owner = actor.isAdmin ? 'TRUE' : `p.group_id = ANY(${groupsWith(['owner'])}::uuid[])`;
  const named = `(p.group_id = ANY(${groupsWith(['owner', 'developer'])}::uuid[])
    AND e.policy->>'approvers' = 'named' AND e.policy->'approverIds' ? ${param(actor.userId)}::text)`;
  return `r.state = 'pending_approval' AND r.created_by_id <> ${param(actor.userId)}::uuid
    AND EXISTS (SELECT 1 FROM projects p JOIN environments e ON e.project_id = p.id
                 WHERE p.id = r.project_id AND e.id = r.environment_id AND (${owner} OR ${named}))`;
}

/**
 * Releases the caller can see, newest first, in one statement: the page and the total are picked from `releases`
 * alone, and only the page's rows are joined to the names the list shows. Through Prisma's relation loading the same
 * page took six round trips (page, count and one per relation) and most of the API's CPU (see ReadPool).
 */
export async function listReleases({ reads, actor }: { reads: ReadPool; actor: Actor }, query: ReleaseQuery) {
  const { where, values, shape } = matching(actor, query);
  const { skip, take } = pageArgs(query.page, query.pageSize);
  const limit = `$${values.length + 1}`;
  const offset = `$${values.length + 2}`;
  const rows = await reads.query<SummaryRow>(
    `releases.list(${shape})`,
    `SELECT ${SUMMARY_COLUMNS}, page.total
       FROM (SELECT r.id, r.created_at, count(*) OVER ()::int AS total
               FROM releases r
              WHERE ${where}
              ORDER BY r.created_at DESC, r.id DESC
              LIMIT ${limit} OFFSET ${offset}) page
       JOIN releases r ON r.id = page.id
       ${SUMMARY_JOINS}
      ORDER BY page.created_at DESC, page.id DESC`,
    [...values, take, skip],
  );
  // A page past the end has no row to carry the total.
  const total =
    rows[0]?.total ?? (skip === 0 ? 0 : ((await reads.query<{ total: number }>(`releases.count(${shape})`, `SELECT count(*)::int AS total FROM releases r WHERE ${where}`, values))[0]?.total ?? 0));
  return { items: rows, total, page: query.page, pageSize: query.pageSize };
}

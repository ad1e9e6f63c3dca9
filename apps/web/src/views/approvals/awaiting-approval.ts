import { listReleases, type ReleaseSummary } from '@/api/releases';

/** The API's largest page: the inbox is searched and paged here, so it needs the whole list. */
export const FETCH_LIMIT = 200;

export interface Inbox {
  items: ReleaseSummary[];
  total: number;
  /** The waiting releases the signed-in user may approve, as the API decides (owners, named approvers, never the creator). */
  awaitingMe: ReadonlySet<string>;
}

/** Every release waiting for approval that the signed-in user can see, optionally of one project. */
export async function loadInbox(projectId?: string): Promise<Inbox> {
  const query = { state: 'pending_approval' as const, projectId, pageSize: FETCH_LIMIT };
  const [all, mine] = await Promise.all([listReleases(query), listReleases({ ...query, awaitingMe: true })]);
  return { items: all.items, total: all.total, awaitingMe: new Set(mine.items.map((r) => r.id)) };
}

/** How many releases wait for the signed-in user's approval: the menu's badge. */
export const countAwaitingMe = async (): Promise<number> =>
  (await listReleases({ state: 'pending_approval', awaitingMe: true, pageSize: 1 })).total;

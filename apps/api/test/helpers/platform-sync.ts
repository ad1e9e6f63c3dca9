import type { TestApp, TestUser } from './test-app.js';

/**
 * The calls a sync test makes of one platform: start a sync (as its owner), wait for it to end, and read the platform
 * and search what it stored (as a viewer). `who` is read at each call, so it may be filled in by a beforeAll.
 */
export function platformSync(who: () => { t: TestApp; owner: TestUser; viewer: TestUser; platformId: string }) {
  const platform = async () => {
    const { t, viewer, platformId } = who();
    return (await t.call(viewer.token, { method: 'GET', url: `/api/git-platforms/${platformId}` })).json();
  };
  const sync = (payload?: object) => {
    const { t, owner, platformId } = who();
    return t.call(owner.token, { method: 'POST', url: `/api/git-platforms/${platformId}/sync`, ...(payload ? { payload } : {}) });
  };
  const settled = async () => {
    for (let i = 0; i < 600; i++) {
      const view = await platform();
      if (view.sync.runningSince === null && view.sync.ok !== null) return view;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the sync did not end within 30 s');
  };
  const search = async (q: string) => {
    const { t, viewer, platformId } = who();
    return (await t.call(viewer.token, { method: 'GET', url: `/api/git-platforms/${platformId}/projects?q=${encodeURIComponent(q)}&pageSize=100` })).json();
  };
  return { platform, sync, settled, search };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCommits, PlanValidationError } from '../src/index.js';
import { createSampleAppRepo, type SampleAppRepo } from './harness/index.js';

describe('listCommits', () => {
  let repo: SampleAppRepo;
  beforeAll(() => {
    repo = createSampleAppRepo();
    for (let i = 0; i < 4; i++) repo.addCommit({ message: `change ${i} | with "quotes" and \u001f-free text` });
  });
  afterAll(() => repo.remove());

  it('lists the newest commits of the default branch, newest first, with author, date and subject', async () => {
    const out = await listCommits(repo.url, { limit: 3 });
    if (!out.ok) throw new Error(out.message);
    expect(out.ref).toBe('main');
    expect(out.commits.map((c) => c.sha)).toEqual(repo.commits.slice(-3).reverse());
    expect(out.commits[0]).toMatchObject({ author: 'Test', message: 'change 3 | with "quotes" and \u001f-free text' });
    expect(Number.isNaN(Date.parse(out.commits[0]?.date ?? ''))).toBe(false);
  });

  it('lists a named branch and reports an unknown one as not found', async () => {
    const out = await listCommits(repo.url, { ref: 'main', limit: 100 });
    expect(out.ok && out.commits.length).toBe(repo.commits.length);
    const missing = await listCommits(repo.url, { ref: 'no-such-branch' });
    expect(missing).toEqual({ ok: false, message: 'ref "no-such-branch" not found', notFound: true });
  });

  it('lists only the commits after `since`, says when there are more than the limit, and when `since` is elsewhere', async () => {
    const [, second] = repo.commits;
    const after = await listCommits(repo.url, { ref: 'main', since: second, limit: 100 });
    expect(after).toMatchObject({ ok: true, truncated: false });
    expect(after.ok && after.commits.map((c) => c.sha)).toEqual(repo.commits.slice(2).reverse());
    const few = await listCommits(repo.url, { ref: 'main', since: second, limit: 2 });
    expect(few.ok && [few.commits.length, few.truncated]).toEqual([2, true]);
    const newest = repo.commits.at(-1) ?? '';
    expect(await listCommits(repo.url, { ref: 'main', since: newest })).toMatchObject({ ok: true, commits: [], truncated: false });
    const unknown = await listCommits(repo.url, { ref: 'main', since: 'f'.repeat(40) });
    expect(unknown).toMatchObject({ ok: true, commits: [], sinceNotInHistory: true });
    await expect(listCommits(repo.url, { ref: 'main', since: 'HEAD~1' })).rejects.toBeInstanceOf(PlanValidationError);
  });

  it('refuses a ref with shell syntax before running git', async () => {
    await expect(listCommits(repo.url, { ref: 'main;touch /tmp/pwned' })).rejects.toBeInstanceOf(PlanValidationError);
  });
});

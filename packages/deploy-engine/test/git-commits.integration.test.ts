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

  it('refuses a ref with shell syntax before running git', async () => {
    await expect(listCommits(repo.url, { ref: 'main;touch /tmp/pwned' })).rejects.toBeInstanceOf(PlanValidationError);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PlanValidationError } from '../errors.js';
import { runLocal } from '../local.js';
import { checkGitUrl, checkRefName } from '../validate.js';
import { withGitAuth, type GitAuth } from './askpass.js';
import { GIT_SAFETY_ARGS } from './git.js';
import type { ListRefsOptions } from './refs.js';

export interface CommitInfo {
  sha: string;
  /** The subject line. */
  message: string;
  author: string;
  /** Committer date, ISO 8601. */
  date: string;
}

export type ListCommitsOutcome = { ok: true; ref: string; commits: CommitInfo[] } | { ok: false; message: string; notFound?: true };

const FIELD = '\x1f';
const MAX_COMMITS = 100;

/**
 * The newest commits of a branch or tag (the remote's default branch when none is given), for the release form's
 * "recent commits" picker. A shallow, tree-less fetch into a throw-away bare repository: only commit objects cross
 * the network, so a large repository answers as fast as a small one. Invalid names throw PlanValidationError.
 */
export async function listCommits(gitUrl: string, options: ListRefsOptions & { ref?: string; limit?: number } = {}): Promise<ListCommitsOutcome> {
  return withGitAuth(options.credential, (auth) => listWith(gitUrl, auth, options));
}

async function listWith(gitUrl: string, auth: GitAuth, options: ListRefsOptions & { ref?: string; limit?: number }): Promise<ListCommitsOutcome> {
  const urlCheck = checkGitUrl(gitUrl);
  if (!urlCheck.ok) return { ok: false, message: urlCheck.reason };
  if (options.ref !== undefined) {
    const refCheck = checkRefName(options.ref);
    if (!refCheck.ok) throw new PlanValidationError(refCheck.reason);
  }
  const limit = Math.min(Math.max(options.limit ?? 20, 1), MAX_COMMITS);
  const run = (args: string[], cwd?: string) =>
    runLocal('git', [...GIT_SAFETY_ARGS, ...auth.args, ...args], {
      env: auth.env,
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(cwd ? { cwd } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  const failed = (what: string, out: { exitCode: number | null; reason?: string; stderrTail: string }) => ({
    ok: false as const,
    message: `git ${what} failed: ${out.reason ?? `exit ${out.exitCode}`} ${out.stderrTail.trim()}`,
  });

  let ref = options.ref;
  if (ref === undefined) {
    const head = await run(['ls-remote', '--symref', '--', gitUrl, 'HEAD']);
    if (head.exitCode !== 0) return failed('ls-remote', head);
    ref = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(head.stdout)?.[1];
    if (!ref) return { ok: false, message: 'the repository has no default branch (empty repository?)' };
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'rp-commits-'));
  try {
    const init = await run(['init', '--quiet', '--bare', dir]);
    if (init.exitCode !== 0) return failed('init', init);
    const fetch = await run(['fetch', '--quiet', '--no-tags', `--depth=${limit}`, '--filter=tree:0', '--', gitUrl, ref], dir);
    if (fetch.exitCode !== 0) {
      if (/couldn't find remote ref/i.test(fetch.stderrTail)) return { ok: false, message: `ref ${JSON.stringify(ref)} not found`, notFound: true };
      return failed('fetch', fetch);
    }
    const log = await run(['log', `--max-count=${limit}`, `--format=%H${FIELD}%an${FIELD}%cI${FIELD}%s`, 'FETCH_HEAD', '--'], dir);
    if (log.exitCode !== 0) return failed('log', log);
    const commits = log.stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => {
        const [sha = '', author = '', date = '', ...subject] = line.split(FIELD);
        return { sha, author, date, message: subject.join(FIELD) };
      });
    return { ok: true, ref, commits };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

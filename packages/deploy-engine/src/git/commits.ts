import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PlanValidationError } from '../errors.js';
import { runLocal } from '../local.js';
import { checkGitUrl, checkRefName } from '../validate.js';
import { withGitAuth } from './askpass.js';
import { GIT_SAFETY_ARGS, type GitAuth } from './git.js';
import type { ListRefsOptions } from './refs.js';

export interface CommitInfo {
  sha: string;
  /** The subject line. */
  message: string;
  author: string;
  /** Committer date, ISO 8601. */
  date: string;
}

export type ListCommitsOutcome =
  | {
      ok: true;
      ref: string;
      commits: CommitInfo[];
      /** More commits than `limit` (after `since`). */
      truncated: boolean;
      /** `since` is not in the ref's history (another branch, or history rewritten): nothing to list after it. */
      sinceNotInHistory?: true;
    }
  | { ok: false; message: string; notFound?: true };

export interface ListCommitsOptions extends ListRefsOptions {
  ref?: string;
  limit?: number;
  /** Only the commits after this one (a full sha): what shipping `ref` would add to a place that runs `since`. */
  since?: string;
}

const FIELD = '\x1f';
const MAX_COMMITS = 100;

/**
 * The newest commits of a branch or tag (the remote's default branch when none is given), for the release form's
 * "recent commits" picker, or with `since` the ones after a commit (what a release would change). A tree-less fetch
 * into a throw-away bare repository: only commit objects cross the network, so a large repository answers as fast
 * as a small one; shallow unless `since` needs the history. Invalid names throw PlanValidationError.
 */
export async function listCommits(gitUrl: string, options: ListCommitsOptions = {}): Promise<ListCommitsOutcome> {
  return withGitAuth(options.credential, (auth) => listWith(gitUrl, auth, options));
}

async function listWith(gitUrl: string, auth: GitAuth, options: ListCommitsOptions): Promise<ListCommitsOutcome> {
  const urlCheck = checkGitUrl(gitUrl);
  if (!urlCheck.ok) return { ok: false, message: urlCheck.reason };
  if (options.ref !== undefined) {
    const refCheck = checkRefName(options.ref);
    if (!refCheck.ok) throw new PlanValidationError(refCheck.reason);
  }
  if (options.since !== undefined && !/^[0-9a-f]{40}$/.test(options.since)) throw new PlanValidationError('since must be a full 40-character commit sha');
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
    const depth = options.since ? [] : [`--depth=${limit}`];
    const fetch = await run(['fetch', '--quiet', '--no-tags', ...depth, '--filter=tree:0', '--', gitUrl, ref], dir);
    if (fetch.exitCode !== 0) {
      if (/couldn't find remote ref/i.test(fetch.stderrTail)) return { ok: false, message: `ref ${JSON.stringify(ref)} not found`, notFound: true };
      return failed('fetch', fetch);
    }
    if (options.since && (await run(['merge-base', '--is-ancestor', options.since, 'FETCH_HEAD'], dir)).exitCode !== 0) {
      return { ok: true, ref, commits: [], truncated: false, sinceNotInHistory: true };
    }
    const range = options.since ? `${options.since}..FETCH_HEAD` : 'FETCH_HEAD';
    const log = await run(['log', `--max-count=${limit + 1}`, `--format=%H${FIELD}%an${FIELD}%cI${FIELD}%s`, range, '--'], dir);
    if (log.exitCode !== 0) return failed('log', log);
    const commits = log.stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => {
        const [sha = '', author = '', date = '', ...subject] = line.split(FIELD);
        return { sha, author, date, message: subject.join(FIELD) };
      });
    return { ok: true, ref, commits: commits.slice(0, limit), truncated: commits.length > limit };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

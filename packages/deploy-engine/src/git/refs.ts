import { PlanValidationError } from '../errors.js';
import { runLocal } from '../local.js';
import { checkGitUrl, checkRefName } from '../validate.js';
import type { GitCredential } from '../types.js';
import { withGitAuth } from './askpass.js';
import { GIT_SAFETY_ARGS } from './git.js';

export interface RefList {
  branches: { name: string; sha: string }[];
  /** Annotated tags are reported with the commit they point at, not the tag object. */
  tags: { name: string; sha: string }[];
}

export interface ListRefsOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Handed to git through its askpass prompt, never in the URL or an argument. */
  credential?: GitCredential;
}

export type ListRefsOutcome = { ok: true; refs: RefList } | { ok: false; message: string };

/** `git ls-remote --heads --tags` for the API's branch/tag pickers; nothing is cloned. */
export async function listRefs(gitUrl: string, options: ListRefsOptions = {}): Promise<ListRefsOutcome> {
  const urlCheck = checkGitUrl(gitUrl);
  if (!urlCheck.ok) return { ok: false, message: urlCheck.reason };
  const out = await withGitAuth(options.credential, (auth) =>
    runLocal('git', [...GIT_SAFETY_ARGS, ...auth.args, 'ls-remote', '--heads', '--tags', '--', gitUrl], {
      env: auth.env,
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  if (out.exitCode !== 0) return { ok: false, message: `git ls-remote failed: ${out.reason ?? `exit ${out.exitCode}`} ${out.stderrTail.trim()}` };
  return { ok: true, refs: parseLsRemote(out.stdout) };
}

export function parseLsRemote(text: string): RefList {
  const branches: RefList['branches'] = [];
  const tags = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (!sha || !ref || !/^[0-9a-f]{40}$/.test(sha)) continue;
    if (ref.startsWith('refs/heads/')) branches.push({ name: ref.slice('refs/heads/'.length), sha });
    else if (ref.startsWith('refs/tags/')) {
      const peeled = ref.endsWith('^{}');
      const name = ref.slice('refs/tags/'.length, peeled ? -3 : undefined);
      // The peeled line (`^{}`) names the commit; it wins over the tag object's own sha.
      if (peeled || !tags.has(name)) tags.set(name, sha);
    }
  }
  return { branches, tags: [...tags].map(([name, sha]) => ({ name, sha })) };
}

/**
 * Turns a branch or tag name into the commit it points at right now, so a plan always carries an exact sha.
 * A full sha is returned as is. Invalid names throw PlanValidationError before anything runs.
 */
export async function resolveRef(gitUrl: string, ref: string, options: ListRefsOptions = {}): Promise<ListRefsOutcome | { ok: true; sha: string }> {
  if (/^[0-9a-f]{40}$/.test(ref)) return { ok: true, sha: ref };
  const check = checkRefName(ref);
  if (!check.ok) throw new PlanValidationError(check.reason);
  const listed = await listRefs(gitUrl, options);
  if (!listed.ok) return listed;
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  const match = listed.refs.branches.find((b) => b.name === name) ?? listed.refs.tags.find((t) => t.name === name);
  return match ? { ok: true, sha: match.sha } : { ok: false, message: `ref ${JSON.stringify(ref)} not found in ${gitUrl}` };
}

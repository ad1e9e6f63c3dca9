import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** One commit as `git log` reports it; field names follow GitLab's commit entity where they overlap. */
export interface GitCommit {
  id: string;
  parentIds: string[];
  authorName: string;
  authorEmail: string;
  authoredDate: string;
  committerName: string;
  committerEmail: string;
  committedDate: string;
  message: string;
}

export const ZERO_SHA = '0000000000000000000000000000000000000000';

// Unit and record separators cannot occur in names or ISO dates, and commit messages never contain them in tests.
const LOG_FORMAT = '%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1e';

export function git(repoDir: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): string {
  return execFileSync('git', ['-C', repoDir, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, input, maxBuffer: 64 * 1024 * 1024 });
}

/** Like `git`, but a failing command (unknown ref, say) answers undefined instead of throwing. */
export function tryGit(repoDir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', repoDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

export function parseLog(out: string): GitCommit[] {
  return out
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record.length > 0)
    .map((record) => {
      const [id = '', parents = '', authorName = '', authorEmail = '', authoredDate = '', committerName = '', committerEmail = '', committedDate = '', message = ''] = record.split('\x1f');
      return { id, parentIds: parents ? parents.split(' ') : [], authorName, authorEmail, authoredDate, committerName, committerEmail, committedDate, message };
    });
}

/** Commits reachable as `git log <revs>` lists them (newest first); [] when a revision does not resolve. */
export function log(repoDir: string, revs: string[]): GitCommit[] {
  const out = tryGit(repoDir, ['log', `--format=${LOG_FORMAT}`, ...revs, '--']);
  return out === undefined ? [] : parseLog(out);
}

export function resolve(repoDir: string, rev: string): string | undefined {
  return tryGit(repoDir, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])?.trim() || undefined;
}

export function refNames(repoDir: string, prefix: 'refs/heads' | 'refs/tags'): { name: string; sha: string }[] {
  const out = git(repoDir, ['for-each-ref', '--format=%(refname:lstrip=2)%00%(objectname)%00%(*objectname)', prefix]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', sha = '', peeled = ''] = line.split('\0');
      return { name, sha: peeled || sha };
    });
}

/** A bare repository at `repoDir` whose `branch` holds one commit adding README.md. */
export function initBareRepo(repoDir: string, branch: string, readme: string): void {
  mkdirSync(repoDir, { recursive: true });
  git(repoDir, ['init', '--quiet', '--bare', `--initial-branch=${branch}`]);
  commitFiles(repoDir, { branch, message: 'Initial commit', files: { 'README.md': readme } });
}

/**
 * A commit on `branch` made without a work tree: a scratch index read from the parent's tree, the files written as
 * blobs, and the branch moved to the new commit. A missing branch starts from `from`.
 */
export function commitFiles(repoDir: string, o: { branch: string; from?: string; message: string; authorName?: string; authorEmail?: string; files: Record<string, string> }): string {
  const scratch = mkdtempSync(path.join(tmpdir(), 'gl-index-'));
  try {
    const parent = resolve(repoDir, `refs/heads/${o.branch}`) ?? (o.from ? resolve(repoDir, o.from) : undefined);
    const name = o.authorName ?? 'Stand-in Author';
    const email = o.authorEmail ?? `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com`;
    const env = {
      GIT_INDEX_FILE: path.join(scratch, 'index'),
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    };
    if (parent) git(repoDir, ['read-tree', parent], env);
    for (const [file, content] of Object.entries(o.files)) {
      const blob = git(repoDir, ['hash-object', '-w', '--stdin'], env, content).trim();
      git(repoDir, ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], env);
    }
    const tree = git(repoDir, ['write-tree'], env).trim();
    const sha = git(repoDir, ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', o.message], env).trim();
    git(repoDir, ['update-ref', `refs/heads/${o.branch}`, sha, ...(parent && resolve(repoDir, `refs/heads/${o.branch}`) ? [parent] : [])]);
    return sha;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Files a commit added, modified and removed, as push payloads list them. */
export function changedFiles(repoDir: string, sha: string): { added: string[]; modified: string[]; removed: string[] } {
  const out = git(repoDir, ['diff-tree', '--root', '--no-commit-id', '--name-status', '-r', '--no-renames', sha]);
  const files = { added: [] as string[], modified: [] as string[], removed: [] as string[] };
  for (const line of out.split('\n').filter(Boolean)) {
    const [status = '', file = ''] = line.split('\t');
    if (status === 'A') files.added.push(file);
    else if (status === 'D') files.removed.push(file);
    else files.modified.push(file);
  }
  return files;
}

import { HOOK_NAMES } from './types.js';

/**
 * Input checks for every name that reaches a command line. Values are quoted anyway; rejecting the odd ones as well
 * means a hostile name fails loudly with a reason instead of creating a strange directory.
 */
export type Check = { ok: true } | { ok: false; reason: string };

const OK: Check = { ok: true };
const fail = (reason: string): Check => ({ ok: false, reason });

// Shell metacharacters, quotes, whitespace and control characters never belong in names we generate paths from.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const UNSAFE = /[\s;&|`$()<>"'\\*?[\]{}!#~^\0-\x1f\x7f]/;

export function checkReleaseId(id: string): Check {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) return fail(`release id ${JSON.stringify(id)} must match [A-Za-z0-9][A-Za-z0-9._-]*`);
  if (id.includes('..')) return fail(`release id ${JSON.stringify(id)} must not contain ".."`);
  return OK;
}

export function checkProjectName(name: string): Check {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) || name.includes('..')) {
    return fail(`project name ${JSON.stringify(name)} must match [A-Za-z0-9][A-Za-z0-9._-]* without ".."`);
  }
  return OK;
}

export function checkCommitSha(sha: string): Check {
  return /^[0-9a-f]{40}$/.test(sha) ? OK : fail(`commit ${JSON.stringify(sha)} must be a full 40-hex sha (resolve refs first)`);
}

function checkSegments(path: string, what: string): Check {
  if (path.length === 0) return fail(`${what} must not be empty`);
  if (path.length > 1024) return fail(`${what} is longer than 1024 characters`);
  if (UNSAFE.test(path)) return fail(`${what} ${JSON.stringify(path)} contains a character outside [A-Za-z0-9._@+=:,/-]`);
  for (const segment of path.split('/')) {
    if (segment === '..' || segment === '.') return fail(`${what} ${JSON.stringify(path)} must not contain "." or ".." segments`);
    if (segment.startsWith('-')) return fail(`${what} ${JSON.stringify(path)} has a segment starting with "-"`);
  }
  return OK;
}

/** An absolute deploy path on a target; `/` itself is refused because cleanup deletes inside it. */
export function checkDeployPath(path: string): Check {
  if (!path.startsWith('/')) return fail(`deploy path ${JSON.stringify(path)} must be absolute`);
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return fail('deploy path must not be "/"');
  return checkSegments(trimmed.slice(1), 'deploy path');
}

/** A path inside the release or shared dir (artifact paths, shared dirs/files). */
export function checkRelativePath(path: string, what = 'path'): Check {
  if (path.startsWith('/')) return fail(`${what} ${JSON.stringify(path)} must be relative`);
  return checkSegments(path.replace(/\/+$/, ''), what);
}

export function checkHookName(name: string): Check {
  return (HOOK_NAMES as readonly string[]).includes(name) ? OK : fail(`unknown hook ${JSON.stringify(name)} (expected one of ${HOOK_NAMES.join(', ')})`);
}

/** Environment variable names exported to hooks; values are quoted, names cannot be. */
export function checkEnvName(name: string): Check {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? OK : fail(`environment variable name ${JSON.stringify(name)} is not a valid identifier`);
}

/**
 * A Git ref name as a user types it (branch or tag). Follows git check-ref-format and additionally refuses shell
 * metacharacters; refs are only ever used to look up a sha, never passed to a shell.
 */
export function checkRefName(ref: string): Check {
  if (ref.length === 0 || ref.length > 255) return fail('ref must be 1..255 characters');
  if (UNSAFE.test(ref)) return fail(`ref ${JSON.stringify(ref)} contains a forbidden character`);
  if (ref.startsWith('-') || ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.') || ref.endsWith('.lock')) {
    return fail(`ref ${JSON.stringify(ref)} is not a valid ref name`);
  }
  if (ref.includes('..') || ref.includes('//') || ref.includes('@{') || ref.includes('/.') || ref.startsWith('.')) {
    return fail(`ref ${JSON.stringify(ref)} is not a valid ref name`);
  }
  return OK;
}

/**
 * Git URLs: https, ssh, git, file URLs and scp-like `user@host:path`. Anything starting with "-" would be read as an
 * option, and `ext::` runs arbitrary commands, so both are refused (ext is also disabled on every git call).
 */
export function checkGitUrl(url: string): Check {
  if (url.length === 0 || url.length > 2048) return fail('git URL must be 1..2048 characters');
  if (url.startsWith('-')) return fail(`git URL ${JSON.stringify(url)} must not start with "-"`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (/[\s\0-\x1f\x7f]/.test(url)) return fail('git URL must not contain whitespace or control characters');
  if (/^(https?|ssh|git|file):\/\//.test(url)) return OK;
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^:]/.test(url) && !url.includes('::')) return OK;
  return fail(`git URL ${JSON.stringify(url)} must use https, ssh, git, file or user@host:path`);
}

/** Collects failures of many checks into one list of readable messages. */
export class Problems {
  readonly list: string[] = [];
  add(check: Check, where?: string): void {
    if (!check.ok) this.list.push(where ? `${where}: ${check.reason}` : check.reason);
  }
}

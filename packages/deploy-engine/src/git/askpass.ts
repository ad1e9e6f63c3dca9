import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GitCredential } from '../types.js';
import { GIT_ENV, type GitAuth } from './git.js';
import { withSshKey } from './ssh.js';

/**
 * Answers git's prompts from the environment of the git child, so the secret is never in an argument vector
 * (visible in `ps`), a URL (repeated in git's errors) or a file. The script itself holds nothing secret.
 */
const ASKPASS_SCRIPT = `#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "$RP_GIT_USERNAME" ;;
  *) printf '%s\\n' "$RP_GIT_PASSWORD" ;;
esac
`;

/**
 * Runs `fn` with the arguments and environment that let git authenticate with `credential`. A token: an askpass
 * script in a private temporary directory (removed afterwards), no other credential helper, no terminal prompt, and
 * no redirects (a redirect to another host would receive the credential). A deploy key: see withSshKey. Without a
 * credential git gets the plain safe env.
 */
export async function withGitAuth<T>(credential: GitCredential | undefined, fn: (auth: GitAuth) => Promise<T>): Promise<T> {
  if (!credential) return fn({ args: [], env: GIT_ENV });
  if ('privateKey' in credential) return withSshKey(credential, fn);
  const dir = await mkdtemp(path.join(tmpdir(), 'rp-askpass-'));
  try {
    const script = path.join(dir, 'askpass');
    await writeFile(script, ASKPASS_SCRIPT, { mode: 0o700 });
    await chmod(script, 0o700);
    return await fn({
      args: ['-c', 'credential.helper=', '-c', 'http.followRedirects=false'],
      env: { ...GIT_ENV, GIT_ASKPASS: script, RP_GIT_USERNAME: credential.username, RP_GIT_PASSWORD: credential.password },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

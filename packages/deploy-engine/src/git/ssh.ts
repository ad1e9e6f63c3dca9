import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sh } from '../shell/quote.js';
import type { GitSshCredential } from '../types.js';
import { GIT_ENV, type GitAuth } from './git.js';

/** Prefix of the private temporary directory that holds a deploy key for the length of one git call. */
export const SSH_KEY_DIR_PREFIX = 'rp-git-ssh-';

const CONNECT_TIMEOUT_SECONDS = 15;

/**
 * The ssh git runs: no configuration file, agent or identity but the deploy key, no prompts, and only the pinned host
 * keys — an unknown or changed host key fails the call instead of being trusted. Git appends the port, user, host and
 * remote command; every path is quoted because git hands the string to a shell.
 */
export function gitSshCommand(keyPath: string, knownHostsPath: string): string {
  return sh`ssh -F /dev/null -i ${keyPath} -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o ${`UserKnownHostsFile=${knownHostsPath}`} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o ConnectTimeout=${CONNECT_TIMEOUT_SECONDS}`
    .text;
}

/**
 * Runs `fn` with git set up to use `credential` over SSH: the key and the pinned known_hosts lines are written to a
 * private temporary directory (0700, files 0600) that is removed when `fn` ends, however it ends.
 */
export async function withSshKey<T>(credential: GitSshCredential, fn: (auth: GitAuth) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), SSH_KEY_DIR_PREFIX));
  try {
    const key = path.join(dir, 'deploy_key');
    const knownHosts = path.join(dir, 'known_hosts');
    // OpenSSH refuses a key file without its final newline ("invalid format"); stored keys may have lost it.
    await writeFile(key, credential.privateKey.endsWith('\n') ? credential.privateKey : `${credential.privateKey}\n`, { mode: 0o600 });
    await writeFile(knownHosts, credential.knownHosts, { mode: 0o600 });
    return await fn({ args: [], env: { ...GIT_ENV, GIT_SSH_COMMAND: gitSshCommand(key, knownHosts), GIT_SSH_VARIANT: 'ssh' } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

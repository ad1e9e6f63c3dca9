import type { GitCredential } from '@rp/deploy-engine';
import type { GitHostKey } from '../generated/prisma/client.js';
import { hostKeyMismatch } from '../git-hosts/service.js';
import { createSecretMasker } from '../shared/secret-masker.js';
import { isFileUrl } from './git-policy.js';

export interface GitAccess {
  gitUrl: string;
  /** A git_token credential, decrypted; handed to git through its askpass prompt only, never in a URL or message. */
  token?: { username: string | null; secret: string };
  /** An ssh_key credential (a deploy key), decrypted, and the host keys pinned for the URL's host and port. */
  ssh?: { privateKey: string; pin: Pick<GitHostKey, 'host' | 'port' | 'knownHosts' | 'fingerprints' | 'pinnedAt'> };
}

/** GitLab accepts any username with a token, `oauth2` by convention; GitHub ignores it. */
export function gitCredentialOf(access: GitAccess): GitCredential | undefined {
  if (access.ssh) return { privateKey: access.ssh.privateKey, knownHosts: access.ssh.pin.knownHosts };
  return access.token ? { username: access.token.username ?? 'oauth2', password: access.token.secret } : undefined;
}

/** The decrypted secrets an access hands to git, to be masked in whatever git says. */
export const gitSecretsOf = (access: GitAccess): string[] => [...(access.token ? [access.token.secret] : []), ...(access.ssh ? [access.ssh.privateKey] : [])];

/** The options that give an engine git call the project's credential, if it has one. */
export function gitOptionsOf(access: GitAccess): { credential?: GitCredential } {
  const credential = gitCredentialOf(access);
  return credential ? { credential } : {};
}

/**
 * What a caller may read of git's failure. For file:// URLs nothing of git's own text: it would tell whether a path
 * exists on the platform host. Over ssh, a host key other than the pinned one is said plainly. Otherwise git's
 * message with every form of the secret masked.
 */
export function gitFailureMessage(access: GitAccess, message: string): string {
  if (isFileUrl(access.gitUrl)) {
    const exit = /\b(exit \d+|timeout|aborted)\b/.exec(message)?.[1];
    return `Git could not read the repository${exit ? ` (${exit})` : ''}`;
  }
  const mismatch = access.ssh ? hostKeyMismatch(access.ssh.pin, message) : null;
  return mismatch ?? createSecretMasker(gitSecretsOf(access))(message);
}

interface Entry<T> {
  at: number;
  value: Promise<T & { fetchedAt: string }>;
}

/** What a lookup against the repository answers: the data, or git's message (masked before anyone sees it). */
export type Lookup<T> = (url: string, options: { credential?: GitCredential }) => Promise<{ ok: true; value: T } | { ok: false; message: string }>;

/**
 * Answers of `git` lookups (branch and tag lists, recent commits) per key — the URL, the credential's version and
 * whatever else the lookup depends on — kept 30 seconds so a release form that re-renders does not run git each
 * time. Concurrent callers share one lookup; failures are not cached.
 */
export class GitLookupCache {
  readonly #entries = new Map<string, Entry<unknown>>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 500,
  ) {}

  get<T>(key: string, access: GitAccess, lookup: Lookup<T>, refresh = false): Promise<T & { fetchedAt: string }> {
    const now = Date.now();
    const cached = this.#entries.get(key) as Entry<T> | undefined;
    if (cached && !refresh && now - cached.at < this.ttlMs) return cached.value;
    const value = lookup(access.gitUrl, gitOptionsOf(access)).then((outcome) => {
      if (!outcome.ok) throw new RefLookupError(gitFailureMessage(access, outcome.message));
      return { ...outcome.value, fetchedAt: new Date().toISOString() };
    });
    this.#prune(now);
    this.#entries.set(key, { at: now, value });
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }

  #prune(now: number): void {
    for (const [key, entry] of this.#entries) if (now - entry.at >= this.ttlMs) this.#entries.delete(key);
    while (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}

export class RefLookupError extends Error {}

import { listRefs, type RefList } from '@rp/deploy-engine';

export interface GitAccess {
  gitUrl: string;
  /** A git_token credential, decrypted; only ever placed in the URL handed to git, never in a message. */
  token?: { username: string | null; secret: string };
}

/** Token auth over HTTPS the way GitLab and GitHub accept it: the token as the password of the URL. */
export function authenticatedUrl(access: GitAccess): string {
  if (!access.token) return access.gitUrl;
  const url = new URL(access.gitUrl);
  url.username = access.token.username ?? 'oauth2';
  url.password = access.token.secret;
  return url.toString();
}

/** git repeats the URL it was given in its errors; every form of the secret is cut out before anyone sees one. */
export function scrub(message: string, access: GitAccess): string {
  if (!access.token) return message;
  const secret = access.token.secret;
  const asInUrl = new URL(access.gitUrl);
  asInUrl.password = secret;
  const forms = [authenticatedUrl(access), asInUrl.password, encodeURIComponent(secret), secret];
  return forms.filter((f) => f.length > 0).reduce((text, form) => text.split(form).join('***'), message);
}

interface Entry {
  at: number;
  refs: Promise<RefList & { fetchedAt: string }>;
}

/**
 * Branch and tag lists per (URL, credential version), kept 30 seconds so a release form that re-renders does not
 * run `git ls-remote` each time. Concurrent callers share one lookup; failures are not cached.
 */
export class RefCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 500,
  ) {}

  get(key: string, access: GitAccess, refresh = false): Promise<RefList & { fetchedAt: string }> {
    const now = Date.now();
    const cached = this.#entries.get(key);
    if (cached && !refresh && now - cached.at < this.ttlMs) return cached.refs;
    const refs = listRefs(authenticatedUrl(access), { timeoutMs: 20_000 }).then((outcome) => {
      if (!outcome.ok) throw new RefLookupError(scrub(outcome.message, access));
      return { ...outcome.refs, fetchedAt: new Date().toISOString() };
    });
    this.#prune(now);
    this.#entries.set(key, { at: now, refs });
    refs.catch(() => {
      if (this.#entries.get(key)?.refs === refs) this.#entries.delete(key);
    });
    return refs;
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

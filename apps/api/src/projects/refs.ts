
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

interface Entry<T> {
  at: number;
  value: Promise<T & { fetchedAt: string }>;
}

/** What a lookup against the repository answers: the data, or git's message (already scrubbed of the token). */
export type Lookup<T> = (url: string) => Promise<{ ok: true; value: T } | { ok: false; message: string }>;

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
    const value = lookup(authenticatedUrl(access)).then((outcome) => {
      if (!outcome.ok) throw new RefLookupError(scrub(outcome.message, access));
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

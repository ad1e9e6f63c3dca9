import { setTimeout as sleep } from 'node:timers/promises';

/** Attempts per request when a platform says it is rate limiting us, or a proxy in front of it answers 502/503. */
const ATTEMPTS = 6;
/** The longest one wait may be; a longer one fails the request rather than stalling a sync for longer. */
const MAX_WAIT_MS = 60_000;

export interface PatienceOptions {
  /** Called before each wait, so a sync can say it is being rate limited. */
  onWait?: (ms: number, status: number) => void;
  /** Ends the waits too, not only the requests. */
  signal?: AbortSignal;
}

/**
 * How long the platform asks us to wait: Retry-After (seconds or a date), else the reset time of the quota
 * (GitLab's RateLimit-Reset, GitHub's X-RateLimit-Reset, both in epoch seconds), else doubling from 1 s.
 */
export function retryDelayMs(headers: Headers, attempt: number, now = Date.now()): number {
  const after = headers.get('retry-after');
  if (after !== null) {
    const seconds = Number(after);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - now;
    if (Number.isFinite(ms)) return Math.max(0, ms);
  }
  const reset = Number(headers.get('ratelimit-reset') ?? headers.get('x-ratelimit-reset'));
  if (reset > 0) return Math.max(0, reset * 1000 - now);
  return 1000 * 2 ** (attempt - 1);
}

/**
 * 429, or a proxy's 502/503; and GitHub's 403 that is a rate limit rather than a refusal: it then says when to come
 * back (Retry-After), or that no requests are left (X-RateLimit-Remaining: 0).
 */
function isRateLimited({ status, headers }: Response): boolean {
  if (status === 429 || status === 502 || status === 503) return true;
  return status === 403 && (headers.has('retry-after') || headers.get('x-ratelimit-remaining') === '0');
}

/**
 * Sends a request, and again after the wait the platform asks for while it rate limits us, a bounded number of times.
 * `request` makes a fresh Request each time (a body is read once). Returns the last response, ok or not.
 */
export async function fetchPatiently(request: () => Request, o: PatienceOptions = {}): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(request());
    if (response.ok || !isRateLimited(response)) return response;
    const wait = retryDelayMs(response.headers, attempt);
    if (attempt === ATTEMPTS || wait > MAX_WAIT_MS) return response;
    await response.body?.cancel();
    o.onWait?.(wait, response.status);
    await sleep(wait, undefined, { signal: o.signal });
  }
}

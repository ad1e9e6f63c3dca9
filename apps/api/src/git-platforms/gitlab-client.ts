import { createRequesterFn, GitbeakerRequestError, type FormattedResponse, type RequestOptions, type ResponseBodyTypes } from '@gitbeaker/requester-utils';
import { Gitlab } from '@gitbeaker/rest';
import { setTimeout as sleep } from 'node:timers/promises';
import { normaliseBaseUrl } from './api-base.js';

/** Attempts per request when GitLab answers 429 (rate limited) or a proxy in front of it 502/503. */
const ATTEMPTS = 6;
/** The longest one wait may be; a Retry-After beyond it fails the request rather than stalling a sync for longer. */
const MAX_WAIT_MS = 60_000;

export interface GitLabClientOptions {
  /** Per call, including its retries. */
  timeoutMs?: number;
  /** Called before each wait, so a sync can say it is being rate limited. */
  onWait?: (ms: number, status: number) => void;
}

/** How long GitLab asks us to wait: Retry-After (seconds or a date), else RateLimit-Reset, else doubling from 1 s. */
export function retryDelayMs(headers: Headers, attempt: number, now = Date.now()): number {
  const after = headers.get('retry-after');
  if (after !== null) {
    const seconds = Number(after);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - now;
    if (Number.isFinite(ms)) return Math.max(0, ms);
  }
  const reset = Number(headers.get('ratelimit-reset'));
  if (reset > 0) return Math.max(0, reset * 1000 - now);
  return 1000 * 2 ** (attempt - 1);
}

async function bodyOf(response: Response, asStream: boolean): Promise<ResponseBodyTypes> {
  if (asStream) return response.body as ResponseBodyTypes;
  if (response.status === 204) return null;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (type === 'application/json') return ((await response.json()) as ResponseBodyTypes) ?? {};
  if (type.startsWith('text/')) return response.text();
  return response.blob();
}

async function failure(request: Request, response: Response): Promise<never> {
  const text = await response.text();
  let description = text;
  if ((response.headers.get('content-type') ?? '').includes('application/json')) {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown } | null;
    const detail = parsed?.error ?? parsed?.message ?? '';
    description = typeof detail === 'string' ? detail : JSON.stringify(detail);
  }
  throw new GitbeakerRequestError(description, { cause: { description, request, response } });
}

/**
 * gitbeaker's bundled handler retries a 429 ten times within about a quarter of a second, ignoring Retry-After, and
 * follows redirects with the PRIVATE-TOKEN header still on. This one waits as GitLab asks, a bounded number of times,
 * and never follows a redirect (the token would go wherever it points).
 */
function requestHandler(o: GitLabClientOptions) {
  return async (endpoint: string, raw?: Record<string, unknown>): Promise<FormattedResponse> => {
    const { prefixUrl = '', searchParams, method = 'GET', headers, body, signal, asStream = false } = (raw ?? {}) as RequestOptions;
    const url = new URL(endpoint, prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`);
    url.search = searchParams ?? '';
    for (let attempt = 1; ; attempt += 1) {
      const request = new Request(url, { method, headers: headers as Record<string, string>, body: body ?? null, signal: signal ?? null, redirect: 'manual' });
      const response = await fetch(request);
      if (response.ok) return { body: await bodyOf(response, asStream), headers: Object.fromEntries(response.headers.entries()), status: response.status };
      const retryable = response.status === 429 || response.status === 502 || response.status === 503;
      const wait = retryable ? retryDelayMs(response.headers, attempt) : 0;
      if (!retryable || attempt === ATTEMPTS || wait > MAX_WAIT_MS) return failure(request, response);
      await response.body?.cancel();
      o.onWait?.(wait, response.status);
      await sleep(wait, undefined, { signal: signal ?? undefined });
    }
  };
}

export type GitLabClient = InstanceType<typeof Gitlab<false>>;

/** A gitbeaker client for one GitLab instance (a sub-path is fine) with our request handler. */
export function gitlabClient(baseUrl: string, token: string, o: GitLabClientOptions = {}): GitLabClient {
  return new Gitlab({
    host: normaliseBaseUrl(baseUrl),
    token,
    queryTimeout: o.timeoutMs ?? 30_000,
    requesterFn: createRequesterFn((_service, options) => Promise.resolve(options), requestHandler(o)),
  });
}

import { createRequesterFn, GitbeakerRequestError, type FormattedResponse, type RequestOptions, type ResponseBodyTypes } from '@gitbeaker/requester-utils';
import { Gitlab } from '@gitbeaker/rest';
import { normaliseBaseUrl } from './api-base.js';
import { fetchPatiently, type PatienceOptions } from './patient-fetch.js';

export interface GitLabClientOptions {
  /** Per call, including its retries. */
  timeoutMs?: number;
  /** Called before each wait, so a sync can say it is being rate limited. */
  onWait?: PatienceOptions['onWait'];
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
    const request = () => new Request(url, { method, headers: headers as Record<string, string>, body: body ?? null, signal: signal ?? null, redirect: 'manual' });
    const response = await fetchPatiently(request, { onWait: o.onWait, signal: signal ?? undefined });
    if (response.ok) return { body: await bodyOf(response, asStream), headers: Object.fromEntries(response.headers.entries()), status: response.status };
    return failure(request(), response);
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

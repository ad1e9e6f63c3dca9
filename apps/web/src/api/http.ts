import { i18n } from '@/locales';

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    /** The API's `error.code` (e.g. UNAUTHORIZED, RATE_LIMITED), or NETWORK / HTTP_ERROR when no API error body arrived. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Seconds the API asked us to wait, from a 429's `details.retryAfterSeconds`. */
  get retryAfterSeconds(): number | undefined {
    if (this.code !== 'RATE_LIMITED' || typeof this.details !== 'object' || this.details === null) return undefined;
    const value = (this.details as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    return typeof value === 'number' ? value : undefined;
  }
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Read the answer as a file instead of JSON (log downloads). */
  blob?: boolean;
  /** A 401 answers the request itself (a wrong current password), not "your session ended". */
  unauthorizedIsAnswer?: boolean;
}

const BASE = '/api';

/** What the client needs from the session, handed in by the app at start-up so this module imports nothing above it. */
export interface HttpSession {
  /** The bearer token to send, or null when signed out. */
  getToken: () => string | null;
  /** A request sent with the current token was answered 401: the session ended server side. */
  onUnauthorized: () => Promise<void>;
}

let session: HttpSession = { getToken: () => null, onUnauthorized: async () => undefined };

export function configureHttp(next: HttpSession): void {
  session = next;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(status, error.code, error.message, error.details);
  }
  // A proxy or crashed upstream answers with HTML or nothing; say so instead of showing raw markup.
  return new ApiError(status, 'HTTP_ERROR', i18n.global.t('errors.unexpected', { status }));
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = session.getToken();
  const headers: Record<string, string> = { Accept: options.blob ? '*/*' : 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;

  let res: Response;
  try {
    res = await fetch(`${BASE}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    // fetch only rejects when no HTTP answer arrived at all (server down, DNS, CORS, offline).
    throw new ApiError(0, 'NETWORK', i18n.global.t('errors.network'));
  }

  if (res.status === 204) return undefined as T;
  if (res.ok && options.blob) return (await res.blob()) as T;
  const body = await readJson(res);
  if (res.ok) return body as T;

  // A 401 without a token is an answer (e.g. wrong password), not an expired session.
  if (res.status === 401 && token && session.getToken() === token && !options.unauthorizedIsAnswer) await session.onUnauthorized();
  throw toApiError(res.status, body);
}

export const http = {
  get: <T>(path: string) => request<T>(path, { method: 'GET' }),
  post: <T>(path: string, body?: unknown, extra: Pick<RequestOptions, 'unauthorizedIsAnswer'> = {}) => request<T>(path, { method: 'POST', body, ...extra }),
  put: <T>(path: string, body: unknown) => request<T>(path, { method: 'PUT', body }),
  patch: <T>(path: string, body: unknown) => request<T>(path, { method: 'PATCH', body }),
  delete: <T = void>(path: string) => request<T>(path, { method: 'DELETE' }),
  blob: (path: string) => request<Blob>(path, { method: 'GET', blob: true }),
};

type QueryValue = string | number | boolean | undefined | null;

/** `?a=1&b=x` from the set values only, so optional filters left empty never reach the API's strict query schemas. */
export function query(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}


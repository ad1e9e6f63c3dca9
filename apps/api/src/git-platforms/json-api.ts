import { fetchPatiently, type PatienceOptions } from './patient-fetch.js';

/** A request to the platform failed; the message says why in words an operator can act on, never with the token. */
export class PlatformError extends Error {}

export interface JsonRequest {
  headers?: Record<string, string>;
  /** Per attempt: a wait the platform asks for does not count. */
  timeoutMs: number;
  onWait?: PatienceOptions['onWait'];
}

/** The platform's reason (GitHub and Gitee answer `{"message": …}`), else the start of the body, else the status text. */
async function refusal(response: Response): Promise<PlatformError> {
  const status = `HTTP ${response.status}`;
  if (response.status === 401) return new PlatformError(`${status}: the token was refused (wrong, expired or revoked)`);
  if (response.status >= 300 && response.status < 400) return new PlatformError(`${status}: a redirect, not followed (the token would go along)`);
  const text = await response.text();
  let reason = text.slice(0, 200);
  try {
    const message = (JSON.parse(text) as { message?: unknown } | null)?.message;
    if (typeof message === 'string') reason = message.slice(0, 500);
  } catch {
    // Not JSON: the text is the reason.
  }
  return new PlatformError(`${status}: ${reason || response.statusText}`);
}

/**
 * GETs JSON from GitHub's or Gitee's REST API, waiting out rate limits as the platform asks. A redirect is never
 * followed: the token would go wherever it points.
 */
export async function getJson(url: string, o: JsonRequest): Promise<{ body: unknown; headers: Headers }> {
  let response: Response;
  try {
    const request = () => new Request(url, { headers: { accept: 'application/json', ...o.headers }, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs) });
    response = await fetchPatiently(request, { onWait: o.onWait });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new PlatformError(`no answer within ${o.timeoutMs / 1000} s`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new PlatformError(`cannot reach it: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  if (!response.ok) throw await refusal(response);
  const body: unknown = await response.json().catch((error: Error) => {
    if (error.name === 'TimeoutError') throw new PlatformError(`no answer within ${o.timeoutMs / 1000} s`);
    // A web page where JSON was expected: most likely the address is not the platform's, or a sign-in page is in front of it.
    throw new PlatformError(`the answer is not JSON (${response.headers.get('content-type') ?? 'no content type'}); is the address the platform's?`);
  });
  return { body, headers: response.headers };
}

/** A page of a listing: a JSON array, or the request fails (an empty list would make a full sync drop everything). */
export async function getList(url: string, o: JsonRequest): Promise<{ items: Record<string, unknown>[]; headers: Headers }> {
  const { body, headers } = await getJson(url, o);
  if (!Array.isArray(body)) throw new PlatformError('the answer is not a list');
  return { items: body.map((item: unknown) => (item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {})), headers };
}

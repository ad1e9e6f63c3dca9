/** What a robot or webhook answered, or why it did not. */
export type HttpAnswer = { status: number; body: string } | { failure: string };

/** Enough of an answer to show; a remote side that talks more is cut off here rather than filling memory. */
const MAX_BODY = 16_384;

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    chunks.push(Buffer.from(chunk as Uint8Array));
    size += (chunk as Uint8Array).byteLength;
    if (size >= MAX_BODY) break;
  }
  // Leaving the loop early cancels the rest of the body.
  return Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
}

/**
 * POSTs a body with our own timeout. Redirects are not followed: the address was checked against the host policy,
 * a redirect's target was not. Network failures and timeouts are an answer, not an exception.
 */
export async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await readCapped(response) };
  } catch (error) {
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { failure: `no answer within ${timeoutMs} ms` };
    if (error instanceof TypeError) {
      const cause = (error as { cause?: unknown }).cause;
      return { failure: `request failed: ${cause instanceof Error ? cause.message : error.message}` };
    }
    throw error;
  }
}

const parse = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/** A robot's verdict: a 2xx answer whose JSON the kind accepts (robots answer 200 with an error code on failure). */
export function judge(answer: HttpAnswer, accepts: (json: unknown) => boolean): { ok: boolean; answer: string } {
  if ('failure' in answer) return { ok: false, answer: answer.failure };
  const ok = answer.status >= 200 && answer.status < 300 && accepts(parse(answer.body));
  return { ok, answer: `HTTP ${answer.status}: ${answer.body}` };
}

/** The numeric field of a JSON object answer, if it has one. */
export const codeOf = (json: unknown, field: string): number | undefined => {
  const value = json !== null && typeof json === 'object' ? (json as Record<string, unknown>)[field] : undefined;
  return typeof value === 'number' ? value : undefined;
};

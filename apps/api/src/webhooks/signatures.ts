import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Equal strings, compared in constant time (over digests, so their lengths do not show either). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** GitLab sends the secret itself in X-Gitlab-Token. */
export const gitlabVerified = (secret: string, headers: { token?: string }) => headers.token !== undefined && sameSecret(headers.token, secret);

/** GitHub signs the raw body: X-Hub-Signature-256 is `sha256=` + hex HMAC-SHA256 of the exact bytes received. */
export function githubVerified(secret: string, headers: { signature?: string }, raw: Buffer): boolean {
  if (headers.signature === undefined) return false;
  return sameSecret(headers.signature, `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
}

/** Gitee's signed deliveries may be this far from our clock (its documentation allows an hour). */
const GITEE_SKEW_MS = 3_600_000;

/**
 * Gitee sends, in X-Gitee-Token, either the password itself or (signature mode) base64 of
 * HMAC-SHA256(secret, `${timestamp}\n${secret}`) with the timestamp in X-Gitee-Timestamp, which must be recent so a
 * captured signature cannot be replayed for long.
 */
export function giteeVerified(secret: string, headers: { token?: string; timestamp?: string }, now = Date.now()): boolean {
  const { token, timestamp } = headers;
  if (token === undefined) return false;
  if (sameSecret(token, secret)) return true;
  if (timestamp === undefined || !/^\d{10,16}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > GITEE_SKEW_MS) return false;
  const sign = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
  return sameSecret(token.includes('%') ? safeDecode(token) : token, sign);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
